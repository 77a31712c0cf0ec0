/**
 * Inverted lists packed as one float64 per posting: slot * 4096 + titleTf * 64 + descriptionTf
 * (term frequencies capped at 63). Lists are appended in slot order, so they stay sorted and a
 * document's presence can be checked by binary search. Plain arrays beat one typed array per term:
 * most terms occur once or twice, and typed arrays cost ~200 bytes each.
 */
export const TF_CAP = 63;
export const SLOT_FACTOR = 4096;

export function packPosting(slot: number, titleTf: number, descriptionTf: number): number {
  return slot * SLOT_FACTOR + Math.min(titleTf, TF_CAP) * 64 + Math.min(descriptionTf, TF_CAP);
}

export function postingSlot(posting: number): number {
  return Math.floor(posting / SLOT_FACTOR);
}

/** Index of the posting for `slot` in a sorted list, or -1. */
export function findPosting(list: readonly number[], slot: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = postingSlot(list[mid]!);
    if (s === slot) return mid;
    if (s < slot) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
