import { DEFAULT_CALIBRATION } from './calibration-model.ts';
import {
  type CalibrationModel,
  type CalibrationSample,
  calibrate,
  confidenceFeatures,
  confidenceOf,
} from './confidence.ts';
import { type RankedQuery, type RankingMetrics, rankingMetrics, rankTimeAware } from './evaluate.ts';
import { createLinkIndex, type LinkDoc } from './link-index.ts';
import { seededRandom } from './prng.ts';
import type { LinkingTuning } from './tuning.ts';

export interface DevSetInput {
  backlog: readonly LinkDoc[];
  queries: readonly (LinkDoc & { relevant: readonly string[] })[];
  /** Backlog items in no duplicate group: turned into tickets that have no true match. */
  unmatchedIds: ReadonlySet<string>;
}

export interface AutoLinkFigures {
  threshold: number;
  /** Share of true-match tickets auto-linked to their real match / to a wrong item. */
  correct: number;
  wrong: number;
  /** Share of no-match tickets auto-linked to anything. */
  falseLinkRate: number;
}

export interface DevEvaluation {
  all: RankingMetrics;
  even: RankingMetrics;
  odd: RankingMetrics;
  noMatchTickets: number;
  /** Refit on the even half (tickets with and without match); compare with the shipped model. */
  fitted: CalibrationModel;
  /** Lowest threshold meeting the false-link targets on the even half under the shipped model. */
  chosenThreshold: number;
  shipped: { all: AutoLinkFigures; odd: AutoLinkFigures };
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

export function autoLinkFigures(
  model: CalibrationModel,
  threshold: number,
  matched: readonly { ranked: RankedQuery; relevant: readonly string[] }[],
  unmatched: readonly RankedQuery[],
): AutoLinkFigures {
  let correct = 0;
  let wrong = 0;
  for (const { ranked, relevant } of matched) {
    if (topConfidence(model, ranked) < threshold) continue;
    if (relevant.includes(ranked.matches[0]!.id)) correct++;
    else wrong++;
  }
  const falseLinks = unmatched.filter((r) => topConfidence(model, r) >= threshold).length;
  const n = Math.max(1, matched.length);
  return {
    threshold,
    correct: correct / n,
    wrong: wrong / n,
    falseLinkRate: falseLinks / Math.max(1, unmatched.length),
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

export function evaluateDevSet(
  set: DevSetInput,
  options: { tuning?: Partial<LinkingTuning>; noMatchCount?: number; seed?: number; threshold?: number } = {},
): DevEvaluation {
  const noMatch = sampleNoMatchTickets(set, options.noMatchCount ?? 2000, options.seed ?? 7);
  const ranked = rankTimeAware(
    createLinkIndex({ tuning: options.tuning }),
    set.backlog,
    [...set.queries, ...noMatch],
    LIMIT,
  );
  const matched = set.queries.map((q, i) => ({ ranked: ranked[i]!, relevant: q.relevant }));
  const unmatched = ranked.slice(set.queries.length);
  const rows = matched.map((m) => ({ ranked: m.ranked.matches.map((x) => x.id), relevant: m.relevant }));
  const evenMatched = matched.filter(even);
  const evenUnmatched = unmatched.filter(even);
  const fitted = calibrate([
    ...evenMatched.flatMap((m) => samples(m.ranked, m.relevant)),
    ...evenUnmatched.slice(0, evenMatched.length).flatMap((r) => samples(r, [])),
  ]);
  const candidates = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
  const chosenThreshold =
    candidates.find((t) => {
      const f = autoLinkFigures(DEFAULT_CALIBRATION, t, evenMatched, evenUnmatched);
      return f.falseLinkRate <= MAX_FALSE_LINK_RATE && f.wrong <= MAX_WRONG_LINK_SHARE;
    }) ?? 1;
  const threshold = options.threshold ?? chosenThreshold;
  return {
    all: rankingMetrics(rows),
    even: rankingMetrics(rows.filter(even)),
    odd: rankingMetrics(rows.filter(odd)),
    noMatchTickets: unmatched.length,
    fitted,
    chosenThreshold,
    shipped: {
      all: autoLinkFigures(DEFAULT_CALIBRATION, threshold, matched, unmatched),
      odd: autoLinkFigures(DEFAULT_CALIBRATION, threshold, matched.filter(odd), unmatched.filter(odd)),
    },
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const f3 = (x: number) => x.toFixed(3);

export function metricsRow(label: string, m: RankingMetrics): string {
  return `| ${label} | ${m.queries} | ${f3(m.recallAt1)} | ${f3(m.recallAt5)} | ${f3(m.recallAt10)} | ${f3(m.mrr)} |`;
}

export const METRICS_HEADER =
  '| run | queries | Recall@1 | Recall@5 | Recall@10 | MRR |\n|---|---|---|---|---|---|';

function autoLinkRow(label: string, f: AutoLinkFigures): string {
  return `| ${label} | ${f.threshold.toFixed(2)} | ${pct(f.correct)} | ${pct(f.wrong)} | ${pct(f.falseLinkRate)} |`;
}

/** Markdown summary of a dev-set evaluation (ranking quality, auto-link behaviour, calibration refit). */
export function formatDevReport(e: DevEvaluation): string {
  const model = (m: CalibrationModel) =>
    `intercept ${m.intercept.toFixed(3)}, weights [${m.weights.map((w) => w.toFixed(3)).join(', ')}]`;
  return [
    METRICS_HEADER,
    metricsRow('all queries', e.all),
    metricsRow('even (tuning half)', e.even),
    metricsRow('odd (held out)', e.odd),
    '',
    `Auto-link (top candidate's confidence >= threshold); no-match tickets: ${e.noMatchTickets} unmatched backlog items, each searching only older items.`,
    '',
    '| set | threshold | true-match tickets linked correctly | linked wrongly | no-match tickets falsely linked |',
    '|---|---|---|---|---|',
    autoLinkRow('all', e.shipped.all),
    autoLinkRow('odd (held out)', e.shipped.odd),
    '',
    `Threshold meeting <= ${pct(MAX_FALSE_LINK_RATE)} false links and <= ${pct(MAX_WRONG_LINK_SHARE)} wrong links on the even half: ${e.chosenThreshold.toFixed(2)}.`,
    `Calibration refit on the even half: ${model(e.fitted)}; shipped: ${model(DEFAULT_CALIBRATION)}.`,
  ].join('\n');
}
