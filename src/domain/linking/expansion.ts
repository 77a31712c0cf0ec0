import { type IndexState, idfOf } from './index-state.ts';
import { postingSlot, SLOT_FACTOR } from './postings.ts';
import type { LinkingTuning } from './tuning.ts';

/** A query word as the association miner sees it: its postings and its query weight. */
export interface AssociationSource {
  postings: readonly number[];
  weight: number;
}

/** A backlog term related to the ticket's words, with its share of the association mass (0..1]. */
export interface Association {
  termId: number;
  strength: number;
}

/** Reusable per-index buffers of the miner (one counter per term id). */
export interface AssociationScratch {
  mass: Float64Array;
  hits: Int32Array;
  touched: Int32Array;
}

export function createAssociationScratch(): AssociationScratch {
  return { mass: new Float64Array(0), hits: new Int32Array(0), touched: new Int32Array(0) };
}

/**
 * Title terms of the backlog items that contain the ticket's words (vocabulary bridging mined from the
 * backlog itself: "closing" in a description goes with "crash" in titles). Each query word spreads its
 * weight over the titles of its most recent `associationSample` items; a title term's mass, times its
 * IDF, ranks it. Terms already in the ticket and terms seen fewer than `associationMinHits` times are left
 * out. Cost: at most query words x sample x title length counter updates, independent of backlog size.
 */
export function mineAssociations(
  state: IndexState,
  tuning: LinkingTuning,
  scratch: AssociationScratch,
  sources: readonly AssociationSource[],
  queryTermIds: ReadonlySet<number>,
): Association[] {
  const terms = state.postings.length;
  if (scratch.mass.length < terms) {
    const size = Math.max(terms, scratch.mass.length * 2);
    scratch.mass = new Float64Array(size);
    scratch.hits = new Int32Array(size);
    scratch.touched = new Int32Array(size);
  }
  const { mass, hits, touched } = scratch;
  let touchedCount = 0;
  let sampledTitles = 0;
  for (const { postings, weight } of sources) {
    const from = Math.max(0, postings.length - tuning.associationSample);
    const share = weight / (postings.length - from);
    for (let i = from; i < postings.length; i++) {
      const slot = postingSlot(postings[i]!);
      if (state.ids[slot] === null) continue;
      if (tuning.associationFromTitles && postings[i]! - slot * SLOT_FACTOR < 64) continue;
      sampledTitles++;
      for (const termId of state.titleTerms[slot]!) {
        if (hits[termId] === 0) touched[touchedCount++] = termId;
        hits[termId]! += 1;
        mass[termId]! += share;
      }
    }
  }
  const n = state.ids.length;
  const found: Association[] = [];
  for (let i = 0; i < touchedCount; i++) {
    const termId = touched[i]!;
    if (hits[termId]! >= tuning.associationMinHits && !queryTermIds.has(termId)) {
      const df = state.postings[termId]!.length;
      const lift = hits[termId]! / sampledTitles / (df / n);
      const strength =
        tuning.associationScore === 'pmi'
          ? mass[termId]! * Math.max(0, Math.log(lift))
          : tuning.associationScore === 'lift'
            ? Math.max(0, Math.log(lift)) * Math.log1p(hits[termId]!)
            : mass[termId]! * idfOf(n, df);
      if (strength > 0) found.push({ termId, strength });
    }
    mass[termId] = 0;
    hits[termId] = 0;
  }
  found.sort((a, b) => b.strength - a.strength || a.termId - b.termId);
  const top = found.slice(0, tuning.expansionTerms);
  const max = top[0]?.strength ?? 0;
  return top.map((a) => ({ termId: a.termId, strength: a.strength / max }));
}
