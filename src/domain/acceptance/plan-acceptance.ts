import { PLACE_FIELDS } from '../linking-plan/plan-linking.ts';
import type { Planner } from '../plan-jobs.ts';

/** Fields whose change can change the verdict, or move the item into a gated status/list. */
const WATCHED = new Set(['description', 'summary', 'title', 'issuetype', 'status', 'list', 'checklist']);

/**
 * Checks a backlog item when it is created and when its text, type, status, list or checklists change. An item
 * that leaves the backlog (into support, out of scope, archived) or comes back is checked too: the handler takes
 * the service's own flag off an item that is no longer a backlog item.
 */
export const planAcceptance: Planner = (event, { role }) => {
  // The card is not known yet: its handler reads it, and checks only a backlog item.
  if (event.kind === 'checklist.updated') return [{ name: 'check-checklist', data: { event } }];
  // A Trello card can arrive in support from a backlog board (moved to another board): the only created item
  // that may carry the flag. A new Jira ticket cannot, and support projects are busy: no read for each.
  if (event.kind === 'item.created')
    return role === 'backlog' || (role === 'support' && event.tracker === 'trello')
      ? [{ name: 'check-acceptance', data: { event } }]
      : [];
  if (event.kind !== 'item.updated') return [];
  const fields = event.changes.map((change) => change.field.toLowerCase());
  const moved = fields.some((field) => PLACE_FIELDS.has(field));
  return moved || (role === 'backlog' && fields.some((field) => WATCHED.has(field)))
    ? [{ name: 'check-acceptance', data: { event } }]
    : [];
};
