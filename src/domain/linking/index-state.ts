import type { AnalyzedText } from './analyze.ts';
import { packPosting, postingSlot, SLOT_FACTOR } from './postings.ts';

/**
 * Mutable inverted-index state behind a LinkIndex. Documents live in slots; an update or removal
 * tombstones the old slot and postings of dead slots are dropped by `compact`, which renumbers
 * slots densely. Document frequencies count tombstoned postings until then (a small, bounded
 * drift, because compaction runs once a quarter of the slots are dead).
 */
export interface IndexState {
  termIds: Map<string, number>;
  postings: number[][];
  /** Per slot: the item's id, or the linked ticket's; null once the slot is dead. */
  ids: (string | null)[];
  /** Per slot: null for an item; for a linked ticket's words, the id of the item they stand for. */
  itemOf: (string | null)[];
  created: number[];
  titleLength: number[];
  descriptionLength: number[];
  /** Term ids of each item's title, to measure how much of the item's title a ticket covers. */
  titleTerms: number[][];
  slotOf: Map<string, number>;
  /** Slots of linked tickets' words, by `linkKey(ticket, item)`. */
  linkedSlotOf: Map<string, number>;
  dead: number;
  titleLengthSum: number;
  descriptionLengthSum: number;
}

export function createIndexState(): IndexState {
  return {
    termIds: new Map(),
    postings: [],
    ids: [],
    itemOf: [],
    created: [],
    titleLength: [],
    descriptionLength: [],
    titleTerms: [],
    slotOf: new Map(),
    linkedSlotOf: new Map(),
    dead: 0,
    titleLengthSum: 0,
    descriptionLengthSum: 0,
  };
}

/** Indexed items (linked tickets' words not counted). */
export function liveCount(state: IndexState): number {
  return state.slotOf.size;
}

/** Live slots of either kind: the collection the length statistics average over. */
export function liveSlots(state: IndexState): number {
  return state.slotOf.size + state.linkedSlotOf.size;
}

export function linkKey(ticketId: string, itemId: string): string {
  return `${ticketId}\u0000${itemId}`;
}

export function idfOf(slots: number, df: number): number {
  return Math.log(1 + (slots - df + 0.5) / (df + 0.5));
}

export function addDocument(state: IndexState, id: string, created: number, text: AnalyzedText): void {
  removeDocument(state, id);
  state.slotOf.set(id, addSlot(state, id, null, created, text));
}

/** Indexes a ticket's words as evidence for `itemId`, replacing what the same link held before. */
export function addLinked(
  state: IndexState,
  ticketId: string,
  itemId: string,
  created: number,
  text: AnalyzedText,
): void {
  removeLinked(state, ticketId, itemId);
  state.linkedSlotOf.set(linkKey(ticketId, itemId), addSlot(state, ticketId, itemId, created, text));
}

function addSlot(
  state: IndexState,
  id: string,
  itemOf: string | null,
  created: number,
  text: AnalyzedText,
): number {
  const slot = state.ids.length;
  state.ids.push(id);
  state.itemOf.push(itemOf);
  state.created.push(created);
  state.titleLength.push(text.titleLength);
  state.descriptionLength.push(text.descriptionLength);
  state.titleLengthSum += text.titleLength;
  state.descriptionLengthSum += text.descriptionLength;
  const titleTerms: number[] = [];
  for (const [term, counts] of text.terms) {
    const posting = packPosting(slot, counts.title, counts.description);
    let termId = state.termIds.get(term);
    if (termId === undefined) {
      termId = state.postings.length;
      state.termIds.set(term, termId);
      // Most terms occur once: a literal holds one element, while push() on [] reserves 17.
      state.postings.push([posting]);
    } else {
      state.postings[termId]!.push(posting);
    }
    if (counts.title > 0) titleTerms.push(termId);
  }
  state.titleTerms.push(titleTerms.slice());
  return slot;
}

export function removeDocument(state: IndexState, id: string): boolean {
  const slot = state.slotOf.get(id);
  if (slot === undefined) return false;
  state.slotOf.delete(id);
  killSlot(state, slot);
  return true;
}

export function removeLinked(state: IndexState, ticketId: string, itemId: string): boolean {
  const key = linkKey(ticketId, itemId);
  const slot = state.linkedSlotOf.get(key);
  if (slot === undefined) return false;
  state.linkedSlotOf.delete(key);
  killSlot(state, slot);
  return true;
}

function killSlot(state: IndexState, slot: number): void {
  state.ids[slot] = null;
  state.titleLengthSum -= state.titleLength[slot]!;
  state.descriptionLengthSum -= state.descriptionLength[slot]!;
  state.dead += 1;
  if (state.dead * 4 > state.ids.length) compact(state);
}

function compact(state: IndexState): void {
  const newSlot = new Int32Array(state.ids.length).fill(-1);
  let next = 0;
  for (let s = 0; s < state.ids.length; s++) {
    if (state.ids[s] !== null) newSlot[s] = next++;
  }
  const keep = (_: unknown, s: number) => newSlot[s]! >= 0;
  state.ids = state.ids.filter(keep);
  state.itemOf = state.itemOf.filter(keep);
  state.created = state.created.filter(keep);
  state.titleLength = state.titleLength.filter(keep);
  state.descriptionLength = state.descriptionLength.filter(keep);
  const titleTerms = state.titleTerms.filter(keep);
  state.slotOf = new Map();
  state.linkedSlotOf = new Map();
  state.ids.forEach((id, s) => {
    const itemId = state.itemOf[s];
    if (itemId === null || itemId === undefined) state.slotOf.set(id!, s);
    else state.linkedSlotOf.set(linkKey(id!, itemId), s);
  });
  const termIds = new Map<string, number>();
  const postings: number[][] = [];
  const newTermId = new Int32Array(state.postings.length).fill(-1);
  for (const [term, termId] of state.termIds) {
    const remapped: number[] = [];
    for (const p of state.postings[termId]!) {
      const slot = postingSlot(p);
      const to = newSlot[slot]!;
      if (to >= 0) remapped.push(p + (to - slot) * SLOT_FACTOR);
    }
    if (remapped.length === 0) continue;
    newTermId[termId] = postings.length;
    termIds.set(term, postings.length);
    postings.push(remapped);
  }
  state.titleTerms = titleTerms.map((ids) => ids.map((id) => newTermId[id]!));
  state.termIds = termIds;
  state.postings = postings;
  state.dead = 0;
}
