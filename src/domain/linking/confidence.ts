import type { MatchEvidence } from './query.ts';

/** Logistic model over ranking features; `weights` align with `confidenceFeatures`. */
export interface CalibrationModel {
  intercept: number;
  weights: readonly number[];
}

export interface CalibrationSample {
  features: readonly number[];
  /** true when the candidate is the ticket's real match. */
  label: boolean;
}

export interface ScoredCandidate {
  score: number;
  evidence: MatchEvidence;
}

/**
 * Features of the candidate at `rank` in a ranked list: its normalised score, its margin over the next
 * candidate, its gap to the top candidate, log(1 + rank), its two title overlaps with the ticket, the share of
 * the ticket it covers, and three facts about the ticket (log of its scored terms, the share of its words the
 * backlog knows, whether it has a title). The normalised score (query vs candidate divided by query vs itself)
 * is comparable across ticket lengths; the ticket facts tell a short customer-worded ticket from a developer's.
 */
export function confidenceFeatures(ranked: readonly ScoredCandidate[], rank: number): number[] {
  const s = ranked[rank]?.score ?? 0;
  const next = ranked[rank + 1]?.score ?? 0;
  const top = ranked[0]?.score ?? 0;
  const evidence = ranked[rank]?.evidence;
  return [
    s,
    s - next,
    top - s,
    Math.log1p(rank),
    evidence?.titleOverlap ?? 0,
    evidence?.itemTitleCoverage ?? 0,
    evidence?.ticketCoverage ?? 0,
    Math.log1p(evidence?.ticket.terms ?? 0),
    evidence?.ticket.knownShare ?? 0,
    evidence?.ticket.hasTitle ? 1 : 0,
  ];
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function confidenceOf(model: CalibrationModel, features: readonly number[]): number {
  let z = model.intercept;
  for (let i = 0; i < model.weights.length; i++) z += (model.weights[i] ?? 0) * (features[i] ?? 0);
  return sigmoid(z);
}

function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c <= n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}

/**
 * Fits a ridge-regularised logistic regression by Newton's method (deterministic, a handful of
 * features). The intercept is not regularised.
 */
export function calibrate(
  samples: readonly CalibrationSample[],
  options: { l2?: number; iterations?: number } = {},
): CalibrationModel {
  const l2 = options.l2 ?? 1e-3;
  const dims = (samples[0]?.features.length ?? 0) + 1;
  let beta = new Array<number>(dims).fill(0);
  for (let iter = 0; iter < (options.iterations ?? 25); iter++) {
    const grad = new Array<number>(dims).fill(0);
    const hess = Array.from({ length: dims }, () => new Array<number>(dims).fill(0));
    for (const { features, label } of samples) {
      const x = [1, ...features];
      const p = sigmoid(x.reduce((z, xi, i) => z + xi * beta[i]!, 0));
      const w = Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i < dims; i++) {
        grad[i]! += (p - (label ? 1 : 0)) * x[i]!;
        for (let j = 0; j < dims; j++) hess[i]![j]! += w * x[i]! * x[j]!;
      }
    }
    for (let i = 1; i < dims; i++) {
      grad[i]! += l2 * samples.length * beta[i]!;
      hess[i]![i]! += l2 * samples.length;
    }
    const step = solve(hess, grad);
    beta = beta.map((b, i) => b - step[i]!);
    if (step.every((s) => Math.abs(s) < 1e-9)) break;
  }
  return { intercept: beta[0]!, weights: beta.slice(1) };
}
