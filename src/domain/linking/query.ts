import { type AnalyzedText, TermKind } from './analyze.ts';
import { type IndexState, idfOf, liveCount } from './index-state.ts';
import { findPosting, SLOT_FACTOR } from './postings.ts';
import { fieldTf, type ScoringContext, type Scratch, scoringContext, titleChannelNorms } from './scratch.ts';
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

function queryTermIdsOf(state: IndexState, text: AnalyzedText): Set<number> {
  const ids = new Set<number>();
  for (const term of text.terms.keys()) {
    const id = state.termIds.get(term);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

/** IDF share of the item's title terms that the ticket contains. */
function itemTitleCoverage(state: IndexState, queryTermIds: ReadonlySet<number>, itemSlot: number): number {
  const n = state.ids.length;
  let total = 0;
  let covered = 0;
  for (const termId of state.titleTerms[itemSlot]!) {
    const idf = idfOf(n, state.postings[termId]!.length);
    total += idf;
    if (queryTermIds.has(termId)) covered += idf;
  }
  return total > 0 ? covered / total : 0;
}

/** Adds the IDF share of each candidate's title terms that the ticket contains, then re-sorts. */
function rerankByItemTitle(
  state: IndexState,
  tuning: LinkingTuning,
  queryTermIds: ReadonlySet<number>,
  best: Scored[],
): void {
  for (const candidate of best) {
    candidate.coverage = itemTitleCoverage(state, queryTermIds, candidate.itemSlot);
    candidate.score += tuning.itemTitleCoverageWeight * candidate.coverage;
  }
  best.sort((a, b) => b.score - a.score);
}

interface TitleHit {
  itemSlot: number;
  score: number;
}

/**
 * The title channel: BM25 over the items' titles alone, each ticket term weighted by its IDF among item titles
 * (how many titles hold it), titles length-normalised against the average title. Leaves every touched item's
 * score in `scratch.titleAcc` (the caller clears it with `clearTitleChannel`) and returns the best `depth`
 * items that are candidates for this request.
 */
function rankTitles(
  state: IndexState,
  tuning: LinkingTuning,
  scratch: Scratch,
  terms: readonly QueryTerm[],
  request: RankRequest,
  depth: number,
): { hits: TitleHit[]; touched: number } {
  const slots = state.ids.length;
  if (scratch.titleAcc.length < slots) {
    scratch.titleAcc = new Float64Array(Math.max(slots, scratch.titleAcc.length * 2));
    scratch.titleTouched = new Int32Array(scratch.titleAcc.length);
  }
  const norms = titleChannelNorms(state, scratch);
  const { titleAcc, titleTouched } = scratch;
  const items = liveCount(state);
  const k1 = tuning.k1;
  let touched = 0;
  for (const t of terms) {
    let df = 0;
    for (const p of t.postings) {
      const slot = Math.floor(p / SLOT_FACTOR);
      if (norms[slot]! > 0 && p - slot * SLOT_FACTOR >= 64) df++;
    }
    if (df === 0) continue;
    const weight = (t.weight / t.idf) * idfOf(items, df);
    for (const p of t.postings) {
      const slot = Math.floor(p / SLOT_FACTOR);
      const tf = ((p - slot * SLOT_FACTOR) >> 6) * norms[slot]!;
      if (tf === 0) continue;
      const before = titleAcc[slot]!;
      if (before === 0) titleTouched[touched++] = slot;
      titleAcc[slot] = before + (weight * tf) / (k1 + tf);
    }
  }
  const hits: TitleHit[] = [];
  for (let i = 0; i < touched; i++) {
    const itemSlot = titleTouched[i]!;
    const score = titleAcc[itemSlot]!;
    if (hits.length === depth && score <= hits[depth - 1]!.score) continue;
    if (state.ids[itemSlot] === request.excludeId || state.created[itemSlot]! >= request.createdBefore)
      continue;
    let at = hits.length;
    while (at > 0 && hits[at - 1]!.score < score) at--;
    hits.splice(at, 0, { itemSlot, score });
    if (hits.length > depth) hits.pop();
  }
  return { hits, touched };
}

function clearTitleChannel(scratch: Scratch, touched: number): void {
  for (let i = 0; i < touched; i++) scratch.titleAcc[scratch.titleTouched[i]!] = 0;
}

/**
 * Fuses the shipped ranking (`best`, sorted) with the title channel's over the union of both lists, in place.
 * `linear`: (1 - λ) × score / top score + λ × title score / top title score; `rrf`: (1 - λ) / (k + rank) +
 * λ / (k + title rank), scaled so that first in both is 1. Either is multiplied by the top score, so scores
 * stay on the scale the confidence model knows and agreement of the two channels keeps the top score whole.
 */
function fuseTitleChannel(
  tuning: LinkingTuning,
  scratch: Scratch,
  best: Scored[],
  titleHits: readonly TitleHit[],
  extra: readonly Scored[],
): void {
  const union = [...best, ...extra];
  const shippedTop = Math.max(0, ...union.map((c) => c.score));
  const titleTop = titleHits[0]?.score ?? 0;
  const titleRank = new Map(titleHits.map((h, rank) => [h.itemSlot, rank]));
  const lambda = tuning.titleChannelWeight;
  const k = tuning.titleChannelRrfK;
  const fused = union.map((c, i) => {
    if (tuning.titleChannel === 'linear') {
      const title = titleTop > 0 ? scratch.titleAcc[c.itemSlot]! / titleTop : 0;
      return (1 - lambda) * (shippedTop > 0 ? c.score / shippedTop : 0) + lambda * title;
    }
    const rank = titleRank.get(c.itemSlot);
    const shipped = i < best.length ? (1 - lambda) / (k + i + 1) : 0;
    return (shipped + (rank === undefined ? 0 : lambda / (k + rank + 1))) * (k + 1);
  });
  union.forEach((c, i) => {
    c.score = shippedTop * fused[i]!;
  });
  union.sort((a, b) => b.score - a.score);
  best.length = 0;
  best.push(...union);
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
  const titleChannel =
    tuning.titleChannel !== 'off' && (request.text.titleLength === 0 || tuning.titleChannelForTitled);
  const depth =
    tuning.itemTitleCoverageWeight > 0 || titleChannel
      ? Math.max(request.limit, tuning.rerankDepth)
      : request.limit;
  // The title channel reads the shipped scores of its own candidates before the selection below clears them.
  const titles = titleChannel
    ? rankTitles(state, tuning, scratch, terms, request, depth)
    : { hits: [], touched: 0 };
  const titleBase = titles.hits.map((h) => acc[h.itemSlot]! / self);
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
  const queryTermIds = depth > request.limit ? queryTermIdsOf(state, request.text) : new Set<number>();
  if (depth > request.limit) rerankByItemTitle(state, tuning, queryTermIds, best);
  if (titleChannel) {
    const inBest = new Set(best.map((b) => b.itemSlot));
    const extra: Scored[] = [];
    titles.hits.forEach(({ itemSlot }, i) => {
      if (inBest.has(itemSlot)) return;
      const coverage = itemTitleCoverage(state, queryTermIds, itemSlot);
      const score =
        titleBase[i]! +
        recencyPrior(tuning, request.createdBefore, state.created[itemSlot]!) +
        tuning.itemTitleCoverageWeight * coverage;
      extra.push({ slot: itemSlot, itemId: state.ids[itemSlot]!, itemSlot, score, coverage });
    });
    fuseTitleChannel(tuning, scratch, best, titles.hits, extra);
    clearTitleChannel(scratch, titles.touched);
  }
  best.length = Math.min(best.length, request.limit);
  const ticket = ticketEvidence(state, request.text, terms);
  return best.map(({ slot, itemId, itemSlot, score, coverage }) => ({
    id: itemId,
    ...(slot === itemSlot ? {} : { via: state.ids[slot]! }),
    score,
    ...explain(ctx, slot, terms, coverage, ticket),
  }));
}
