import type { TrackerName } from '../../src/domain/events.ts';
import { ticketEvidence } from '../../src/domain/scoring/evidence.ts';
import type { Evidence } from '../../src/domain/scoring/types.ts';
import { resolvedBy } from '../../src/domain/sprint-summary/index.ts';
import { isAbsent, TrackerError } from '../../src/errors.ts';
import { createLinkRecords, type LinkRecord } from '../../src/linking/index.ts';
import type { Tracker, TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { countsForItem } from './scoring.ts';

/** Errors that say a linked item cannot be read (gone, hidden, on a tracker not configured): it is left out. */
const unreadable = (error: unknown) =>
  error instanceof TrackerError && (isAbsent(error.kind) || ['forbidden', 'validation'].includes(error.kind));

const refId = (ref: TrackerItem['ref']) => `${ref.tracker}:${ref.id}`;

/** One item, or undefined when it cannot be read. */
async function readItem(tracker: Tracker, ref: TrackerItem['ref']): Promise<TrackerItem | undefined> {
  try {
    return await tracker.getItem(ref);
  } catch (error) {
    if (!unreadable(error)) throw error;
    return undefined;
  }
}

/**
 * The items `refs` name, each read once and many at a time where the tracker can, by tracker and id or key (a
 * link may name either); those that cannot be read are not there.
 */
async function readLinked(
  refs: readonly TrackerItem['ref'][],
  context: JobContext,
): Promise<Map<string, TrackerItem>> {
  const byTracker = new Map<TrackerName, TrackerItem['ref'][]>();
  for (const ref of new Map(refs.map((ref) => [refId(ref), ref])).values()) {
    byTracker.set(ref.tracker, [...(byTracker.get(ref.tracker) ?? []), ref]);
  }
  const found = new Map<string, TrackerItem>();
  for (const [name, wanted] of byTracker) {
    let tracker: Tracker;
    try {
      tracker = context.tracker(name);
    } catch (error) {
      if (!unreadable(error)) throw error;
      continue;
    }
    const items = tracker.getItems
      ? await tracker.getItems(wanted)
      : await Promise.all(wanted.map((ref) => readItem(tracker, ref)));
    for (const item of items) {
      if (!item) continue;
      found.set(refId(item.ref), item);
      found.set(`${item.ref.tracker}:${item.ref.key}`, item);
    }
  }
  return found;
}

/**
 * The ticket with the date it was resolved: a Trello card, which has no resolution date, is dated by when it entered
 * a done list (its actions, one request), so that one finished after the window's end does not count, however
 * often the summary is re-run. Read only for a done ticket of a window that has ended.
 */
async function doneDate(
  ticket: TrackerItem,
  end: string | undefined,
  context: JobContext,
): Promise<TrackerItem> {
  const { status } = ticket;
  if (end === undefined || status.category !== 'done' || ticket.resolution?.at || status.categorySince)
    return ticket;
  const since = await context.tracker(ticket.ref.tracker).doneSince?.(ticket.ref);
  return since ? { ...ticket, status: { ...status, categorySince: since } } : ticket;
}

/**
 * Support tickets resolved through the delivered items: linked items that live in a support container and
 * were resolved by the end of the window (`resolvedBy`), each with the customer scoring counts it for. A linked item
 * that is gone, or on a tracker this service does not talk to, is left out.
 */
export async function resolvedTickets(
  delivered: readonly TrackerItem[],
  window: { end?: string },
  context: JobContext,
): Promise<Record<string, Evidence[]>> {
  const { scoring, summaries } = context.rules();
  const linked = (item: TrackerItem) =>
    item.links.flatMap((link) => (link.target.kind === 'item' ? [link.target.ref] : []));
  const refs = delivered.flatMap(linked);
  const records = createLinkRecords(context.redis, context.keyPrefix);
  const recorded = new Map<string, Promise<readonly LinkRecord[]>>();
  const recordsOf = (ref: TrackerItem['ref']) => {
    const found = recorded.get(refId(ref)) ?? records.itemsOf(ref);
    recorded.set(refId(ref), found);
    return found;
  };
  // Read before the tickets, as scoring reads them: a link recorded after a ticket was read may not show on it yet.
  await Promise.all(refs.map(recordsOf));
  const tickets = await readLinked(refs, context);
  const dated = new Map<string, Promise<TrackerItem>>();
  const datedOf = (ticket: TrackerItem) => {
    const found = dated.get(refId(ticket.ref)) ?? doneDate(ticket, window.end, context);
    dated.set(refId(ticket.ref), found);
    return found;
  };
  const result: Record<string, Evidence[]> = {};
  for (const item of delivered) {
    for (const ref of linked(item)) {
      const ticket = tickets.get(refId(ref));
      if (!ticket || !resolvedBy(ticket, window.end, summaries.notResolved)) continue;
      // A ticket named by its key only (a Trello attachment naming a Jira issue) has its records under its id.
      if (!countsForItem(ticket, item.ref, await recordsOf(ticket.ref), context)) continue;
      // Dated last, for the few tickets that count otherwise: a Trello card's date costs a request.
      if (!resolvedBy(await datedOf(ticket), window.end, summaries.notResolved)) continue;
      result[item.ref.id] = [...(result[item.ref.id] ?? []), ticketEvidence(ticket, scoring)];
    }
  }
  return result;
}

/** Priority scores the scoring capability wrote, by item id. */
export function priorityScores(items: readonly TrackerItem[], context: JobContext): Record<string, number> {
  const field = context.rules().scoring.fields.score;
  return Object.fromEntries(
    items.flatMap((item) => {
      const value = item.fields[field];
      return typeof value === 'number' ? [[item.ref.id, value]] : [];
    }),
  );
}
