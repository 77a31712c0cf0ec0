import type { ScoringRules } from './rules.ts';
import type { ScoreResult } from './types.ts';

/**
 * Number-field values to write back, by field display name. Confidence is written as a percentage because
 * that is how people read it in a field ("80", not "0.8").
 */
export function scoreFieldValues(result: ScoreResult, rules: ScoringRules): Record<string, number> {
  const { fields } = rules;
  if (result.model === 'wsjf') {
    return { [fields.score]: result.score, [fields.effort]: result.inputs.jobSize.value };
  }
  const { reach, impact, confidence, effort } = result.inputs;
  return {
    [fields.score]: result.score,
    [fields.reach]: reach.value,
    [fields.impact]: impact.value,
    [fields.confidence]: Math.round(confidence.value * 100),
    [fields.effort]: effort.value,
  };
}

/**
 * Everything the scorecard shows, in a fixed key order: equal fingerprints mean the comment and the fields
 * would be written with the same content, so handlers can skip the write.
 */
export function scoreFingerprint(result: ScoreResult): string {
  const inputs = Object.entries(result.inputs).map(([name, input]) => [
    name,
    input.value,
    input.source,
    input.detail,
    input.by ?? null,
  ]);
  const evidence = result.evidence.map((e) => [
    e.ticketRef,
    e.url ?? null,
    e.title ?? null,
    e.customerId ?? null,
    e.accountId ?? null,
  ]);
  return JSON.stringify([result.model, result.score, inputs, evidence]);
}

export function isSameScore(a: ScoreResult, b: ScoreResult): boolean {
  return scoreFingerprint(a) === scoreFingerprint(b);
}
