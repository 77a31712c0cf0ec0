import { customersOf } from './evidence.ts';
import { plural } from './format.ts';
import { fromOverride } from './override.ts';
import type { ScoringRules } from './rules.ts';
import type { Evidence, Override, ScoreInput } from './types.ts';

/** Drops repeated tickets (same ref, case-insensitive) and keeps the first occurrence's order. */
export function distinctEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((entry) => {
    const key = entry.ticketRef.trim().toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function resolveReach(
  evidence: readonly Evidence[],
  rules: ScoringRules,
  override: Override | undefined,
): ScoreInput {
  if (override) return fromOverride(override);
  const tickets = distinctEvidence(evidence);
  if (tickets.length === 0) {
    return {
      value: rules.defaultReach,
      source: 'default',
      detail: `no linked tickets → ${rules.defaultReach}`,
    };
  }
  const customers = new Set<string>();
  let anonymous = 0;
  for (const ticket of tickets) {
    const of = customersOf(ticket);
    for (const customer of of) customers.add(customer);
    if (of.length === 0) anonymous += 1;
  }
  const value = customers.size + anonymous;
  const parts = [plural(tickets.length, 'linked ticket')];
  if (customers.size > 0) parts.push(`${plural(customers.size, 'distinct customer')}`);
  if (anonymous > 0 && customers.size > 0) parts.push(`${anonymous} without customer`);
  return { value, source: 'evidence', detail: `${parts.join(', ')} → ${value}` };
}
