import { resolveConfidence } from './confidence.ts';
import { resolveEffort } from './effort.ts';
import { roundToTenth } from './format.ts';
import { resolveImpact } from './impact.ts';
import { distinctEvidence, resolveReach } from './reach.ts';
import type { ScoringRules } from './rules.ts';
import type { ScoreRequest, ScoreResult } from './types.ts';
import { resolveBusinessValue, resolveWsjfComponent } from './wsjf.ts';

/**
 * Scores one item from its own fields, its linked tickets and any overrides only: never relative to other
 * items, so a score stays put when the backlog around it changes.
 */
export function scoreItem(request: ScoreRequest, rules: ScoringRules): ScoreResult {
  const { item, overrides = {} } = request;
  const evidence = distinctEvidence(request.evidence ?? []);
  const impact = resolveImpact(item, rules, overrides.impact);
  const effort = resolveEffort(item, rules, overrides.effort);
  if (rules.model === 'wsjf') {
    const inputs = {
      businessValue: resolveBusinessValue(item, rules, impact, overrides.businessValue),
      timeCriticality: resolveWsjfComponent(item, rules.wsjf.timeCriticality, overrides.timeCriticality),
      riskReduction: resolveWsjfComponent(item, rules.wsjf.riskReduction, overrides.riskReduction),
      jobSize: effort,
    };
    const costOfDelay =
      inputs.businessValue.value + inputs.timeCriticality.value + inputs.riskReduction.value;
    return { model: 'wsjf', score: roundToTenth(costOfDelay / effort.value), inputs, evidence };
  }
  const reach = resolveReach(evidence, rules, overrides.reach);
  const confidence = resolveConfidence({ reach, impact, effort }, rules, overrides.confidence);
  const score = roundToTenth((reach.value * impact.value * confidence.value) / effort.value);
  return { model: 'rice', score, inputs: { reach, impact, confidence, effort }, evidence };
}

export function scoreItems(requests: readonly ScoreRequest[], rules: ScoringRules): ScoreResult[] {
  return requests.map((request) => scoreItem(request, rules));
}
