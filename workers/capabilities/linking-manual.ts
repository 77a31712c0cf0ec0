import { type Block, code, paragraph } from '../../src/domain/doc.ts';
import { type Actor, type ItemRef, TRACKERS } from '../../src/domain/events.ts';
import { TrackerError } from '../../src/errors.ts';
import { docId, sameItem } from '../../src/linking/index.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import type { Permissions } from '../commands/permissions.ts';
import type { JobContext } from '../job-context.ts';
import {
  candidatesFor,
  LINK_COMMENT,
  linkTicket,
  resolvedStatus,
  roleOf,
  summaryOfItem,
  unlinkTicket,
} from './linking.ts';
import { namedFor } from './linking-audience.ts';
import {
  linkedByHandComment,
  noMatchComment,
  similarReply,
  titleAfterKey,
  unlinkedComment,
} from './linking-comments.ts';
import { linkedItems } from './linking-follow.ts';
import { readModelOf } from './read-model.ts';

/** What a person typed (`APP-2`, an issue or card URL, a shortLink), on whichever configured tracker has it. */
export async function findAnywhere(keyOrUrl: string, context: JobContext): Promise<TrackerItem | undefined> {
  for (const name of TRACKERS) {
    let found: TrackerItem | undefined;
    try {
      found = await context.tracker(name).findItem(keyOrUrl);
    } catch (error) {
      if (error instanceof TrackerError && error.kind === 'validation') continue;
      throw error;
    }
    if (found) return found;
  }
  return undefined;
}

/** A command's context: it acts for a commenter and sees no item they cannot. */
type ActingContext = JobContext & { permissions: Permissions };

interface Pair {
  ticket: TrackerItem;
  item: TrackerItem;
}

/**
 * The command may be typed on the ticket (naming the item) or on the item (naming the ticket); either way the
 * support ticket is the one that links to the backlog item. Only a link needs the item in the backlog: an item
 * that left it since can still be unlinked, which also removes what the ticket taught it.
 */
async function resolvePair(
  here: ItemRef,
  argument: string,
  context: ActingContext,
  purpose: 'link' | 'unlink',
): Promise<Pair | Block[]> {
  const wanted = argument.split(' ')[0] ?? '';
  if (!wanted) return [paragraph('Say which item: ', code('/link APP-12'), ' or a Trello card URL.')];
  const [current, found] = await Promise.all([
    context.tracker(here.tracker).getItem(here),
    findAnywhere(wanted, context),
  ]);
  // One answer for "does not exist" and "you may not see it": the reply must not tell them apart.
  const visible = found && (await context.permissions.permitted([found.ref], 'browse')).has(found.ref.id);
  const other = visible ? found : undefined;
  if (!other)
    return [paragraph('No Jira issue or Trello card ', code(wanted), ' that you can see was found.')];
  const pair =
    roleOf(current, context) === 'backlog' && roleOf(other, context) === 'support'
      ? { ticket: other, item: current }
      : { ticket: current, item: other };
  if (purpose === 'link' && roleOf(pair.item, context) !== 'backlog') {
    return [
      paragraph(
        code(pair.item.ref.key),
        ' is not a backlog item, so there is nothing to link this ticket to.',
      ),
    ];
  }
  // A link writes to both ends (the ticket's link comment, and the public comment its customer gets when the item
  // is resolved): the end the command names needs edit permission as much as the one commented on.
  if (!(await context.permissions.permitted([other.ref], 'edit')).has(other.ref.id)) {
    context.metrics?.commandsDeclined(here.tracker, 'no_edit_right', 1);
    return [
      paragraph(
        'Nothing changed: you cannot edit ',
        code(other.ref.key),
        `, and ${purpose === 'link' ? 'a link' : 'removing the link'} changes it too.`,
      ),
    ];
  }
  return pair;
}

/** Keys of the items the ticket is linked to besides the pair's (the ticket was read before the command's change). */
async function otherLinks({ ticket, item }: Pair, context: JobContext): Promise<string[]> {
  const linked = await linkedItems(ticket, context);
  return linked.filter((ref) => !sameItem(ref, item.ref)).map((ref) => ref.key);
}

export async function linkByHand(here: ItemRef, argument: string, by: Actor, context: ActingContext) {
  const pair = await resolvePair(here, argument, context, 'link');
  if (Array.isArray(pair)) return pair;
  const item = await namedFor(pair.ticket, summaryOfItem(pair.item), context);
  const added = await linkTicket(pair.ticket, item, context, { how: 'command' });
  const resolvedAs = resolvedStatus(pair.item);
  const others = await otherLinks(pair, context);
  await context
    .tracker(pair.ticket.ref.tracker)
    .upsertComment(pair.ticket.ref, LINK_COMMENT, linkedByHandComment(item, by, others, resolvedAs));
  return [
    paragraph(
      added ? 'Linked ' : 'Already linked: ',
      code(pair.ticket.ref.key),
      ' → ',
      code(item.ref.key),
      `${titleAfterKey(item)}. `,
      resolvedAs
        ? `${item.ref.key} is already ${resolvedAs}.`
        : 'The ticket hears when the item is resolved.',
    ),
  ];
}

export async function unlinkByHand(here: ItemRef, argument: string, by: Actor, context: ActingContext) {
  const pair = await resolvePair(here, argument, context, 'unlink');
  if (Array.isArray(pair)) return pair;
  const item = await namedFor(pair.ticket, summaryOfItem(pair.item), context);
  if (!(await unlinkTicket(pair.ticket, item, context))) {
    return [
      paragraph(
        code(pair.ticket.ref.key),
        ' was not linked to ',
        code(item.ref.key),
        '; it will not be suggested for it again.',
      ),
    ];
  }
  const others = await otherLinks(pair, context);
  await context
    .tracker(pair.ticket.ref.tracker)
    .upsertComment(pair.ticket.ref, LINK_COMMENT, unlinkedComment(item, by, others));
  return [paragraph('Unlinked ', code(pair.ticket.ref.key), ' from ', code(item.ref.key), '.')];
}

/** `/nomatch` on a ticket: none of its suggestions is right, so it leaves the console's triage inbox. */
export async function noMatchByHand(here: ItemRef, by: Actor, context: JobContext): Promise<Block[]> {
  const ticket = await context.tracker(here.tracker).getItem(here);
  if (roleOf(ticket, context) !== 'support') {
    return [
      paragraph(code(ticket.ref.key), ' is not a support ticket: there are no suggestions to dismiss.'),
    ];
  }
  await context.tracker(here.tracker).upsertComment(ticket.ref, LINK_COMMENT, noMatchComment(by));
  await readModelOf(context).noMatch(ticket.ref, by.displayName);
  return [
    paragraph('Noted: no suggested item matches. Link one by hand with ', code('/link KEY-or-card-URL'), '.'),
  ];
}

/** Candidates for the ticket now, whenever the items were created: a person judges them, not the threshold. */
export async function similarNow(here: ItemRef, context: ActingContext): Promise<Block[]> {
  const ticket = await context.tracker(here.tracker).getItem(here);
  const rules = context.rules().linking;
  const [found, linked] = await Promise.all([
    candidatesFor(ticket, rules, context, false),
    linkedItems(ticket, context),
  ]);
  const visible = await context.permissions.permitted(
    found.map((candidate) => candidate.item.ref),
    'browse',
  );
  const candidates = found.filter((candidate) => visible.has(candidate.item.ref.id));
  return similarReply(
    candidates.slice(0, Math.max(rules.suggestionCount, 1)),
    new Set(linked.map((ref) => docId(ref))),
  );
}
