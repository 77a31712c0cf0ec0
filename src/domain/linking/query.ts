import { type AnalyzedText, TermKind } from './analyze.ts';
import { type IndexState, idfOf } from './index-state.ts';
import { findPosting, SLOT_FACTOR } from './postings.ts';
import { fieldTf, type ScoringContext, type Scratch, scoringContext } from './scratch.ts';
import type { LinkingTuning } from './tuning.ts';

const DAY_MS = 86_400_000;
/** Small indexes keep every term: a share-of-items cutoff means nothing over a handful of items. */
const MIN_PRUNED_DOCUMENT_FREQUENCY = 100;

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
  /** The item's id. */
  id: string;
  /** Set when the item ranks here through the words of a ticket linked to it: that ticket's id. */
  via?: string;
  /** BM25F score divided by the query's score against itself, plus the recency prior. */
  score: number;
  sharedTerms: ScoredTerm[];
  evidence: MatchEvidence;
}

/** Why a candidate ranks where it does, beyond its score (inputs to the confidence model). */
export interface MatchEvidence {
  /** IDF-weighted share of the ticket's title terms found in the item's title (0..1). */
  titleOverlap: number;
  /** IDF-weighted share of the item's title terms found anywhere in the ticket (0..1). */
  itemTitleCoverage: number;
  /** IDF-weighted share of the ticket's scored terms found anywhere in the item (0..1). */
  ticketCoverage: number;
  /** About the ticket, the same for every candidate: how much it says in words the backlog knows. */
  ticket: TicketEvidence;
}

export interface TicketEvidence {
  /** Ticket terms that were scored (known to the backlog, not too common). */
  terms: number;
  /** Share of the ticket's distinct words that occur somewhere in the backlog (0..1). */
  knownShare: number;
  hasTitle: boolean;
}

interface QueryTerm {
  term: string;
  postings: readonly number[];
  weight: number;
  idf: number;
  inTitle: boolean;
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
    if (df > tuning.maxDocumentFrequency * n && df > MIN_PRUNED_DOCUMENT_FREQUENCY) continue;
    const idf = idfOf(n, df);
    const queryWeight = (counts.title > 0 ? tuning.queryTitleBoost : 0) + (counts.description > 0 ? 1 : 0);
    selected.push({
      term,
      postings,
      weight: idf * queryWeight * kindWeight(counts.kind, tuning),
      idf,
      inTitle: counts.title > 0,
    });
  }
  selected.sort((a, b) => b.weight - a.weight);
  return selected.length > tuning.maxQueryTerms ? selected.slice(0, tuning.maxQueryTerms) : selected;
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

function ticketEvidence(state: IndexState, text: AnalyzedText, terms: readonly QueryTerm[]): TicketEvidence {
  let words = 0;
  let known = 0;
  for (const [term, counts] of text.terms) {
    if (counts.kind !== TermKind.word) continue;
    words++;
    if (state.termIds.has(term)) known++;
  }
  return { terms: terms.length, knownShare: words > 0 ? known / words : 0, hasTitle: text.titleLength > 0 };
}

function explain(
  ctx: ScoringContext,
  slot: number,
  terms: readonly QueryTerm[],
  itemTitleCoverage: number,
  ticket: TicketEvidence,
) {
  const shared: ScoredTerm[] = [];
  let titleTotal = 0;
  let titleShared = 0;
  let total = 0;
  let covered = 0;
  for (const t of terms) {
    if (t.inTitle) titleTotal += t.idf;
    total += t.idf;
    const at = findPosting(t.postings, slot);
    if (at < 0) continue;
    covered += t.idf;
    const posting = t.postings[at]!;
    if (t.inTitle && posting - slot * SLOT_FACTOR >= 64) titleShared += t.idf;
    shared.push({
      term: t.term,
      contribution: t.weight * saturate(fieldTf(ctx, posting, slot), ctx.tuning.k1),
    });
  }
  return {
    sharedTerms: shared.sort((a, b) => b.contribution - a.contribution),
    evidence: {
      titleOverlap: titleTotal > 0 ? titleShared / titleTotal : 0,
      itemTitleCoverage,
      ticketCoverage: total > 0 ? covered / total : 0,
      ticket,
    },
  };
}

interface Scored {
  /** The slot that scored: the item's own, or a linked ticket's. */
  slot: number;
  itemId: string;
  itemSlot: number;
  score: number;
  coverage: number;
}

/** Adds the IDF share of each candidate's title terms that the ticket contains, then re-sorts. */
function rerankByItemTitle(
  state: IndexState,
  tuning: LinkingTuning,
  text: AnalyzedText,
  best: Scored[],
): void {
  const queryTermIds = new Set<number>();
  for (const term of text.terms.keys()) {
    const id = state.termIds.get(term);
    if (id !== undefined) queryTermIds.add(id);
  }
  const n = state.ids.length;
  for (const candidate of best) {
    let total = 0;
    let covered = 0;
    for (const termId of state.titleTerms[candidate.itemSlot]!) {
      const idf = idfOf(n, state.postings[termId]!.length);
      total += idf;
      if (queryTermIds.has(termId)) covered += idf;
    }
    candidate.coverage = total > 0 ? covered / total : 0;
    candidate.score += tuning.itemTitleCoverageWeight * candidate.coverage;
  }
  best.sort((a, b) => b.score - a.score);
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
  const ctx = scoringContext(state, tuning, scratch);
  const { acc, touched } = scratch;
  const k1 = tuning.k1;
  let touchedCount = 0;
  const { norms } = ctx;
  for (const t of terms) {
    const { postings, weight } = t;
    for (let i = 0; i < postings.length; i++) {
      const p = postings[i]!;
      const slot = Math.floor(p / SLOT_FACTOR);
      const r = p - slot * SLOT_FACTOR;
      const tf = (r >> 6) * norms[2 * slot]! + (r & 63) * norms[2 * slot + 1]!;
      const before = acc[slot]!;
      if (before === 0) touched[touchedCount++] = slot;
      acc[slot] = before + (weight * tf) / (k1 + tf);
    }
  }
  const depth =
    tuning.itemTitleCoverageWeight > 0 ? Math.max(request.limit, tuning.rerankDepth) : request.limit;
  const best: Scored[] = [];
  for (let i = 0; i < touchedCount; i++) {
    const slot = touched[i]!;
    const base = acc[slot]! / self;
    acc[slot] = 0;
    const full = best.length === depth;
    if (full && base + tuning.recencyWeight <= best[depth - 1]!.score) continue;
    const id = state.ids[slot];
    if (id === null || id === undefined || id === request.excludeId) continue;
    const created = state.created[slot]!;
    if (created >= request.createdBefore) continue;
    const itemId = state.itemOf[slot] ?? id;
    const itemSlot = itemId === id ? slot : state.slotOf.get(itemId);
    // A linked ticket stands for its item only while the item is indexed and a candidate itself.
    if (itemSlot === undefined || itemId === request.excludeId) continue;
    if (state.created[itemSlot]! >= request.createdBefore) continue;
    const score = base + recencyPrior(tuning, request.createdBefore, created);
    if (full && score <= best[depth - 1]!.score) continue;
    const same = best.findIndex((b) => b.itemId === itemId);
    if (same >= 0) {
      if (best[same]!.score >= score) continue;
      best.splice(same, 1);
    }
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < score) at--;
    best.splice(at, 0, { slot, itemId, itemSlot, score, coverage: 0 });
    if (best.length > depth) best.pop();
  }
  if (depth > request.limit) rerankByItemTitle(state, tuning, request.text, best);
  best.length = Math.min(best.length, request.limit);
  const ticket = ticketEvidence(state, request.text, terms);
  return best.map(({ slot, itemId, itemSlot, score, coverage }) => ({
    id: itemId,
    ...(slot === itemSlot ? {} : { via: state.ids[slot]! }),
    score,
    ...explain(ctx, slot, terms, coverage, ticket),
  }));
}
