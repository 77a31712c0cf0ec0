import type { TrackerItem } from '../../trackers/tracker.ts';
import { lookup } from './lookup.ts';
import type { ScoringRules } from './rules.ts';
import type { Evidence } from './types.ts';

function customerOf(ticket: TrackerItem, rules: ScoringRules): string | undefined {
  for (const name of rules.customerFields) {
    const value = lookup(ticket.fields, name);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  const reporter = ticket.reporter;
  // An app (an automation rule, a help-desk integration) reports tickets for many customers: it is none of them.
  return reporter && !reporter.app ? reporter.displayName || reporter.id : undefined;
}

/**
 * A linked support ticket as evidence. Its customer is the organization named on it, else whoever reported it
 * unless an app did; a ticket with neither counts as a customer of its own.
 */
export function ticketEvidence(ticket: TrackerItem, rules: ScoringRules): Evidence {
  const customerId = customerOf(ticket, rules);
  return {
    ticketRef: ticket.ref.key,
    url: ticket.url,
    title: ticket.title,
    ...(customerId !== undefined && { customerId }),
  };
}
