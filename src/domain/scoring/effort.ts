import type { TrackerItem } from '../../trackers/tracker.ts';
import { roundToTenth } from './format.ts';
import { lookup } from './lookup.ts';
import { fromOverride } from './override.ts';
import type { ScoringRules } from './rules.ts';
import type { Override, ScoreInput } from './types.ts';

const CRITERION = /^\s*(?:[-*•]\s+|\d+[.)]\s+|(?:given|when|then|and)\b)/i;

/** Acceptance criteria a person wrote: list lines, Gherkin lines, checklist items. */
export function countCriteria(item: TrackerItem): number {
  const lines = item.description.split('\n').filter((line) => CRITERION.test(line)).length;
  return lines + item.checklists.reduce((sum, checklist) => sum + checklist.items.length, 0);
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function tshirtFromLabels(item: TrackerItem, rules: ScoringRules): ScoreInput | undefined {
  for (const label of item.labels) {
    const lower = label.trim().toLowerCase();
    for (const prefix of rules.tshirtLabelPrefixes) {
      if (!lower.startsWith(prefix.toLowerCase())) continue;
      const value = lookup(rules.tshirtSizes, lower.slice(prefix.length));
      if (value !== undefined) return { value, source: 'label', detail: `label ${label} → ${value}` };
    }
  }
  return undefined;
}

function inferFromSize(item: TrackerItem, rules: ScoringRules): ScoreInput {
  const chars = item.description.trim().length;
  const criteria = countCriteria(item);
  const step = rules.inferredSizes.find((s) => chars <= s.maxChars && criteria <= s.maxCriteria);
  const size = step?.size ?? rules.largestSize;
  const value = lookup(rules.tshirtSizes, size) ?? Math.max(...Object.values(rules.tshirtSizes), 1);
  return {
    value,
    source: 'inferred',
    detail: `no estimate; inferred from size (${chars} characters, ${criteria} criteria) → ${size} → ${value}`,
  };
}

/** The first estimate a person set, in the order teams trust them; zero and negative count as unset. */
export function resolveEffort(
  item: TrackerItem,
  rules: ScoringRules,
  override: Override | undefined,
): ScoreInput {
  if (override) return fromOverride(override);
  const points = positive(item.estimate.storyPoints);
  if (points !== undefined) return { value: points, source: 'estimate', detail: `${points} story points` };
  const fieldPoints = positive(item.fields[rules.storyPointField]);
  if (fieldPoints !== undefined) {
    return { value: fieldPoints, source: 'field', detail: `${rules.storyPointField} ${fieldPoints}` };
  }
  const hours = positive(item.estimate.originalEstimateHours);
  if (hours !== undefined) {
    const value = Math.max(0.1, roundToTenth(hours / rules.hoursPerPoint));
    return {
      value,
      source: 'estimate',
      detail: `original estimate ${hours}h ÷ ${rules.hoursPerPoint}h per point → ${value}`,
    };
  }
  return tshirtFromLabels(item, rules) ?? inferFromSize(item, rules);
}
