import { type AnalyzedText, TermKind } from './analyze.ts';
import { type IndexState, liveCount } from './index-state.ts';
import { findPosting, SLOT_FACTOR } from './postings.ts';
import type { LinkingTuning } from './tuning.ts';

const DAY_MS = 86_400_000;

export interface RankRequest {
  text: AnalyzedText;
  /** Only slots created strictly before this instant (ms) are candidates; +Infinity = no filter. */
  createdBefore: number;
  excludeId: string | undefined;
  limit: number;
}

export interface ScoredTerm {
  term: string;
  contribution: number;
}

export interface RankedCandidate {
  id: string;
  /** BM25F score divided by the query's score against itself, plus the recency prior. */
  score: number;
  sharedTerms: ScoredTerm[];
}

interface QueryTerm {
  term: string;
  postings: readonly number[];
  weight: number;
}

/** Reusable per-index accumulator, grown on demand. */
export interface Scratch {
  acc: Float64Array;
  touched: Int32Array;
}

export function createScratch(): Scratch {
  return { acc: new Float64Array(0), touched: new Int32Array(0) };
}

function kindWeight(kind: TermKind, tuning: LinkingTuning): number {
  if (kind === TermKind.whole) return tuning.wholeWeight;
  if (kind === TermKind.bigram) return tuning.bigramWeight;
  return 1;
}

function saturate(tf: number, k1: number): number {
  return tf / (k1 + tf);
}

function selectQueryTerms(state: IndexState, tuning: LinkingTuning, text: AnalyzedText): QueryTerm[] {
  const n = state.ids.length;
  const selected: QueryTerm[] = [];
  for (const [term, counts] of text.terms) {
    const termId = state.termIds.get(term);
    if (termId === undefined) continue;
    const postings = state.postings[termId]!;
    const df = postings.length;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const queryWeight = (counts.title > 0 ? tuning.queryTitleBoost : 0) + (counts.description > 0 ? 1 : 0);
    selected.push({ term, postings, weight: idf * queryWeight * kindWeight(counts.kind, tuning) });
  }
  selected.sort((a, b) => b.weight - a.weight);
  return selected.length > tuning.maxQueryTerms ? selected.slice(0, tuning.maxQueryTerms) : selected;
}

interface Ctx {
  state: IndexState;
  tuning: LinkingTuning;
  avgTitle: number;
  avgDescription: number;
}

function context(state: IndexState, tuning: LinkingTuning): Ctx {
  const live = Math.max(1, liveCount(state));
  return {
    state,
    tuning,
    avgTitle: state.titleLengthSum / live || 1,
    avgDescription: state.descriptionLengthSum / live || 1,
  };
}

function fieldTf(ctx: Ctx, posting: number, slot: number): number {
  const { state, tuning, avgTitle, avgDescription } = ctx;
  const r = posting - slot * SLOT_FACTOR;
  const titleTf = r >> 6;
  const descriptionTf = r & 63;
  let tf = 0;
  if (titleTf > 0) {
    tf +=
      (tuning.titleWeight * titleTf) /
      (1 - tuning.titleB + (tuning.titleB * state.titleLength[slot]!) / avgTitle);
  }
  if (descriptionTf > 0) {
    tf +=
      (tuning.descriptionWeight * descriptionTf) /
      (1 - tuning.descriptionB + (tuning.descriptionB * state.descriptionLength[slot]!) / avgDescription);
  }
  return tf;
}

/** The query scored against itself as if it were a document: the ceiling used to normalise scores. */
function selfScore(tuning: LinkingTuning, text: AnalyzedText, terms: readonly QueryTerm[]): number {
  let total = 0;
  for (const t of terms) {
    const c = text.terms.get(t.term)!;
    total +=
      t.weight * saturate(tuning.titleWeight * c.title + tuning.descriptionWeight * c.description, tuning.k1);
  }
  return total;
}

function recencyPrior(tuning: LinkingTuning, queryTime: number, created: number): number {
  if (tuning.recencyWeight === 0 || !Number.isFinite(queryTime) || !Number.isFinite(created)) return 0;
  const ageDays = Math.max(0, (queryTime - created) / DAY_MS);
  const decay = Math.log1p(ageDays / tuning.recencyScaleDays) / Math.log1p(3650 / tuning.recencyScaleDays);
  return tuning.recencyWeight * Math.max(0, 1 - decay);
}

function explain(ctx: Ctx, slot: number, terms: readonly QueryTerm[]): ScoredTerm[] {
  const shared: ScoredTerm[] = [];
  for (const t of terms) {
    const at = findPosting(t.postings, slot);
    if (at < 0) continue;
    const contribution = t.weight * saturate(fieldTf(ctx, t.postings[at]!, slot), ctx.tuning.k1);
    shared.push({ term: t.term, contribution });
  }
  return shared.sort((a, b) => b.contribution - a.contribution);
}

/** Term-at-a-time BM25F over the selected query terms, then time filter, prior and top-k selection. */
export function rankCandidates(
  state: IndexState,
  tuning: LinkingTuning,
  scratch: Scratch,
  request: RankRequest,
): RankedCandidate[] {
  const terms = selectQueryTerms(state, tuning, request.text);
  const self = selfScore(tuning, request.text, terms);
  if (terms.length === 0 || self <= 0) return [];
  const slots = state.ids.length;
  if (scratch.acc.length < slots) {
    scratch.acc = new Float64Array(Math.max(slots, scratch.acc.length * 2));
    scratch.touched = new Int32Array(scratch.acc.length);
  }
  const { acc, touched } = scratch;
  const ctx = context(state, tuning);
  let touchedCount = 0;
  for (const t of terms) {
    for (const p of t.postings) {
      const slot = Math.floor(p / SLOT_FACTOR);
      if (acc[slot] === 0) touched[touchedCount++] = slot;
      acc[slot]! += t.weight * saturate(fieldTf(ctx, p, slot), tuning.k1);
    }
  }
  const best: { slot: number; score: number }[] = [];
  for (let i = 0; i < touchedCount; i++) {
    const slot = touched[i]!;
    const raw = acc[slot]!;
    acc[slot] = 0;
    const id = state.ids[slot];
    if (id === null || id === undefined || id === request.excludeId) continue;
    const created = state.created[slot]!;
    if (created >= request.createdBefore) continue;
    const score = raw / self + recencyPrior(tuning, request.createdBefore, created);
    if (best.length === request.limit && score <= best[best.length - 1]!.score) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < score) at--;
    best.splice(at, 0, { slot, score });
    if (best.length > request.limit) best.pop();
  }
  return best.map(({ slot, score }) => ({
    id: state.ids[slot]!,
    score,
    sharedTerms: explain(ctx, slot, terms),
  }));
}
