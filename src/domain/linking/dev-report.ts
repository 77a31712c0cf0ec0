import { DEFAULT_CALIBRATION } from './calibration-model.ts';
import {
  type CalibrationModel,
  type CalibrationSample,
  calibrate,
  confidenceFeatures,
  confidenceOf,
} from './confidence.ts';
import { customerTickets } from './customer-proxy.ts';
import {
  type LinkOutcome,
  type RankedQuery,
  type RankingMetrics,
  rankingMetrics,
  rankTimeAware,
} from './evaluate.ts';
import { createLinkIndex, type LinkDoc } from './link-index.ts';
import { seededRandom } from './prng.ts';
import { DEFAULT_LINKING_RULES } from './rules.ts';
import type { LinkingTuning } from './tuning.ts';

type DevQuery = LinkDoc & { relevant: readonly string[] };

export interface DevSetInput {
  backlog: readonly LinkDoc[];
  queries: readonly DevQuery[];
  /** Backlog items in no duplicate group: turned into tickets that have no true match. */
  unmatchedIds: ReadonlySet<string>;
}

/**
 * How tickets are worded: `developer` = the dev set's own reports (title, description, logs);
 * `customer` = the customer-worded proxy of each (no title, the description's first words of prose).
 */
export const WORDINGS = ['developer', 'customer'] as const;
export type Wording = (typeof WORDINGS)[number];

export interface AutoLinkFigures {
  threshold: number;
  /** Share of true-match tickets auto-linked to their real match / to a wrong item. */
  correct: number;
  wrong: number;
  /** Share of the same tickets, their true items removed from the backlog, auto-linked to anything. */
  falseLinkRate: number;
  /** Share of unmatched backlog items, as tickets searching older items, auto-linked to anything. */
  unmatchedFalseLinkRate: number;
}

export interface WordingFigures {
  all: RankingMetrics;
  even: RankingMetrics;
  odd: RankingMetrics;
  /** How well the top candidate's confidence tells a ticket with a match from the same ticket without. */
  auroc: { all: number; odd: number };
  /** The same against other tickets that have no match (unmatched items as tickets). */
  aurocUnmatched: { all: number; odd: number };
  autoLink: { all: AutoLinkFigures; odd: AutoLinkFigures };
}

export interface WordingEvaluation extends WordingFigures {
  wording: Wording;
  /**
   * The same tickets in one stream, each linked as the service would leave it (see `linkAsPeopleWould`), so
   * later tickets also match the words of earlier ones.
   */
  withLinks: WordingFigures;
}

export interface DevEvaluation {
  wordings: WordingEvaluation[];
  /** Dev queries whose customer-worded proxy is too short to be a ticket. */
  customerDropped: number;
  noMatchTickets: number;
  /** Refit on the even halves of both wordings; compare with the model evaluated. */
  fitted: CalibrationModel;
  calibration: CalibrationModel;
  /** Lowest threshold meeting the false-link targets on the even halves of both wordings. */
  chosenThreshold: number;
}

const LIMIT = 10;
const MAX_FALSE_LINK_RATE = 0.02;
const MAX_WRONG_LINK_SHARE = 0.05;

/** A deterministic sample of unmatched items used as no-match tickets (each searches older items only). */
export function sampleNoMatchTickets(set: DevSetInput, count: number, seed: number): LinkDoc[] {
  const random = seededRandom(seed);
  const pool = set.backlog.filter((d) => set.unmatchedIds.has(d.id) && d.created !== undefined);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

function topConfidence(model: CalibrationModel, r: RankedQuery): number {
  return r.matches.length === 0 ? 0 : confidenceOf(model, confidenceFeatures(r.matches, 0));
}

/**
 * Area under the ROC curve of `positives` against `negatives` (the probability that a random positive
 * scores above a random negative, ties counting half).
 */
export function auroc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return 0.5;
  const all = [
    ...positives.map((score) => ({ score, positive: true })),
    ...negatives.map((score) => ({ score, positive: false })),
  ].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.score === all[i]!.score) j++;
    const midRank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]!.positive) rankSum += midRank;
    i = j;
  }
  const p = positives.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * negatives.length);
}

interface WordingRuns {
  matched: { ranked: RankedQuery; relevant: readonly string[] }[];
  /** The same tickets ranked against the backlog without their true items. */
  withoutTruth: RankedQuery[];
  unmatched: RankedQuery[];
}

export function autoLinkFigures(
  model: CalibrationModel,
  threshold: number,
  runs: WordingRuns,
): AutoLinkFigures {
  let correct = 0;
  let wrong = 0;
  for (const { ranked, relevant } of runs.matched) {
    if (topConfidence(model, ranked) < threshold) continue;
    if (relevant.includes(ranked.matches[0]!.id)) correct++;
    else wrong++;
  }
  const linkedShare = (rs: readonly RankedQuery[]) =>
    rs.filter((r) => topConfidence(model, r) >= threshold).length / Math.max(1, rs.length);
  const n = Math.max(1, runs.matched.length);
  return {
    threshold,
    correct: correct / n,
    wrong: wrong / n,
    falseLinkRate: linkedShare(runs.withoutTruth),
    unmatchedFalseLinkRate: linkedShare(runs.unmatched),
  };
}

function samples(ranked: RankedQuery, relevant: readonly string[]): CalibrationSample[] {
  return ranked.matches.map((m, rank) => ({
    features: confidenceFeatures(ranked.matches, rank),
    label: relevant.includes(m.id),
  }));
}

const even = <T>(_: T, i: number) => i % 2 === 0;
const odd = <T>(_: T, i: number) => i % 2 === 1;

function half(runs: WordingRuns, keep: <T>(x: T, i: number) => boolean): WordingRuns {
  return {
    matched: runs.matched.filter(keep),
    withoutTruth: runs.withoutTruth.filter(keep),
    unmatched: runs.unmatched.filter(keep),
  };
}

export interface DevEvaluationOptions {
  tuning?: Partial<LinkingTuning>;
  calibration?: CalibrationModel;
  noMatchCount?: number;
  seed?: number;
  /** Auto-link threshold to report; default: the one chosen on the even halves. */
  threshold?: number;
  /** Evaluate every n-th query only (quick exploration runs; final figures use 1). */
  every?: number;
}

/**
 * Which link teaches, with the default rules: the true item when it is among the suggestions shown, which a
 * person confirms. A confident top candidate is linked automatically, which teaches nothing (as in the service);
 * a true item ranked lower, which a person might still find and link by hand, is not counted either.
 */
export const linkAsPeopleWould: LinkOutcome<LinkDoc & { relevant?: readonly string[] }> = (
  ticket,
  matches,
) => {
  const { autoLinkThreshold, suggestionCount } = DEFAULT_LINKING_RULES;
  if (matches[0] && matches[0].confidence >= autoLinkThreshold) return undefined;
  return matches.slice(0, suggestionCount).find((m) => ticket.relevant?.includes(m.id))?.id;
};

function rankWording(
  set: DevSetInput,
  queries: readonly DevQuery[],
  noMatch: readonly LinkDoc[],
  tuning: Partial<LinkingTuning> | undefined,
  calibration: CalibrationModel,
  linkOutcome?: LinkOutcome<LinkDoc & { relevant?: readonly string[] }>,
): WordingRuns {
  const index = () => createLinkIndex({ tuning, calibration });
  const ranked = rankTimeAware(index(), set.backlog, [...queries, ...noMatch], LIMIT, linkOutcome);
  const truth = new Set(queries.flatMap((q) => q.relevant));
  const withoutTruth = rankTimeAware(
    index(),
    set.backlog.filter((d) => !truth.has(d.id)),
    queries,
    LIMIT,
    linkOutcome,
  );
  return {
    matched: queries.map((q, i) => ({ ranked: ranked[i]!, relevant: q.relevant })),
    withoutTruth,
    unmatched: ranked.slice(queries.length),
  };
}

/** Tickets as worded by developers (as given) or by customers (their customer-worded proxies). */
export function inWording<T extends LinkDoc>(wording: Wording, docs: readonly T[]): T[] {
  return wording === 'developer' ? [...docs] : customerTickets(docs);
}

export function evaluateDevSet(set: DevSetInput, options: DevEvaluationOptions = {}): DevEvaluation {
  const calibration = options.calibration ?? DEFAULT_CALIBRATION;
  const every = options.every ?? 1;
  const queries = set.queries.filter((_, i) => i % every === 0);
  const noMatch = sampleNoMatchTickets(set, options.noMatchCount ?? 2000, options.seed ?? 7).filter(
    (_, i) => i % every === 0,
  );
  const rank = (wording: Wording, linkOutcome?: typeof linkAsPeopleWould) =>
    rankWording(
      set,
      inWording(wording, queries),
      inWording(wording, noMatch),
      options.tuning,
      calibration,
      linkOutcome,
    );
  const runs = WORDINGS.map((wording) => rank(wording));
  const evens = runs.map((r) => half(r, even));
  const fitted = calibrate(
    evens.flatMap((r) => [
      ...r.matched.flatMap((m) => samples(m.ranked, m.relevant)),
      ...r.withoutTruth.flatMap((x) => samples(x, [])),
      ...r.unmatched.slice(0, r.matched.length).flatMap((x) => samples(x, [])),
    ]),
  );
  const candidates = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
  const chosenThreshold =
    candidates.find((t) =>
      evens.every((r) => {
        const f = autoLinkFigures(calibration, t, r);
        return (
          f.falseLinkRate <= MAX_FALSE_LINK_RATE &&
          f.unmatchedFalseLinkRate <= MAX_FALSE_LINK_RATE &&
          f.wrong <= MAX_WRONG_LINK_SHARE
        );
      }),
    ) ?? 1;
  const threshold = options.threshold ?? chosenThreshold;
  const figures = (r: WordingRuns): WordingFigures => {
    const rows = r.matched.map((m) => ({ ranked: m.ranked.matches.map((x) => x.id), relevant: m.relevant }));
    const tops = (rs: readonly RankedQuery[]) => rs.map((x) => topConfidence(calibration, x));
    const separation = (h: WordingRuns, from: 'withoutTruth' | 'unmatched') =>
      auroc(tops(h.matched.map((m) => m.ranked)), tops(h[from]));
    const oddRuns = half(r, odd);
    return {
      all: rankingMetrics(rows),
      even: rankingMetrics(rows.filter(even)),
      odd: rankingMetrics(rows.filter(odd)),
      auroc: { all: separation(r, 'withoutTruth'), odd: separation(oddRuns, 'withoutTruth') },
      aurocUnmatched: { all: separation(r, 'unmatched'), odd: separation(oddRuns, 'unmatched') },
      autoLink: {
        all: autoLinkFigures(calibration, threshold, r),
        odd: autoLinkFigures(calibration, threshold, oddRuns),
      },
    };
  };
  const wordings = runs.map(
    (r, w): WordingEvaluation => ({
      wording: WORDINGS[w]!,
      ...figures(r),
      withLinks: figures(rank(WORDINGS[w]!, linkAsPeopleWould)),
    }),
  );
  return {
    wordings,
    customerDropped: queries.length - (runs[1]?.matched.length ?? 0),
    noMatchTickets: noMatch.length,
    fitted,
    calibration,
    chosenThreshold,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const f3 = (x: number) => x.toFixed(3);

export function metricsRow(label: string, m: RankingMetrics, aucs: readonly number[] = []): string {
  const tail = aucs.map((a) => ` ${f3(a)} |`).join('');
  return `| ${label} | ${m.queries} | ${f3(m.recallAt1)} | ${f3(m.recallAt5)} | ${f3(m.recallAt10)} | ${f3(m.mrr)} |${tail}`;
}

export const METRICS_HEADER =
  '| run | queries | Recall@1 | Recall@5 | Recall@10 | MRR | no-match AUROC | AUROC vs unmatched |\n' +
  '|---|---|---|---|---|---|---|---|';

function autoLinkRow(label: string, f: AutoLinkFigures): string {
  return `| ${label} | ${f.threshold.toFixed(2)} | ${pct(f.correct)} | ${pct(f.wrong)} | ${pct(f.falseLinkRate)} | ${pct(f.unmatchedFalseLinkRate)} |`;
}

const LEARNED = ', links learned';

function metricsRows(e: DevEvaluation): string[] {
  const rows = (label: string, f: WordingFigures, suffix = '') => [
    metricsRow(`${label}, all${suffix}`, f.all, [f.auroc.all, f.aurocUnmatched.all]),
    metricsRow(`${label}, even (tuning half)${suffix}`, f.even),
    metricsRow(`${label}, odd (held out)${suffix}`, f.odd, [f.auroc.odd, f.aurocUnmatched.odd]),
  ];
  return e.wordings.flatMap((w) => [...rows(w.wording, w), ...rows(w.wording, w.withLinks, LEARNED)]);
}

/**
 * Markdown summary of a dev-set evaluation (ranking quality, auto-link behaviour, calibration refit);
 * `extraRows` (e.g. a baseline measured in the same run) join the ranking table.
 */
export function formatDevReport(e: DevEvaluation, extraRows: readonly string[] = []): string {
  const model = (m: CalibrationModel) =>
    `intercept ${m.intercept.toFixed(3)}, weights [${m.weights.map((w) => w.toFixed(3)).join(', ')}]`;
  return [
    METRICS_HEADER,
    ...metricsRows(e),
    ...extraRows,
    '',
    `customer = the customer-worded proxy of each ticket (no title; the description's first words of prose, ` +
      `without stack traces, code and log lines); ${e.customerDropped} tickets without enough prose left out. ` +
      'No-match AUROC: top confidence of each ticket against that of the same ticket with its true item removed ' +
      'from the backlog; vs unmatched: against that of the unmatched items as tickets. ' +
      `"${LEARNED.slice(2)}": all tickets in one stream; a ticket whose true item is among the suggestions shown ` +
      '(and not linked automatically) is confirmed by a person, so its words count for that item when later ' +
      'tickets are ranked.',
    '',
    `Auto-link (top candidate's confidence >= threshold). No-match tickets: the same tickets without their true items, ` +
      `and ${e.noMatchTickets} unmatched backlog items, each searching only older items.`,
    '',
    '| set | threshold | true-match tickets linked correctly | linked wrongly | no-match (true item removed) linked | unmatched items linked |',
    '|---|---|---|---|---|---|',
    ...e.wordings.flatMap((w) => [
      autoLinkRow(`${w.wording}, all`, w.autoLink.all),
      autoLinkRow(`${w.wording}, odd (held out)`, w.autoLink.odd),
      autoLinkRow(`${w.wording}, all${LEARNED}`, w.withLinks.autoLink.all),
      autoLinkRow(`${w.wording}, odd (held out)${LEARNED}`, w.withLinks.autoLink.odd),
    ]),
    '',
    `Threshold meeting <= ${pct(MAX_FALSE_LINK_RATE)} false links and <= ${pct(MAX_WRONG_LINK_SHARE)} wrong links on the even halves of both wordings: ${e.chosenThreshold.toFixed(2)}.`,
    `Calibration refit on the even halves: ${model(e.fitted)}; evaluated: ${model(e.calibration)}.`,
  ].join('\n');
}
