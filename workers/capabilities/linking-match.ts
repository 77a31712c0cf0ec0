/** Matching a support ticket to backlog items: the confident match linked, else suggestions offered. */

import type { FieldChange, ItemRef } from '../../src/domain/events.ts';
import type { LinkEvent } from '../../src/domain/job-requests.ts';
import { splitSuggestions } from '../../src/domain/linking/index.ts';
import { ticketEvidence } from '../../src/domain/scoring/evidence.ts';
import { type Candidate, docId, holdsLinkTo, sameItem } from '../../src/linking/index.ts';
import type { LinkRecord } from '../../src/linking/link-records.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { candidatesFor, indexAsRead, LINK_COMMENT, linkTicket, resolvedStatus, roleOf } from './linking.ts';
import { namedFor, type TicketPlace } from './linking-audience.ts';
import {
  autoLinkComment,
  linkRemovedComment,
  type MatchShown,
  suggestionsComment,
} from './linking-comments.ts';
import { type Followed, followLinks, linksOf, readTicket, type TicketRead } from './linking-follow.ts';
import { indexReplica, linkingState } from './linking-index.ts';
import { readModelOf } from './read-model.ts';
import { readItem, readOrDeleted } from './scoring.ts';

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
 * Keeps the index equal to the tracker (`indexItem`). An item gone (deleted) took its Jira issue links along: each
 * ticket that no longer holds its link is settled now, not at its own next job, so its link comment stops naming
 * the item as linked (`/unlink` could not find it), and a ticket left without a link is matched again. A deleted
 * Trello card takes nothing along: the tickets' attachments (a Jira ticket's remote links) naming it stay, so they
 * are removed first, whoever made them, as Jira removes a deleted issue's links. A ticket that still holds the link
 * otherwise (the item only left the backlog, or is hidden from the service) is left alone.
 */
export async function indexItemAndTickets(ref: ItemRef, context: JobContext) {
  const tickets = await linkingState(context).records.ticketsOf(ref);
  const { item, deleted } = await readOrDeleted(ref, context);
  const result = await indexAsRead(ref, item, context);
  if (result.indexed === 'written' || result.indexed === 'unchanged') return result;
  const settled: string[] = [];
  for (const record of tickets) {
    const read = await readTicket(record.ticket, context);
    if (!read || roleOf(read.ticket, context) !== 'support') continue;
    const ticket = deleted ? await dropLinksTo(read.ticket, record.item, context) : read.ticket;
    if (holdsLinkTo(ticket, record.item)) continue;
    await settleLinks(ticket, read.recordedBefore, context);
    settled.push(ticket.ref.key);
  }
  return settled.length > 0 ? { ...result, ticketsSettled: settled } : result;
}

/** The ticket without its links to a deleted item: removed in the tracker, then from what was read of it. */
async function dropLinksTo(ticket: TrackerItem, item: ItemRef, context: JobContext): Promise<TrackerItem> {
  const naming = (link: TrackerItem['links'][number]) =>
    link.target.kind === 'item' && sameItem(link.target.ref, item);
  for (const link of ticket.links.filter(naming))
    await context.tracker(ticket.ref.tracker).removeLink(ticket.ref, link.target);
  return { ...ticket, links: ticket.links.filter((link) => !naming(link)) };
}

/** Keys of the items whose links went with them (deleted), not those a person removed. */
const deletedKeys = (followed: Followed) =>
  followed.vanished
    .filter((record) => record.made !== false)
    .map((record) => record.item.key)
    .sort();

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

/**
 * The records of links a person removed go last, with the item rejected for the ticket as by `/unlink`: until then
 * a retried job (after its comment failed) still finds them missing, and tells the ticket.
 */
async function endRemoved(ticket: TrackerItem, followed: Followed, context: JobContext) {
  if (context.dryRun) return;
  const { records } = linkingState(context);
  for (const record of followed.removed) await records.remove(ticket.ref, record.item);
}

/**
 * A new (or edited, or reopened, still unlinked) support ticket: link the confident match, else offer candidates.
 * `reopenedBy`: the status changes of an event that changed nothing else, news only when they reopened it.
 */
export async function matchTicket(ref: ItemRef, context: JobContext, reopenedBy?: readonly FieldChange[]) {
  const read = await readTicket(ref, context);
  if (!read || roleOf(read.ticket, context) !== 'support') return { skipped: 'not a support ticket' };
  if (reopenedBy && !(await reopened(read.ticket, reopenedBy, context)))
    return { skipped: 'status change: not a reopen' };
  const followed = await followLinks(read.ticket, context, read.recordedBefore);
  // An automatic link this job began is finished first, whatever else links the ticket meanwhile.
  if (followed.unfinished || followed.linked.length === 0)
    return offerMatches(read.ticket, followed, context);
  await stillLinked(read.ticket, followed, context);
  return { skipped: 'already linked', ...followed.words };
}

/**
 * Whether the ticket, open now, left a resolved status: Jira's changelog names the status left by id, and its
 * category says whether it was resolved (a ticket's workflow may well have several open and several done statuses).
 */
async function reopened(ticket: TrackerItem, changes: readonly FieldChange[], context: JobContext) {
  if (resolvedStatus(ticket) !== undefined || ticket.archived) return false;
  const tracker = context.tracker(ticket.ref.tracker);
  for (const change of changes)
    if (change.field.toLowerCase() === 'status' && change.fromId !== undefined)
      if ((await tracker.statusCategory?.(change.fromId)) === 'done') return true;
  return false;
}

/**
 * A linked ticket; if a person removed one of its links, or its item was deleted, its link comment no longer names
 * that one as linked.
 */
async function stillLinked(ticket: TrackerItem, followed: Followed, context: JobContext) {
  await readModelOf(context).ticketLinked(ticket);
  const deleted = deletedKeys(followed);
  if (followed.removed.length === 0 && deleted.length === 0) return;
  const linked = followed.linked.map((item) => item.key);
  await context
    .tracker(ticket.ref.tracker)
    .upsertComment(ticket.ref, LINK_COMMENT, linkRemovedComment(followed.unlinkedInTracker, linked, deleted));
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
    ? await unfinishedLink(ticket, followed.unfinished, candidates, context)
    : decision.autoLink && byId.get(decision.autoLink.id);
  const customer = ticketEvidence(ticket, context.rules().scoring).customerId;
  if (best) {
    await readModelOf(context).suggested(ticket, customer, [best]);
    const record = { how: 'auto' as const, confidence: best.confidence };
    await linkTicket(ticket, best.item, context, record);
    const resolvedAs = resolvedStatus(await readItem(best.item.ref, context));
    const comment = await tracker.upsertComment(
      ticket.ref,
      LINK_COMMENT,
      autoLinkComment(best, rules, resolvedAs),
    );
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
  if (resolvedStatus(ticket) !== undefined || ticket.archived)
    return leaveResolved(ticket, followed, context);
  const suggestions = decision.suggestions.flatMap((match) => byId.get(match.id) ?? []);
  const comment = await tracker.upsertComment(
    ticket.ref,
    LINK_COMMENT,
    suggestionsComment(suggestions, followed.unlinkedInTracker, deletedKeys(followed)),
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
 * A resolved ticket gets no suggestions: nobody triages it (the console's inbox leaves it out too). A confident
 * match is still linked, since it is evidence for the item's score; a link a person removed is still told.
 */
async function leaveResolved(ticket: TrackerItem, followed: Followed, context: JobContext) {
  const deleted = deletedKeys(followed);
  if (followed.removed.length === 0 && deleted.length === 0)
    return { skipped: 'resolved ticket: no suggestions', ...followed.words };
  const comment = await context
    .tracker(ticket.ref.tracker)
    .upsertComment(ticket.ref, LINK_COMMENT, linkRemovedComment(followed.unlinkedInTracker, [], deleted));
  await endRemoved(ticket, followed, context);
  return { skipped: 'resolved ticket: no suggestions', comment: comment.action, ...followed.words };
}

/**
 * The automatic link a failed attempt of this job began, to finish (link back, comment): as ranked now when it
 * still is a candidate (the comment says why), else as recorded; a retry never guesses a second item.
 */
async function unfinishedLink(
  ticket: TicketPlace,
  record: LinkRecord,
  candidates: readonly Candidate[],
  context: JobContext,
): Promise<MatchShown | undefined> {
  const ranked = candidates.find((candidate) => sameItem(candidate.item.ref, record.item));
  if (ranked) return ranked;
  const item = indexReplica(context).find(record.item);
  return (
    item && {
      item: await namedFor(ticket, item, context),
      confidence: record.confidence ?? 0,
      sharedTerms: [],
    }
  );
}
