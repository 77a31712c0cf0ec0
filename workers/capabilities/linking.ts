/**
 * Making and removing a link between a support ticket and a backlog item, and keeping the link index equal to the
 * tracker. Following a ticket's links as people change them is `linking-follow.ts`; matching a ticket to items,
 * `linking-match.ts`; telling linked tickets of a resolution, `linking-resolution.ts`.
 */
import { docToPlainText } from '../../src/domain/doc.ts';
import type { ItemRef } from '../../src/domain/events.ts';
import type { LinkingRules } from '../../src/domain/linking/index.ts';
import { isRetryable, TrackerError } from '../../src/errors.ts';
import {
  docId,
  holdsLinkTo,
  type ItemSummary,
  sameItem,
  summaryOf,
  toIndexedItem,
  toIndexedLink,
} from '../../src/linking/index.ts';
import type { LinkRecord } from '../../src/linking/link-records.ts';
import { itemRole } from '../../src/rules/item-role.ts';
import type { ItemRole } from '../../src/rules/scope-rules.ts';
import type { LinkTarget, TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { candidatesNamedFor, namedFor } from './linking-audience.ts';
import { type EarlierNames, unnamedIn } from './linking-comments.ts';
import { indexReplica, linkingState } from './linking-index.ts';
import { readModelOf } from './read-model.ts';
import { applyScore, isBacklog, readItem } from './scoring.ts';

/** The one linking comment a ticket gets: a link's explanation, or the suggestions, edited as things change. */
export const LINK_COMMENT = 'link';

export function roleOf(item: TrackerItem, context: JobContext): ItemRole {
  return itemRole(item, context.rules());
}

/** The item's status name when it is resolved already (a link made now will hear of no resolution). */
export const resolvedStatus = (item: TrackerItem | undefined) =>
  item?.status.category === 'done' ? item.status.name : undefined;

export const summaryOfItem = (item: TrackerItem): ItemSummary => summaryOf(item);

/**
 * Keeps the index equal to what the tracker says now: backlog items in, everything else (and the deleted) out,
 * with the customers' words that no longer stand for a link (`forgetWordsOf`); only open support tickets wait in
 * the console's triage.
 */
export async function indexItem(ref: ItemRef, context: JobContext) {
  return indexAsRead(ref, await readItem(ref, context), context);
}

/** `indexItem` of an item its caller has just read (undefined: gone). */
export async function indexAsRead(ref: ItemRef, item: TrackerItem | undefined, context: JobContext) {
  const { index } = linkingState(context);
  const role = item && roleOf(item, context);
  const words = await forgetWordsOf(ref, role, context);
  await readModelOf(context).ticketOpen(ref, role === 'support' && item?.status.category !== 'done');
  if (item && role === 'backlog') {
    await followIndexedChanges(item, context);
    const indexed = (await index.put(toIndexedItem(item))) ? 'written' : 'unchanged';
    await followItemKey(item, context);
    return { indexed, ...words };
  }
  await readModelOf(context).removed(ref);
  if (!item) await forgetDeletedTicket(ref, context);
  await readModelOf(context).itemGone(ref);
  return { indexed: (await index.delete(ref)) ? 'removed' : 'absent', ...words };
}

/**
 * A deleted ticket no longer counts for the items it was linked to: Jira deletes an issue's own links, but a Trello
 * card's link back stays and hears nothing. Each item is scored again before its record goes quietly (nobody
 * unlinked anything), so a retried job still finds the items to score.
 */
async function forgetDeletedTicket(ref: ItemRef, context: JobContext) {
  if (context.dryRun) return;
  const { records } = linkingState(context);
  for (const record of await records.itemsOf(ref)) {
    await rescoreIfReadable(record.item, context);
    await records.forget(ref, record.item);
  }
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

/** Reach is counted from the item's links by scoring; a link the service makes raises no event it would see. */
async function rescore(ref: ItemRef, context: JobContext): Promise<void> {
  const item = await readItem(ref, context);
  if (item && isBacklog(item, context)) await applyScore(item, context);
}

/** A re-score after a link went: an item the service may no longer read must not fail the ticket's job. */
const rescoreIfReadable = (item: ItemRef, context: JobContext) =>
  unlessRefused(
    context,
    { message: 'Could not re-score the item: the service may not read it', fields: { item: item.key } },
    () => rescore(item, context),
  );

/**
 * Links a ticket to a backlog item, `item` as `namedFor` names it on the ticket. The ticket always holds the link
 * (Jira issue link, remote link, or a Trello attachment); across trackers, and between Trello cards, the item gets
 * one back, so the item shows its tickets and scoring counts them.
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
  const added = await context.tracker(ticket.ref.tracker).addLink(ticket.ref, linkTo(item), linkType);
  await write(true);
  await linkBack(ticket, item.ref, context);
  // Only links a person made or confirmed teach: the service's own guesses would feed on themselves.
  if (!context.dryRun && record.how !== 'auto') await index.putLinked(toIndexedLink(ticket, item.ref));
  await readModelOf(context).ticketLinked(ticket, item.ref);
  await rescore(item.ref, context);
  return added;
}

/**
 * The ticket's link to the item, named as `namedFor` names the item on the ticket: every reader of the ticket reads
 * a link's title (a Trello attachment's name), so a restricted item's link carries its key only, as the comments do.
 */
const linkTo = (item: ItemSummary): LinkTarget => ({
  kind: 'item',
  ref: item.ref,
  url: item.url,
  title: item.restricted ? item.ref.key : item.title,
});

/**
 * The item's link back to the ticket, across trackers and between Trello cards (Jira shows an issue link at both
 * ends): the item shows its tickets and scoring counts them. A board the service may only read refuses it: the
 * ticket holds the link all the same, and the record tells the item's resolution.
 */
async function linkBack(ticket: TrackerItem, item: ItemRef, context: JobContext) {
  if (ticket.ref.tracker === 'jira' && item.tracker === 'jira') return;
  await unlessRefused(context, linkBackRefused(ticket, item), () =>
    context
      .tracker(item.tracker)
      .addLink(
        item,
        { kind: 'item', ref: ticket.ref, url: ticket.url, title: ticket.ref.key },
        context.rules().linking.linkType,
      ),
  );
}

/**
 * Re-points the links `holder` has to `moved` under the key it had before a Jira move (SUP-12 → HELP-3): Jira
 * redirects the old address, but the link still shows it. The link to the new address comes first (the holder is
 * never without one), then the old one goes.
 */
async function repointLinks(
  holder: ItemRef,
  oldKey: string,
  moved: TrackerItem,
  link: (holder: ItemRef) => Promise<unknown>,
  context: JobContext,
) {
  const read = await readItem(holder, context);
  const stale = (read?.links ?? []).filter(
    ({ target }) =>
      target.kind === 'item' && target.ref.tracker === moved.ref.tracker && target.ref.key === oldKey,
  );
  if (!read || stale.length === 0) return;
  await link(read.ref);
  for (const { target } of stale)
    await context
      .tracker(read.ref.tracker)
      .removeLink(read.ref, { kind: 'url', url: target.url, title: moved.title });
}

/**
 * A Jira ticket moved to another project since it was linked: the item's link back names its new key, and the
 * record takes it last (the console finds how a ticket was linked by its key), so a retried job still finds the
 * move to follow.
 */
export async function followTicketKey(ticket: TrackerItem, record: LinkRecord, context: JobContext) {
  const { linkType } = context.rules().linking;
  await unlessRefused(context, linkBackRefused(ticket, record.item), () =>
    repointLinks(
      record.item,
      record.ticket.key,
      ticket,
      (item) =>
        ticket.ref.tracker === 'jira' && item.tracker === 'jira'
          ? context.tracker('jira').addLink(item, webLinkTo(ticket), linkType)
          : linkBack(ticket, item, context),
      context,
    ),
  );
  if (!context.dryRun) await linkingState(context).records.add({ ...record, ticket: ticket.ref });
}

/**
 * A backlog item moved to another Jira project: the links the service made on its tickets name its new key, and
 * the records take it last. A person's own link (recorded as `tracker`) is theirs to keep as it is; so is a Jira
 * issue link, which follows the move by itself.
 */
async function followItemKey(item: TrackerItem, context: JobContext) {
  const { records } = linkingState(context);
  const { linkType } = context.rules().linking;
  for (const record of await records.ticketsOf(item.ref)) {
    if (record.item.key === item.ref.key) continue;
    if (record.how !== 'tracker' && record.ticket.tracker !== 'jira')
      await unlessRefused(
        context,
        {
          message: "Could not point the ticket's link at the moved item: it is linked all the same",
          fields: { item: item.ref.key, ticket: record.ticket.key },
        },
        () =>
          repointLinks(
            record.ticket,
            record.item.key,
            item,
            async (ticket) =>
              context
                .tracker(ticket.tracker)
                .addLink(
                  ticket,
                  linkTo(await namedFor({ ref: ticket }, summaryOfItem(item), context)),
                  linkType,
                ),
            context,
          ),
      );
    await renameInLinkComment(record.ticket, record.item.key, item, context);
    if (!context.dryRun) await records.add({ ...record, item: item.ref });
  }
}

/**
 * What the service's comments on tickets follow of a backlog item since it was indexed, before the index takes it,
 * so a retried job still sees the change: a move to another Jira project (`followSuggestedKey`), a security level
 * set, or a move into a project a ticket's readers may not browse (`namedFor`): `unnameRestricted`.
 */
async function followIndexedChanges(item: TrackerItem, context: JobContext) {
  const replica = indexReplica(context);
  await replica.sync();
  const known = replica.find(item.ref);
  if (!known) return;
  const moved = known.ref.key !== item.ref.key;
  if (moved) await followSuggestedKey(item, known.ref.key, context);
  if (item.restricted && !known.restricted) await unnameRestricted(item, known, context, async () => true);
  else if (moved)
    await unnameRestricted(
      item,
      known,
      context,
      async (ticket) => (await namedFor({ ref: ticket }, summaryOfItem(item), context)).restricted === true,
    );
}

/**
 * A backlog item moved to another Jira project: the suggestions waiting in the console's inbox, and the service's
 * comments offering it (`/link APP-1`), name its new key now, not at each ticket's next match.
 */
async function followSuggestedKey(item: TrackerItem, oldKey: string, context: JobContext) {
  for (const ticket of await readModelOf(context).itemRenamed(summaryOfItem(item)))
    await renameInLinkComment(ticket, oldKey, item, context);
}

/**
 * A backlog item put behind a Jira issue security level, or moved into a project the readers of some of its tickets
 * may not browse (`restrictedFor` says which): the service's comments written before on those tickets name it by key
 * only now, as they would be written now, not only those written from now on: the comment of every ticket it was
 * offered to or is linked to, and a linked ticket's resolution and reopen notices and attachment. The tracker keeps
 * each comment's restriction. A level removed, or a move back, brings no title back.
 */
async function unnameRestricted(
  item: TrackerItem,
  known: ItemSummary,
  context: JobContext,
  restrictedFor: (ticket: ItemRef) => Promise<boolean>,
) {
  const names = {
    keys: [...new Set([known.ref.key, item.ref.key])],
    titles: [...new Set([known.title, item.title])],
  };
  const { records, resolutions } = linkingState(context);
  const offered = await readModelOf(context).itemRenamed(summaryOfItem(item));
  const linked = (await records.ticketsOf(item.ref)).map((record) => record.ticket);
  const resolved = await resolutions.count(item.ref);
  const notices = names.keys.flatMap((key) =>
    Array.from({ length: resolved }, (_, n) => [
      `resolution ${n + 1} of ${key}`,
      `reopen ${n + 1} of ${key}`,
    ]).flat(),
  );
  for (const ticket of offered.filter((ref) => !linked.some((other) => sameItem(other, ref))))
    if (await restrictedFor(ticket)) await unnameInOwnComment(ticket, LINK_COMMENT, names, context);
  for (const ticket of linked) {
    if (!(await restrictedFor(ticket))) continue;
    for (const purpose of [LINK_COMMENT, ...notices])
      await unnameInOwnComment(ticket, purpose, names, context);
    await unnameInAttachments(ticket, summaryOfItem(item), names, context);
  }
}

/**
 * A Trello ticket's attachments to the item that carry its title (the service's link made before, or one a person
 * named so) are named by key only, as `linkTo` names a restricted item's link: every member of the board reads an
 * attachment's name. Trello's API cannot rename an attachment, so each goes and the link comes back named by key;
 * a retried job that finds the ticket, linked by the records, with no attachment to the item puts the link back,
 * as the try before it could fail between the two writes. A Jira ticket's issue link shows the item as each reader
 * may see it.
 */
const unnameInAttachments = (ticket: ItemRef, item: ItemSummary, names: EarlierNames, context: JobContext) =>
  unlessRefused(
    context,
    {
      message: "Could not name the restricted item by key alone in the ticket's attachment",
      fields: { item: item.ref.key, ticket: ticket.key },
    },
    async () => {
      if (ticket.tracker !== 'trello') return;
      const read = await readItem(ticket, context);
      const titled = (read?.links ?? []).filter(
        ({ target }) =>
          target.kind === 'item' &&
          target.ref.tracker === item.ref.tracker &&
          names.keys.includes(target.ref.key) &&
          target.title !== '' &&
          names.titles.some((title) => target.title.includes(title) || title.startsWith(target.title)),
      );
      const linksItem = (read?.links ?? []).some(
        ({ target }) => target.kind === 'item' && sameItem(target.ref, item.ref),
      );
      if (!read || (titled.length === 0 && linksItem)) return;
      const tracker = context.tracker(read.ref.tracker);
      for (const { id, target } of titled) await tracker.removeLink(read.ref, target, id);
      await tracker.addLink(
        read.ref,
        linkTo({ ...item, restricted: true }),
        context.rules().linking.linkType,
      );
    },
  );

/**
 * Rewrites the service's own comment for a purpose, if any names the item (`unnamedIn`), through the write undo
 * takes back; only that comment, so a person quoting the title keeps their words.
 */
const unnameInOwnComment = (ticket: ItemRef, purpose: string, names: EarlierNames, context: JobContext) =>
  unlessRefused(
    context,
    {
      message: "Could not name the restricted item by key alone in the ticket's comment",
      fields: { item: names.keys.at(-1), ticket: ticket.key, purpose },
    },
    async () => {
      const tracker = context.tracker(ticket.tracker);
      const own = await tracker.getOwnComment(ticket, purpose);
      const unnamed = own && unnamedIn(own.doc, names);
      if (own && unnamed && docToPlainText(unnamed) !== docToPlainText(own.doc))
        // Its audience kept: Jira makes an edited comment internal unless told it is public.
        await tracker.upsertComment(ticket, purpose, unnamed, {
          ...(own.audience !== undefined && { audience: own.audience }),
        });
    },
  );

/**
 * The service's linking comment on a ticket names a moved item by its new key (text and address), as a person
 * quoting it or a notice repeating it should. Only the service's own comment, and only what names the old key: a
 * comment already renamed (a retried job, the move told twice) is not edited again.
 */
const renameInLinkComment = (ticket: ItemRef, oldKey: string, item: TrackerItem, context: JobContext) =>
  unlessRefused(
    context,
    {
      message: "Could not name the moved item by its new key in the ticket's comment",
      fields: { item: item.ref.key, ticket: ticket.key },
    },
    () => context.tracker(ticket.tracker).renameInOwnComment(ticket, LINK_COMMENT, oldKey, item.ref.key),
  );

const linkBackRefused = (ticket: TrackerItem, item: ItemRef) => ({
  message: 'Could not add the link back on the item: the ticket is linked all the same',
  fields: { item: item.key, ticket: ticket.ref.key },
});

/**
 * A link a person made in the tracker, newly recorded: it counts like the service's own, so the item gets its link
 * back (a Jira web link pasted with a card's URL, a Trello attachment naming an issue or a card) and is re-scored.
 * A Jira web link to an issue of the site shows at the ticket only (an issue link shows at both ends): the issue
 * gets a web link back to the ticket, so its score counts the ticket.
 */
export async function adoptTrackerLink(ticket: TrackerItem, item: ItemRef, context: JobContext) {
  if (ticket.ref.tracker === 'jira' && item.tracker === 'jira')
    await unlessRefused(context, linkBackRefused(ticket, item), async () => {
      const read = await readItem(item, context);
      if (read && !holdsLinkTo(read, ticket.ref))
        await context.tracker('jira').addLink(read.ref, webLinkTo(ticket), context.rules().linking.linkType);
    });
  else await linkBack(ticket, item, context);
  await rescoreIfReadable(item, context);
}

/**
 * A Jira issue's web link back to a Jira ticket, for a person's web link from the ticket to the issue. Like every
 * link back, it names the ticket by key: everyone who may browse the item reads a link's title, and the ticket may
 * be for its agents only (a Service Management request, a security level, a private board).
 */
const webLinkTo = (ticket: TrackerItem): LinkTarget => ({
  kind: 'url',
  url: ticket.url,
  title: ticket.ref.key,
});

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
export async function forgetLink(
  ticket: TrackerItem,
  item: ItemRef,
  {
    linkedAs,
    stillLinked,
    itemDeleted = false,
  }: { linkedAs: ItemRef | undefined; stillLinked: boolean; itemDeleted?: boolean },
  context: JobContext,
): Promise<boolean> {
  let removedBack = false;
  // A deleted item took its link back along: asking would only get its 404 (Jira's reads as "hidden", a warning).
  // One the service may no longer change must not fail every job of the ticket. Either way the rest is forgotten.
  // Between Jira issues the link back is a web link (see `adoptTrackerLink`), if any.
  const jiraOnly = ticket.ref.tracker === 'jira' && item.tracker === 'jira';
  for (const ref of itemDeleted ? [] : namesOf(ticket.ref, linkedAs)) {
    const target: LinkTarget = jiraOnly
      ? webLinkTo(ticket)
      : { kind: 'item' as const, ref, url: ticket.url, title: ticket.title };
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
  await rescoreIfReadable(item, context);
  return removedBack;
}

/** A tracker's lasting no (the item deleted, or out of the service's rights): retrying would not change it. */
export function refused(error: unknown): error is TrackerError {
  return error instanceof TrackerError && !isRetryable(error.kind);
}

/** A step on an item that a lasting refusal must not fail: the refusal is logged, the job goes on. */
export async function unlessRefused<T>(
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

/** The ticket's matches, each item named as the ticket's readers may see it (`namedFor`). */
export async function candidatesFor(
  ticket: TrackerItem,
  rules: LinkingRules,
  context: JobContext,
  timeAware = true,
) {
  const found = await indexReplica(context).query(
    { title: ticket.title, description: ticket.description },
    {
      createdBefore: timeAware ? ticket.createdAt : undefined,
      excludeId: docId(ticket.ref),
      limit: Math.max(rules.suggestionCount + 1, 5),
    },
  );
  return candidatesNamedFor(ticket, found, context);
}
