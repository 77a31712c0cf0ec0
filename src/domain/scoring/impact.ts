import type { TrackerItem } from '../../trackers/tracker.ts';
import { containsWord, lookup } from './lookup.ts';
import { fromOverride } from './override.ts';
import type { ScoringRules } from './rules.ts';
import type { InputSource, Override, ScoreInput } from './types.ts';

interface Signal {
  value: number;
  source: InputSource;
  detail: string;
}

/** Every mapping that matched, in precedence order (explicit fields before guesses from text). */
function impactSignals(item: TrackerItem, rules: ScoringRules): Signal[] {
  const signals: Signal[] = [];
  const add = (value: number | undefined, source: InputSource, what: string) => {
    if (value !== undefined) signals.push({ value, source, detail: `${what} → ${value}` });
  };
  const severity = item.fields[rules.severityField];
  if (typeof severity === 'string')
    add(lookup(rules.severityImpact, severity), 'field', `${rules.severityField} ${severity}`);
  add(lookup(rules.priorityImpact, item.priority), 'priority', `priority ${item.priority}`);
  for (const label of item.labels) add(lookup(rules.labelImpact, label), 'label', `label ${label}`);
  const text = `${item.title}\n${item.description}`;
  for (const [keyword, value] of Object.entries(rules.keywordImpact)) {
    if (containsWord(text, keyword)) add(value, 'keyword', `keyword "${keyword}"`);
  }
  add(lookup(rules.typeImpact, item.type), 'type', `type ${item.type}`);
  return signals;
}

/**
 * The strongest matching signal wins: a Jira priority defaults to Medium on every issue, so precedence alone
 * would let it hide a "security" label. Ties go to the more explicit source.
 */
export function resolveImpact(
  item: TrackerItem,
  rules: ScoringRules,
  override: Override | undefined,
): ScoreInput {
  if (override) return fromOverride(override);
  const signals = impactSignals(item, rules);
  const best = signals.reduce<Signal | undefined>(
    (top, signal) => (top && top.value >= signal.value ? top : signal),
    undefined,
  );
  if (!best) {
    return {
      value: rules.defaultImpact,
      source: 'default',
      detail: `nothing mapped → ${rules.defaultImpact}`,
    };
  }
  const others = signals.filter((signal) => signal !== best).map((signal) => signal.detail);
  const detail = others.length > 0 ? `${best.detail} (also: ${others.join(', ')})` : best.detail;
  return { value: best.value, source: best.source, detail };
}
