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
  /** Per slot; null once the slot is dead. */
  ids: (string | null)[];
  created: number[];
  titleLength: number[];
  descriptionLength: number[];
  /** Term ids of each item's title, to measure how much of the item's title a ticket covers. */
  titleTerms: number[][];
  slotOf: Map<string, number>;
  dead: number;
  titleLengthSum: number;
  descriptionLengthSum: number;
}

export function createIndexState(): IndexState {
  return {
    termIds: new Map(),
    postings: [],
    ids: [],
    created: [],
    titleLength: [],
    descriptionLength: [],
    titleTerms: [],
    slotOf: new Map(),
    dead: 0,
    titleLengthSum: 0,
    descriptionLengthSum: 0,
  };
}

export function liveCount(state: IndexState): number {
  return state.slotOf.size;
}

export function idfOf(slots: number, df: number): number {
  return Math.log(1 + (slots - df + 0.5) / (df + 0.5));
}

export function addDocument(state: IndexState, id: string, created: number, text: AnalyzedText): void {
  removeDocument(state, id);
  const slot = state.ids.length;
  state.ids.push(id);
  state.created.push(created);
  state.titleLength.push(text.titleLength);
  state.descriptionLength.push(text.descriptionLength);
  state.titleLengthSum += text.titleLength;
  state.descriptionLengthSum += text.descriptionLength;
  state.slotOf.set(id, slot);
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
}

export function removeDocument(state: IndexState, id: string): boolean {
  const slot = state.slotOf.get(id);
  if (slot === undefined) return false;
  state.slotOf.delete(id);
  state.ids[slot] = null;
  state.titleLengthSum -= state.titleLength[slot]!;
  state.descriptionLengthSum -= state.descriptionLength[slot]!;
  state.dead += 1;
  if (state.dead * 4 > state.ids.length) compact(state);
  return true;
}

function compact(state: IndexState): void {
  const newSlot = new Int32Array(state.ids.length).fill(-1);
  let next = 0;
  for (let s = 0; s < state.ids.length; s++) {
    if (state.ids[s] !== null) newSlot[s] = next++;
  }
  const keep = (_: unknown, s: number) => newSlot[s]! >= 0;
  state.ids = state.ids.filter(keep);
  state.created = state.created.filter(keep);
  state.titleLength = state.titleLength.filter(keep);
  state.descriptionLength = state.descriptionLength.filter(keep);
  const titleTerms = state.titleTerms.filter(keep);
  state.slotOf = new Map(state.ids.map((id, s) => [id!, s]));
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
