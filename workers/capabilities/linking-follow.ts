/**
 * A ticket's links as its tracker shows them now, against the service's records: people make and remove links in
 * the tracker, and those count as theirs.
 */
import type { ItemRef } from '../../src/domain/events.ts';
import { docId, holdsLinkTo, type IndexReplica, sameItem, toIndexedLink } from '../../src/linking/index.ts';
import type { LinkRecord } from '../../src/linking/link-records.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { adoptTrackerLink, followTicketKey, forgetLink, refused } from './linking.ts';
import { indexReplica, linkingState } from './linking-index.ts';
import { readItem, readWithRecords } from './scoring.ts';

/** A ticket as its tracker shows it now, with the links the service had recorded for it before that read. */
export interface TicketRead {
  ticket: TrackerItem;
  recordedBefore: readonly LinkRecord[];
}

/**
 * Records first: the service makes a link in the tracker before it records it, so a link recorded before the read
 * is one the read must show, unless someone removed it since (see `missingInTracker`).
 */
export async function readTicket(ref: ItemRef, context: JobContext): Promise<TicketRead | undefined> {
  const { ticket, recordedBefore } = await readWithRecords(ref, context);
  return ticket && { ticket, recordedBefore };
}

/** The same record, not only the same item: a link made again is a record of another moment. */
const sameRecord = (a: LinkRecord, b: LinkRecord) => sameItem(a.item, b.item) && a.at === b.at;

/**
 * Recorded links the ticket no longer holds: the very records read before the ticket was (the same link made
 * again meanwhile is a new record, left for the ticket's next job to judge), still recorded now.
 */
function missingInTracker(
  ticket: TrackerItem,
  recordedBefore: readonly LinkRecord[],
  recordedNow: readonly LinkRecord[],
): LinkRecord[] {
  return recordedNow.filter(
    (record) =>
      recordedBefore.some((before) => sameRecord(before, record)) && !holdsLinkTo(ticket, record.item),
  );
}

/** The ticket's links: those the service recorded, and the indexed items its links in the tracker name. */
export async function linksOf(ticket: TrackerItem, context: JobContext) {
  const replica = indexReplica(context);
  await replica.sync();
  const recorded = await linkingState(context).records.itemsOf(ticket.ref);
  const inTracker = ticket.links.flatMap((link) => {
    const item = link.target.kind === 'item' ? replica.find(link.target.ref) : undefined;
    return item ? [item.ref] : [];
  });
  return { recorded, inTracker };
}

function union(recorded: readonly LinkRecord[], inTracker: readonly ItemRef[]): ItemRef[] {
  const known = recorded.map((record) => record.item);
  return [...known, ...inTracker.filter((ref) => !known.some((item) => sameItem(item, ref)))];
}

/** Backlog items the ticket is linked to: by the service, or by a person in the tracker. */
export async function linkedItems(ticket: TrackerItem, context: JobContext): Promise<ItemRef[]> {
  const { recorded, inTracker } = await linksOf(ticket, context);
  return union(recorded, inTracker);
}

/**
 * Items whose evidence the ticket's words should be: its links in the tracker, which a person may have added or
 * removed, whoever made them but the service's automatic links (which would feed on themselves), and the
 * `/link`s recorded while the ticket was read, which the read cannot show yet.
 */
function teachingLinks(
  recorded: readonly LinkRecord[],
  recordedBefore: readonly LinkRecord[],
  inTracker: readonly ItemRef[],
  replica: IndexReplica,
) {
  const automatic = recorded.filter((record) => record.how === 'auto').map((record) => record.item);
  const unseen = recorded.filter(
    (record) =>
      record.how !== 'auto' &&
      replica.find(record.item) !== undefined &&
      !recordedBefore.some((before) => sameRecord(before, record)),
  );
  return union(unseen, inTracker).filter((ref) => !automatic.some((item) => sameItem(item, ref)));
}

/**
 * Whenever a ticket's job runs (or a backfill reads it), the service's view of its links becomes what the tracker
 * shows: a link a person made there is recorded (`how: 'tracker'`); one the ticket no longer holds, of the records
 * read before the ticket (`readTicket`), is forgotten: as a person's unlink (`removed`, whose records the caller
 * ends with `endRemoved` once the ticket was told), or quietly when its item was deleted (`vanished`). The
 * ticket's words stand for exactly the items it is linked to now: an edit teaches what it says now, and a link
 * recorded before its words were stored (a crash between the two writes) gets them.
 */
export async function followLinks(
  ticket: TrackerItem,
  context: JobContext,
  recordedBefore: readonly LinkRecord[],
) {
  const { records, index } = linkingState(context);
  const { recorded: recordedNow, inTracker: shown } = await linksOf(ticket, context);
  // An automatic link this very job began before it failed (its retry runs now): one not made in the tracker yet
  // is not missing, it is made; one made that the ticket no longer holds was removed by a person.
  const ours = (record: LinkRecord) => record.how === 'auto' && record.job === context.jobId;
  const missing = missingInTracker(ticket, recordedBefore, recordedNow).filter(
    (record) => !(ours(record) && record.made === false),
  );
  const removed: LinkRecord[] = [];
  const vanished: LinkRecord[] = [];
  for (const record of missing) {
    // Another job's link that never reached the tracker (that job gave up) was never there to remove.
    if (record.made !== false && (await itemStands(record.item, context))) removed.push(record);
    else {
      vanished.push(record);
      if (!context.dryRun) await records.forget(ticket.ref, record.item);
    }
  }
  const unfinished = recordedNow.filter((record) => ours(record) && !missing.includes(record));
  const pending = (ref: ItemRef) => unfinished.some((record) => sameItem(record.item, ref));
  const recorded = recordedNow.filter((record) => !missing.includes(record) && !pending(record.item));
  const inTracker = shown.filter((ref) => !pending(ref));
  const linked = union(recorded, inTracker);
  const teaching = teachingLinks(recordedNow, recordedBefore, shown, indexReplica(context));
  const adopted = inTracker.filter((item) => !recorded.some((record) => sameItem(record.item, item)));
  if (!context.dryRun) {
    const at = context.now().toISOString();
    for (const item of adopted) await records.add({ ticket: ticket.ref, item, how: 'tracker', at });
  }
  for (const item of adopted) await adoptTrackerLink(ticket, item, context);
  // A Jira ticket moved to another project since it was linked: what names it by its old key follows.
  for (const record of recorded)
    if (record.ticket.key !== ticket.ref.key) await followTicketKey(ticket, record, context);
  for (const record of missing)
    await forgetLink(
      ticket,
      record.item,
      {
        linkedAs: record.ticket,
        stillLinked: linked.length > 0,
        itemDeleted: vanished.includes(record) && record.made !== false,
      },
      context,
    );
  const unlinkedInTracker = removed.map((record) => record.item.key).sort();
  let refreshed = 0;
  let forgotten = 0;
  if (!context.dryRun) {
    for (const item of teaching) if (await index.putLinked(toIndexedLink(ticket, item))) refreshed += 1;
    for (const item of indexReplica(context).wordsOf(ticket.ref)) {
      if (teaching.some((known) => docId(known) === docId(item))) continue;
      if (await index.deleteLinked(ticket.ref, item)) forgotten += 1;
    }
  }
  const words = {
    ...(unlinkedInTracker.length > 0 && { unlinkedInTracker }),
    ...(refreshed > 0 && { wordsRefreshed: refreshed }),
    ...(forgotten > 0 && { wordsForgotten: forgotten }),
  };
  return { linked, teaching, removed, vanished, unfinished: unfinished[0], unlinkedInTracker, words };
}

/**
 * Whether the item is still there. Jira answers 404 for an issue the service may no longer see, as for a deleted
 * one; a deleted item has left the index (its deletion event), a hidden one has not. One the service may no
 * longer read is there too: either way, its link was removed by a person.
 */
async function itemStands(ref: ItemRef, context: JobContext): Promise<boolean> {
  try {
    if ((await readItem(ref, context)) !== undefined) return true;
  } catch (error) {
    if (refused(error)) return true;
    throw error;
  }
  const replica = indexReplica(context);
  await replica.sync();
  return replica.find(ref) !== undefined;
}

export type Followed = Awaited<ReturnType<typeof followLinks>>;
