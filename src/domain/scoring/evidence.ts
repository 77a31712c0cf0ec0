import type { TrackerItem } from '../../trackers/tracker.ts';
import { lookup } from './lookup.ts';
import type { ScoringRules } from './rules.ts';
import type { Evidence } from './types.ts';

function customerOf(
  ticket: TrackerItem,
  rules: ScoringRules,
): Pick<Evidence, 'customerId' | 'customers' | 'accountId'> {
  for (const name of rules.customerFields) {
    const list = (lookup(ticket.fieldLists ?? {}, name) ?? []).map((v) => v.trim()).filter((v) => v !== '');
    if (list.length > 1) return { customerId: list.join(', '), customers: list };
    const value = lookup(ticket.fields, name);
    if (typeof value === 'string' && value.trim() !== '') return { customerId: value.trim() };
  }
  const reporter = ticket.reporter;
  // An app (an automation rule, a help-desk integration) reports tickets for many customers: it is none of them.
  return reporter && !reporter.app
    ? { customerId: reporter.displayName || reporter.id, accountId: reporter.id }
    : {};
}

/**
 * The customers a ticket counts toward, as reach, summaries and the scorecard's numbers compare them: its reporter's
 * account, else the organizations it names (tickets naming one, whatever the case or spacing, count once); none: it
 * counts alone. Accounts and names are kept apart, so an organization named like an account id is another customer.
 */
export function customersOf(evidence: Evidence): string[] {
  if (evidence.accountId) return [`account ${evidence.accountId}`];
  const names = evidence.customers ?? (evidence.customerId ? [evidence.customerId] : []);
  return names
    .map((name) => name.trim().toLowerCase())
    .flatMap((name) => (name === '' ? [] : [`name ${name}`]));
}

/**
 * A linked support ticket as evidence. Its customer is the organization named on it, else whoever reported it
 * unless an app did; a ticket with neither counts as a customer of its own.
 */
export function ticketEvidence(ticket: TrackerItem, rules: ScoringRules): Evidence {
  return { ticketRef: ticket.ref.key, url: ticket.url, title: ticket.title, ...customerOf(ticket, rules) };
}
