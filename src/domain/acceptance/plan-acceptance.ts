import type { Planner } from '../plan-jobs.ts';

/** Fields whose change can change the verdict, or move the item into a gated status/list. */
const WATCHED = new Set(['description', 'summary', 'title', 'issuetype', 'status', 'list', 'checklist']);

/** Checks a backlog item when it is created and when its text, type, status, list or checklists change. */
export const planAcceptance: Planner = (event, { role }) => {
  // The card is not known yet: its handler reads it, and checks only a backlog item.
  if (event.kind === 'checklist.updated') return [{ name: 'check-checklist', data: { event } }];
  if (role !== 'backlog') return [];
  if (event.kind === 'item.created') return [{ name: 'check-acceptance', data: { event } }];
  if (
    event.kind === 'item.updated' &&
    event.changes.some((change) => WATCHED.has(change.field.toLowerCase()))
  ) {
    return [{ name: 'check-acceptance', data: { event } }];
  }
  return [];
};
