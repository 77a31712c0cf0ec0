import type { TrackerItem } from '../../trackers/tracker.ts';
import { lookup } from './lookup.ts';
import { fromOverride } from './override.ts';
import type { ScoringRules } from './rules.ts';
import type { Override, ScoreInput } from './types.ts';

interface ComponentRules {
  field: string;
  labels: Record<string, number>;
}

function fromFieldOrLabels(item: TrackerItem, rules: ComponentRules): ScoreInput | undefined {
  const field = item.fields[rules.field];
  if (typeof field === 'number' && Number.isFinite(field) && field >= 0) {
    return { value: field, source: 'field', detail: `${rules.field} ${field}` };
  }
  let best: ScoreInput | undefined;
  for (const label of item.labels) {
    const value = lookup(rules.labels, label);
    if (value !== undefined && (!best || value > best.value)) {
      best = { value, source: 'label', detail: `label ${label} → ${value}` };
    }
  }
  return best;
}

export function resolveWsjfComponent(
  item: TrackerItem,
  rules: ComponentRules & { default: number },
  override: Override | undefined,
): ScoreInput {
  if (override) return fromOverride(override);
  return (
    fromFieldOrLabels(item, rules) ?? {
      value: rules.default,
      source: 'default',
      detail: `not set → ${rules.default}`,
    }
  );
}

/** Business value without its own field or label is the item's impact, so WSJF works on an empty rules file. */
export function resolveBusinessValue(
  item: TrackerItem,
  rules: ScoringRules,
  impact: ScoreInput,
  override: Override | undefined,
): ScoreInput {
  if (override) return fromOverride(override);
  const own = fromFieldOrLabels(item, rules.wsjf.businessValue);
  if (own) return own;
  return { ...impact, detail: `impact: ${impact.detail}` };
}
