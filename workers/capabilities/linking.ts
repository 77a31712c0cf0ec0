import type { ItemRef } from '../../src/domain/events.ts';
import type { LinkEvent } from '../../src/domain/job-requests.ts';
import { type LinkingRules, splitSuggestions } from '../../src/domain/linking/index.ts';
import { ticketEvidence } from '../../src/domain/scoring/evidence.ts';
import { isRetryable, TrackerError } from '../../src/errors.ts';
import {
  type Candidate,
  docId,
  type IndexReplica,
  type ItemSummary,
  toIndexedItem,
  toIndexedLink,
} from '../../src/linking/index.ts';
import type { LinkRecord } from '../../src/linking/link-records.ts';
import { classifyContainer, type ItemRole } from '../../src/rules/scope-rules.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import {
  autoLinkComment,
  customerNotice,
  linkRemovedComment,
  type MatchShown,
  resolvedNotice,
  suggestionsComment,
} from './linking-comments.ts';
import { indexReplica, linkingState } from './linking-index.ts';
import { readModelOf } from './read-model.ts';
import { applyScore, isBacklog, readItem } from './scoring.ts';

/** The one linking comment a ticket gets: a link's explanation, or the suggestions, edited as things change. */
export const LINK_COMMENT = 'link';

export function roleOf(item: TrackerItem, context: JobContext): ItemRole {
  return classifyContainer(item.ref.tracker, item.container, context.rules().scope);
}

export function summaryOfItem(item: TrackerItem): ItemSummary {
  return { ref: item.ref, title: item.title, url: item.url };
}

/** Keys survive where ids do not: a Trello attachment names a Jira issue by key, a card by shortLink. */
export function sameItem(a: ItemRef, b: ItemRef): boolean {
  return a.tracker === b.tracker && (a.id === b.id || a.key === b.key);
}

/**
 * Keeps the index equal to what the tracker says now: backlog items in, everything else (and the deleted) out,
 * with the customers' words that no longer stand for a link (`forgetWordsOf`).
 */
export async function indexItem(ref: ItemRef, context: JobContext) {
  const { index } = linkingState(context);
  const item = await readItem(ref, context);
  const role = item && roleOf(item, context);
  const words = await forgetWordsOf(ref, role, context);
  if (item && role === 'backlog') {
    return { indexed: (await index.put(toIndexedItem(item))) ? 'written' : 'unchanged', ...words };
  }
  await readModelOf(context).removed(ref);
  return { indexed: (await index.delete(ref)) ? 'removed' : 'absent', ...words };
}

/**
 * Customers' words are kept only while they stand for a link: a deleted issue takes along those it taught and
 * those it was taught, and a ticket moved out of support (now backlog, or out of scope) those it taught.
 */
export async function forgetWordsOf(ref: ItemRef, role: ItemRole | undefined, context: JobContext) {
  if (role === 'support' || context.dryRun) return {};
  const { index } = linkingState(context);
  const replica = indexReplica(context);
  await replica.sync();
  let forgotten = 0;
  for (const item of replica.wordsOf(ref)) if (await index.deleteLinked(ref, item)) forgotten += 1;
  if (role === undefined) {
    for (const ticket of replica.teachersOf(ref)) if (await index.deleteLinked(ticket, ref)) forgotten += 1;
  }
  return forgotten > 0 ? { wordsForgotten: forgotten } : {};
}

/**
 * A link a person made or removed in Jira: the support ticket at either end (Jira names the link's source and
 * destination, not which is the ticket) has its words follow its links as they are now.
 */
export async function learnLink(event: LinkEvent, context: JobContext) {
  const ends = await Promise.all([readTicket(event.item, context), readTicket(event.target, context)]);
  const tickets = ends.filter(
    (end): end is TicketRead => end !== undefined && roleOf(end.ticket, context) === 'support',
  );
  if (tickets.length === 0) return { skipped: 'no support ticket at either end' };
  const results: Record<string, Record<string, unknown>> = {};
  for (const { ticket, recordedBefore } of tickets)
    results[ticket.ref.key] = (await settleLinks(ticket, recordedBefore, context)).result;
  return results;
}

/**
 * Follows the ticket's links, outside its own linking job (a link event, a backfill): the console learns that a
 * linked ticket is linked; a link a person removed is told in the ticket's comment; and a ticket that lost its
 * last link (removed, or its item deleted) is offered matches again. Tickets whose links did not change are left
 * as they are: a backfill must not comment on every ticket of a support project.
 */
export async function settleLinks(
  ticket: TrackerItem,
  recordedBefore: readonly LinkRecord[],
  context: JobContext,
): Promise<{ result: Record<string, unknown>; teaching: number }> {
  const followed = await followLinks(ticket, context, recordedBefore);
  const linkedTo = followed.linked.map((item) => item.key);
  const teaching = followed.teaching.length;
  const lost = followed.removed.length + followed.vanished.length > 0;
  if (followed.unfinished || (lost && followed.linked.length === 0))
    return { result: await offerMatches(ticket, followed, context), teaching };
  if (followed.linked.length > 0) await stillLinked(ticket, followed, context);
  return { result: { linkedTo, ...followed.words }, teaching };
}

/**
 * A support ticket as a listing shows it (a backfill). A listing may differ from the ticket: a Jira search returns
 * no remote links, and may lag behind the issue (a link removed still shown, a new one not yet). Only when it shows
 * exactly the links to indexed items the service knows of is it taken as it is (those records were read after
 * the listing, but none of them is missing from it, so none is taken for removed); else the ticket is read again,
 * as its own job reads it.
 */
export async function settleListed(listed: TrackerItem, context: JobContext) {
  const recorded = await linkingState(context).records.itemsOf(listed.ref);
  const { inTracker } = await linksOf(listed, context);
  const agrees =
    recorded.every((record) => holdsLinkTo(listed, record.item)) &&
    inTracker.every((ref) => recorded.some((record) => sameItem(record.item, ref)));
  if (agrees) return settleLinks(listed, recorded, context);
  const read = await readTicket(listed.ref, context);
  return read ? settleLinks(read.ticket, read.recordedBefore, context) : { result: {}, teaching: 0 };
}

/** Reach is counted from the item's links by scoring; a link the service makes raises no event it would see. */
async function rescore(ref: ItemRef, context: JobContext): Promise<void> {
  const item = await readItem(ref, context);
  if (item && isBacklog(item, context)) await applyScore(item, context);
}

/**
 * Links a ticket to a backlog item. The ticket always holds the link (Jira issue link, remote link, or a
 * Trello attachment); across trackers, and between Trello cards, the item gets one back, so the item shows
 * its tickets and scoring counts them.
 */
export async function linkTicket(
  ticket: TrackerItem,
  item: ItemSummary,
  context: JobContext,
  record: Pick<LinkRecord, 'how' | 'confidence'>,
): Promise<boolean> {
  const { linkType } = context.rules().linking;
  const { records, index } = linkingState(context);
  // A dry run only plans the link; remembering it would send real notices (and teach the index) once it is off.
  // An automatic link is recorded before the tracker holds it and names this job until `offerMatches` has written
  // its comment: if anything fails before, the job's retry finishes it instead of guessing again or taking it for a
  // person's. Other links are recorded once the ticket holds them.
  const write = (made: boolean) =>
    context.dryRun
      ? Promise.resolve()
      : records.add({
          ticket: ticket.ref,
          item: item.ref,
          ...record,
          at: context.now().toISOString(),
          ...(record.how === 'auto' && { job: context.jobId, made }),
        });
  if (record.how === 'auto') await write(false);
  const added = await context
    .tracker(ticket.ref.tracker)
    .addLink(ticket.ref, { kind: 'item', ref: item.ref, url: item.url, title: item.title }, linkType);
  await write(true);
  // A board the service may only read refuses the link back: the ticket holds the link all the same, and the
  // record tells the item's resolution.
  if (ticket.ref.tracker !== 'jira' || item.ref.tracker !== 'jira')
    await unlessRefused(
      context,
      {
        message: 'Could not add the link back on the item: the ticket is linked all the same',
        fields: { item: item.ref.key, ticket: ticket.ref.key },
      },
      () =>
        context
          .tracker(item.ref.tracker)
          .addLink(
            item.ref,
            { kind: 'item', ref: ticket.ref, url: ticket.url, title: ticket.title },
            linkType,
          ),
    );
  // Only links a person made or confirmed teach: the service's own guesses would feed on themselves.
  if (!context.dryRun && record.how !== 'auto') await index.putLinked(toIndexedLink(ticket, item.ref));
  await readModelOf(context).ticketLinked(ticket, item.ref);
  await rescore(item.ref, context);
  return added;
}

/** `/unlink`: every step can run again, and the record goes last, so a retried command still finds the link. */
export async function unlinkTicket(ticket: TrackerItem, item: ItemSummary, context: JobContext) {
  const { records } = linkingState(context);
  const recorded = await records.itemsOf(ticket.ref);
  const record = recorded.find((known) => sameItem(known.item, item.ref));
  let removed = false;
  // The ticket's link may name the item by the key it had when linked, before a move.
  for (const ref of namesOf(item.ref, record?.item))
    removed =
      (await context
        .tracker(ticket.ref.tracker)
        .removeLink(ticket.ref, { kind: 'item', ref, url: item.url, title: item.title })) || removed;
  const stillLinked = recorded.some((known) => !sameItem(known.item, item.ref));
  const removedBack = await forgetLink(ticket, item.ref, { linkedAs: record?.ticket, stillLinked }, context);
  const forgotten = !context.dryRun && (await records.remove(ticket.ref, item.ref));
  return removed || forgotten || removedBack;
}

/**
 * What a link meant besides the ticket's own link and the service's record of it: the item's link back (across
 * trackers and between cards; also one naming the ticket by the key it had when linked, before a move), the words
 * it taught, the console's inbox and the item's score. Every step can run again (a retried job).
 */
async function forgetLink(
  ticket: TrackerItem,
  item: ItemRef,
  { linkedAs, stillLinked }: { linkedAs: ItemRef | undefined; stillLinked: boolean },
  context: JobContext,
): Promise<boolean> {
  let removedBack = false;
  // A deleted item took its link back along; one the service may no longer change must not fail every job of the
  // ticket. Either way the rest is forgotten.
  if (ticket.ref.tracker !== 'jira' || item.tracker !== 'jira')
    for (const ref of namesOf(ticket.ref, linkedAs)) {
      const target = { kind: 'item' as const, ref, url: ticket.url, title: ticket.title };
      const removed = await unlessRefused(
        context,
        {
          message:
            "Could not remove the item's link back to the ticket: it no longer tells the ticket all the same",
          fields: { item: item.key, ticket: ticket.ref.key },
        },
        () => context.tracker(item.tracker).removeLink(item, target),
      );
      removedBack = removed === true || removedBack;
    }
  if (!context.dryRun) await linkingState(context).index.deleteLinked(ticket.ref, item);
  await readModelOf(context).ticketUnlinked(ticket, item, stillLinked);
  await unlessRefused(
    context,
    { message: 'Could not re-score the item: the service may not read it', fields: { item: item.key } },
    () => rescore(item, context),
  );
  return removedBack;
}

/** A tracker's lasting no (the item deleted, or out of the service's rights): retrying would not change it. */
function refused(error: unknown): error is TrackerError {
  return error instanceof TrackerError && !isRetryable(error.kind);
}

/** A step on an item that a lasting refusal must not fail: the refusal is logged, the job goes on. */
async function unlessRefused<T>(
  context: JobContext,
  warning: { message: string; fields: Record<string, unknown> },
  step: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    if (!refused(error)) throw error;
    context.log.warn(
      { ...warning.fields, kind: error.kind, err: { message: error.message } },
      warning.message,
    );
    return undefined;
  }
}

/** An item's refs to try: as it is now, and as it was recorded when linked (a move changes its key). */
const namesOf = (now: ItemRef, then: ItemRef | undefined): ItemRef[] =>
  then && then.key !== now.key ? [now, then] : [now];

/** A ticket as its tracker shows it now, with the links the service had recorded for it before that read. */
interface TicketRead {
  ticket: TrackerItem;
  recordedBefore: readonly LinkRecord[];
}

/**
 * Records first: the service makes a link in the tracker before it records it, so a link recorded before the read
 * is one the read must show, unless someone removed it since (see `missingInTracker`).
 */
async function readTicket(ref: ItemRef, context: JobContext): Promise<TicketRead | undefined> {
  const recordedBefore = await linkingState(context).records.itemsOf(ref);
  const ticket = await readItem(ref, context);
  return ticket && { ticket, recordedBefore };
}

/** The same record, not only the same item: a link made again is a record of another moment. */
const sameRecord = (a: LinkRecord, b: LinkRecord) => sameItem(a.item, b.item) && a.at === b.at;

/** Whether the ticket holds a link to the item in its tracker (a Jira issue or remote link, a Trello attachment). */
const holdsLinkTo = (ticket: TrackerItem, item: ItemRef) =>
  ticket.links.some((link) => link.target.kind === 'item' && sameItem(link.target.ref, item));

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
async function linksOf(ticket: TrackerItem, context: JobContext) {
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

export function candidatesFor(
  ticket: TrackerItem,
  rules: LinkingRules,
  context: JobContext,
  timeAware = true,
) {
  return indexReplica(context).query(
    { title: ticket.title, description: ticket.description },
    {
      createdBefore: timeAware ? ticket.createdAt : undefined,
      excludeId: docId(ticket.ref),
      limit: Math.max(rules.suggestionCount + 1, 5),
    },
  );
}

/**
 * Whenever a ticket's job runs (or a backfill reads it), the service's view of its links becomes what the tracker
 * shows: a link a person made there is recorded (`how: 'tracker'`); one the ticket no longer holds, of the records
 * read before the ticket (`readTicket`), is forgotten: as a person's unlink (`removed`, whose records the caller
 * ends with `endRemoved` once the ticket was told), or quietly when its item was deleted (`vanished`). The
 * ticket's words stand for exactly the items it is linked to now: an edit teaches what it says now, and a link
 * recorded before its words were stored (a crash between the two writes) gets them.
 */
async function followLinks(ticket: TrackerItem, context: JobContext, recordedBefore: readonly LinkRecord[]) {
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
  if (!context.dryRun) {
    const at = context.now().toISOString();
    for (const item of inTracker)
      if (!recorded.some((record) => sameItem(record.item, item)))
        await records.add({ ticket: ticket.ref, item, how: 'tracker', at });
  }
  for (const record of missing)
    await forgetLink(
      ticket,
      record.item,
      { linkedAs: record.ticket, stillLinked: linked.length > 0 },
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

type Followed = Awaited<ReturnType<typeof followLinks>>;

/**
 * The records of links a person removed go last, with the item rejected for the ticket as by `/unlink`: until then
 * a retried job (after its comment failed) still finds them missing, and tells the ticket.
 */
async function endRemoved(ticket: TrackerItem, followed: Followed, context: JobContext) {
  if (context.dryRun) return;
  const { records } = linkingState(context);
  for (const record of followed.removed) await records.remove(ticket.ref, record.item);
}

/** A new (or edited, still unlinked) support ticket: link the confident match, else offer candidates. */
export async function matchTicket(ref: ItemRef, context: JobContext) {
  const read = await readTicket(ref, context);
  if (!read || roleOf(read.ticket, context) !== 'support') return { skipped: 'not a support ticket' };
  const followed = await followLinks(read.ticket, context, read.recordedBefore);
  // An automatic link this job began is finished first, whatever else links the ticket meanwhile.
  if (followed.unfinished || followed.linked.length === 0)
    return offerMatches(read.ticket, followed, context);
  await stillLinked(read.ticket, followed, context);
  return { skipped: 'already linked', ...followed.words };
}

/** A linked ticket; if a person removed one of its links, its link comment no longer names that one as linked. */
async function stillLinked(ticket: TrackerItem, followed: Followed, context: JobContext) {
  await readModelOf(context).ticketLinked(ticket);
  if (followed.removed.length === 0) return;
  const linked = followed.linked.map((item) => item.key);
  await context
    .tracker(ticket.ref.tracker)
    .upsertComment(ticket.ref, LINK_COMMENT, linkRemovedComment(followed.unlinkedInTracker, linked));
  await endRemoved(ticket, followed, context);
}

/**
 * Links the confident match, else offers candidates; never an item a person unlinked from the ticket, and only
 * suggestions once a person has unlinked any: the service does not overrule them with its next guess.
 */
async function offerMatches(ticket: TrackerItem, followed: Followed, context: JobContext) {
  const rules = context.rules().linking;
  const rejected = await linkingState(context).records.rejectedFor(ticket.ref);
  for (const record of followed.removed) rejected.add(docId(record.item));
  const candidates = (await candidatesFor(ticket, rules, context)).filter((c) => !rejected.has(c.id));
  const byId = new Map<string, Candidate>(candidates.map((candidate) => [candidate.id, candidate]));
  const decision = splitSuggestions(candidates, rules, { autoLink: rejected.size === 0 });
  const tracker = context.tracker(ticket.ref.tracker);
  const best = followed.unfinished
    ? unfinishedLink(followed.unfinished, candidates, context)
    : decision.autoLink && byId.get(decision.autoLink.id);
  const customer = ticketEvidence(ticket, context.rules().scoring).customerId;
  if (best) {
    await readModelOf(context).suggested(ticket, customer, [best]);
    const record = { how: 'auto' as const, confidence: best.confidence };
    await linkTicket(ticket, best.item, context, record);
    const comment = await tracker.upsertComment(ticket.ref, LINK_COMMENT, autoLinkComment(best, rules));
    await endRemoved(ticket, followed, context);
    if (!context.dryRun)
      await linkingState(context).records.add({
        ticket: ticket.ref,
        item: best.item.ref,
        ...record,
        at: context.now().toISOString(),
      });
    return { linked: best.item.ref.key, confidence: best.confidence, comment: comment.action };
  }
  const suggestions = decision.suggestions.flatMap((match) => byId.get(match.id) ?? []);
  const comment = await tracker.upsertComment(
    ticket.ref,
    LINK_COMMENT,
    suggestionsComment(suggestions, followed.unlinkedInTracker),
  );
  await endRemoved(ticket, followed, context);
  await readModelOf(context).suggested(ticket, customer, suggestions);
  return {
    suggested: suggestions.map((candidate) => candidate.item.ref.key),
    comment: comment.action,
    ...followed.words,
  };
}

/**
 * The automatic link a failed attempt of this job began, to finish (link back, comment): as ranked now when it
 * still is a candidate (the comment says why), else as recorded; a retry never guesses a second item.
 */
function unfinishedLink(
  record: LinkRecord,
  candidates: readonly Candidate[],
  context: JobContext,
): MatchShown | undefined {
  const ranked = candidates.find((candidate) => sameItem(candidate.item.ref, record.item));
  if (ranked) return ranked;
  const item = indexReplica(context).find(record.item);
  return item && { item, confidence: record.confidence ?? 0, sharedTerms: [] };
}

/**
 * The tickets linked to the item: recorded, or named by the item's links, except a ticket a person unlinked from
 * it whose link back the service could not remove (a board it may only read).
 */
async function supportTicketsOf(item: TrackerItem, context: JobContext): Promise<ItemRef[]> {
  const { records } = linkingState(context);
  const tickets = (await records.ticketsOf(item.ref)).map((record) => record.ticket);
  for (const link of item.links) {
    if (link.target.kind !== 'item') continue;
    const { ref } = link.target;
    if (tickets.some((known) => sameItem(known, ref))) continue;
    const other = await readItem(ref, context);
    if (!other || roleOf(other, context) !== 'support') continue;
    const unlinked = (await records.rejectedFor(other.ref)).has(docId(item.ref));
    if (!unlinked || holdsLinkTo(other, item.ref)) tickets.push(other.ref);
  }
  return tickets;
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
    await resolutions.reopened(item.ref);
    return { skipped: `status ${item.status.name}` };
  }
  const resolution = await resolutions.resolved(item.ref);
  const notice = resolvedNotice(summaryOfItem(item), item.status.name, resolution);
  const notified: string[] = [];
  const customersToo = context.rules().linking.notifyCustomers;
  const customersTold: string[] = [];
  for (const ticket of await supportTicketsOf(item, context)) {
    try {
      const tracker = context.tracker(ticket.tracker);
      const outcome = await tracker.upsertComment(
        ticket,
        `resolution ${resolution} of ${item.ref.key}`,
        notice,
      );
      if (outcome.action === 'created') notified.push(ticket.key);
      // Only Service Management tickets have customers who could read a public comment.
      if (customersToo && (await readItem(ticket, context))?.container.projectType === 'service_desk') {
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
