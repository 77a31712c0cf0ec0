import { type IndexState, liveSlots } from './index-state.ts';
import { SLOT_FACTOR } from './postings.ts';
import type { LinkingTuning } from './tuning.ts';

/**
 * Reusable per-index buffers: the score accumulator and, per slot, the inverse BM25F length norms
 * (field weight / (1 - b + b * len / avgLen)), rebuilt only when the collection statistics changed.
 */
export interface Scratch {
  acc: Float64Array;
  touched: Int32Array;
  /** Interleaved per slot: [title norm, description norm] (one cache line per posting). */
  norms: Float64Array;
  normKey: string;
}

export function createScratch(): Scratch {
  const empty = new Float64Array(0);
  return { acc: empty, touched: new Int32Array(0), norms: empty, normKey: '' };
}

export interface ScoringContext {
  tuning: LinkingTuning;
  norms: Float64Array;
}

export function scoringContext(state: IndexState, tuning: LinkingTuning, scratch: Scratch): ScoringContext {
  const slots = state.ids.length;
  const key = `${slots}/${state.titleLengthSum}/${state.descriptionLengthSum}/${liveSlots(state)}`;
  if (scratch.normKey !== key) {
    const live = Math.max(1, liveSlots(state));
    const avgTitle = state.titleLengthSum / live || 1;
    const avgDescription = state.descriptionLengthSum / live || 1;
    if (scratch.norms.length < 2 * slots)
      scratch.norms = new Float64Array(Math.max(2 * slots, scratch.norms.length * 2));
    const { titleB, descriptionB } = tuning;
    for (let slot = 0; slot < slots; slot++) {
      scratch.norms[2 * slot] =
        tuning.titleWeight / (1 - titleB + (titleB * state.titleLength[slot]!) / avgTitle);
      scratch.norms[2 * slot + 1] =
        tuning.descriptionWeight /
        (1 - descriptionB + (descriptionB * state.descriptionLength[slot]!) / avgDescription);
    }
    scratch.normKey = key;
  }
  return { tuning, norms: scratch.norms };
}

/** BM25F pseudo term frequency: field tfs weighted and length-normalised. */
export function fieldTf(ctx: ScoringContext, posting: number, slot: number): number {
  const r = posting - slot * SLOT_FACTOR;
  return (r >> 6) * ctx.norms[2 * slot]! + (r & 63) * ctx.norms[2 * slot + 1]!;
}
