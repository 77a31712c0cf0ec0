import { formatPercent } from './format.ts';
import { fromOverride } from './override.ts';
import type { ScoringRules } from './rules.ts';
import type { Override, ScoreInput } from './types.ts';

/**
 * Confidence is the level of the least trusted input, so the score says how much of it was guessed; an
 * overridden input counts as fully trusted because a person vouched for it.
 */
export function resolveConfidence(
  inputs: Record<string, ScoreInput>,
  rules: ScoringRules,
  override: Override | undefined,
): ScoreInput {
  if (override) return fromOverride(override, formatPercent(override.value));
  const levels = rules.confidenceLevels;
  let weakest: { name: string; input: ScoreInput; value: number } | undefined;
  for (const [name, input] of Object.entries(inputs)) {
    const level = input.source === 'override' ? 'high' : rules.sourceConfidence[input.source];
    const value = levels[level];
    // On a tie an inferred input is named: one a person set says nothing about where the doubt comes from.
    const named = weakest?.input.source === 'override' && input.source !== 'override';
    if (!weakest || value < weakest.value || (value === weakest.value && named))
      weakest = { name, input, value };
  }
  if (!weakest)
    return {
      value: levels.high,
      source: 'default',
      detail: `nothing to doubt → ${formatPercent(levels.high)}`,
    };
  const { name, input, value } = weakest;
  const source = input.source === 'override' ? 'default' : input.source;
  return {
    value,
    source,
    detail: `least certain input: ${name} from ${input.source} → ${formatPercent(value)}`,
  };
}
