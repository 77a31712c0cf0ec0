import type { Actor, TrackerEvent } from '../events.ts';
import type { JobDataMap, JobRequest } from '../job-requests.ts';
import type { Planner } from '../plan-jobs.ts';

/** Changes of what the index matches on (Jira field ids and Trello names alike, compared lower-case). */
const TEXT_FIELDS = new Set(['summary', 'description', 'title']);
/**
 * Changes of what the index keeps of a backlog item: its words, and its Jira issue security level, which decides
 * whether the service's comments on tickets may show its title.
 */
const INDEXED_FIELDS = new Set([...TEXT_FIELDS, 'security']);
/**
 * Changes of where an item lives, which can change its role (backlog ↔ support; a Trello card archived or restored,
 * or moved to another board).
 */
export const PLACE_FIELDS: ReadonlySet<string> = new Set(['project', 'key', 'list', 'closed', 'board']);
/** A Trello card's links are its attachments: a ticket's words follow them (Jira's links come as link events). */
const LINK_FIELDS = new Set(['attachments']);
/** Changes that can resolve or reopen an item: a Jira status (or resolution), a Trello list. */
const STATUS_FIELDS = new Set(['status', 'resolution', 'list']);

/**
 * Keeps the shared index current with backlog items (and linked tickets' words), matches support tickets when
 * they arrive (or move into support, or are edited while unlinked: the handler checks), and tells linked
 * tickets when an item resolves.
 * Handlers re-read the item, so "remove from the index" is decided from where the item lives now.
 */
export const planLinking: Planner = (event, { role }) => {
  // Jira's link events name no project: the handler reads both ends to find a ticket and an item.
  if (event.kind === 'link.created' || event.kind === 'link.deleted')
    return [{ name: 'learn-link', data: { event } }];
  if (role !== 'backlog' && role !== 'support') return [];
  switch (event.kind) {
    case 'item.created':
      return role === 'backlog'
        ? [{ name: 'index-item', data: { event } }]
        : [{ name: 'link-ticket', data: { event } }];
    case 'item.deleted':
      // A deleted ticket's words, learnt from its links, leave the index as well as a deleted item.
      return [{ name: 'index-item', data: { event } }];
    case 'item.updated': {
      const fields = new Set(event.changes.map((change) => change.field.toLowerCase()));
      const touches = (watched: ReadonlySet<string>) => [...fields].some((field) => watched.has(field));
      const moved = touches(PLACE_FIELDS);
      const jobs: JobRequest[] = [];
      // A support ticket resolved or reopened leaves or re-enters the console's triage.
      if (
        moved ||
        (role === 'backlog' && touches(INDEXED_FIELDS)) ||
        (role === 'support' && touches(STATUS_FIELDS))
      )
        jobs.push({ name: 'index-item', data: { event } });
      if (role === 'support' && (moved || touches(TEXT_FIELDS) || touches(LINK_FIELDS)))
        jobs.push({ name: 'link-ticket', data: { event } });
      else if (role === 'support' && touches(STATUS_FIELDS))
        jobs.push({ name: 'link-ticket', data: { event, ifReopened: true } });
      if (role === 'backlog' && touches(STATUS_FIELDS))
        jobs.push({ name: 'notify-resolution', data: { event } });
      return jobs;
    }
    default:
      return [];
  }
};

/**
 * An item deleted, or moved, in a container the rules ignore may have been indexed or have taught the index its
 * words before: the handler re-reads it and removes what no longer belongs. Nothing else is planned there.
 */
export function planIgnoredContainer(event: TrackerEvent): JobRequest[] {
  const moved =
    event.kind === 'item.updated' && event.changes.some((c) => PLACE_FIELDS.has(c.field.toLowerCase()));
  return event.kind === 'item.deleted' || moved ? [{ name: 'index-item', data: { event } }] : [];
}

/** A Jira project key or Trello board id (or shortLink) whose items the backfill reads. */
export type BackfillTarget = JobDataMap['backfill-index']['targets'][number];

/**
 * The job the admin API enqueues to fill the index from the trackers (first install, or after webhooks were
 * lost). Only items the rules place in the backlog are indexed; one job walks all targets in turn.
 */
export function backfillIndexRequest(input: { targets: BackfillTarget[]; requestedBy: Actor }): JobRequest {
  return { name: 'backfill-index', data: input };
}
