/** Telling the support tickets linked to a backlog item that it was resolved. */
import type { ItemRef } from '../../src/domain/events.ts';
import { docId, holdsLinkTo, sameItem, unlinkedInTicket } from '../../src/linking/index.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { refused, roleOf, summaryOfItem, unlessRefused } from './linking.ts';
import { namedFor } from './linking-audience.ts';
import { customerNotice, reopenedNotice, resolvedNotice } from './linking-comments.ts';
import { linkedItems } from './linking-follow.ts';
import { linkingState } from './linking-index.ts';
import { readItem } from './scoring.ts';

/**
 * The tickets linked to the item: recorded, or named by the item's links, except a ticket a person unlinked from
 * it whose link back the service could not remove (a board it may only read), and a recorded ticket that no longer
 * holds its link (a Jira remote link removed: no event tells the service, the ticket's next job would).
 */
async function supportTicketsOf(item: TrackerItem, context: JobContext): Promise<ItemRef[]> {
  const { records } = linkingState(context);
  const recorded = await records.ticketsOf(item.ref);
  const tickets: ItemRef[] = [];
  for (const record of recorded) {
    // A ticket the service may no longer read is still told if it can be: its comment's failure is logged.
    const ticket = await readItem(record.ticket, context).catch((error: unknown) => {
      if (refused(error)) return undefined;
      throw error;
    });
    if (!ticket || !unlinkedInTicket(ticket, item.ref, [record])) tickets.push(record.ticket);
  }
  for (const link of item.links) {
    if (link.target.kind !== 'item') continue;
    const { ref } = link.target;
    if (recorded.some((known) => sameItem(known.ticket, ref))) continue;
    const other = await readItem(ref, context);
    if (!other || roleOf(other, context) !== 'support') continue;
    const unlinked = (await records.rejectedFor(other.ref)).has(docId(item.ref));
    if (!unlinked || holdsLinkTo(other, item.ref)) tickets.push(other.ref);
  }
  return tickets;
}

/**
 * The tickets told of a resolution hear once that it did not hold (only agents: a customer told of the fix hears
 * from them, if at all).
 */
async function notifyReopen(item: TrackerItem, ended: number, context: JobContext) {
  const notified: string[] = [];
  for (const ticket of await supportTicketsOf(item, context)) {
    const notice = reopenedNotice(
      await namedFor({ ref: ticket }, summaryOfItem(item), context),
      item.status.name,
    );
    const told = await unlessRefused(
      context,
      {
        message: 'Could not tell a linked ticket of the reopen',
        fields: { ticket: ticket.key, item: item.ref.key },
      },
      () =>
        context.tracker(ticket.tracker).upsertComment(ticket, `reopen ${ended} of ${item.ref.key}`, notice),
    );
    if (told?.action === 'created') notified.push(ticket.key);
  }
  await linkingState(context).resolutions.told(item.ref);
  return { reopened: ended, notified: notified.sort() };
}

/**
 * Whether the ticket has a customer to tell that the problem behind it is fixed: only Service Management tickets
 * have customers who could read a public comment, and a request linked to several items (two causes) is fixed
 * once the last of them is resolved. An item the service may no longer read does not hold the notice back.
 */
async function customerAwaits(ref: ItemRef, resolved: TrackerItem, context: JobContext): Promise<boolean> {
  const ticket = await readItem(ref, context);
  if (ticket?.container.projectType !== 'service_desk') return false;
  for (const other of await linkedItems(ticket, context)) {
    if (sameItem(other, resolved.ref)) continue;
    const item = await unlessRefused(
      context,
      {
        message: 'Could not read a linked item: the customer is told all the same',
        fields: { item: other.key },
      },
      () => readItem(other, context),
    );
    if (item && roleOf(item, context) === 'backlog' && item.status.category !== 'done') return false;
  }
  return true;
}

/**
 * Tells every linked ticket once per resolution. The comment's purpose names the resolution, so a retried or
 * duplicated job edits nothing, while a reopen followed by a new resolution is news again.
 */
export async function notifyResolution(ref: ItemRef, context: JobContext) {
  const item = await readItem(ref, context);
  if (!item || roleOf(item, context) !== 'backlog') return { skipped: 'not a backlog item' };
  const { resolutions } = linkingState(context);
  if (item.status.category !== 'done') {
    const ended = await resolutions.reopened(item.ref);
    if (ended === 0) return { skipped: `status ${item.status.name}` };
    return notifyReopen(item, ended, context);
  }
  const resolution = await resolutions.resolved(item.ref);
  const notified: string[] = [];
  const customersToo = context.rules().linking.notifyCustomers;
  const customersTold: string[] = [];
  for (const ticket of await supportTicketsOf(item, context)) {
    try {
      const tracker = context.tracker(ticket.tracker);
      const named = await namedFor({ ref: ticket }, summaryOfItem(item), context);
      const notice = resolvedNotice(named, item.status.name, resolution);
      const outcome = await tracker.upsertComment(
        ticket,
        `resolution ${resolution} of ${item.ref.key}`,
        notice,
      );
      if (outcome.action === 'created') notified.push(ticket.key);
      if (customersToo && (await customerAwaits(ticket, item, context))) {
        const told = await tracker.upsertComment(
          ticket,
          `customer notice ${resolution} of ${item.ref.key}`,
          customerNotice(resolution),
          { audience: 'customers' },
        );
        if (told.action === 'created') customersTold.push(ticket.key);
      }
    } catch (error) {
      // A deleted ticket, or one the service may no longer comment on, must not keep the others from hearing.
      if (!refused(error)) throw error;
      context.log.warn(
        { ticket: ticket.key, item: item.ref.key, kind: error.kind, err: { message: error.message } },
        'Could not tell a linked ticket of the resolution',
      );
    }
  }
  return customersToo
    ? { resolution, notified: notified.sort(), customersTold: customersTold.sort() }
    : { resolution, notified: notified.sort() };
}
