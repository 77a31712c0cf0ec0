import type { Container, ItemRef } from '../../src/domain/events.ts';
import { projectKeyOf } from '../../src/domain/events.ts';
import { cardTitleShownOn, titleShownOn } from '../../src/domain/linking/index.ts';
import type { ItemSummary } from '../../src/linking/index.ts';
import { cardUrl } from '../../src/trackers/trello/trello-urls.ts';
import type { JobContext } from '../job-context.ts';

/** A ticket, and its project or board when the caller has read it (a Trello ticket's board is read otherwise). */
export interface TicketPlace {
  ref: ItemRef;
  container?: Pick<Container, 'id'>;
}

type Trackers = Pick<JobContext, 'tracker'>;

/**
 * The item as the ticket's readers may see it named: an item of another Jira project that not all of them may
 * browse, or a Trello card of a board not all of them may see, is marked restricted, so every comment on the ticket
 * names it by key only, as one behind an issue security level (a card's address then loses its slug, which is its
 * title). Not stored: the console, for the signed-in team, keeps the title.
 */
export async function namedFor(
  ticket: TicketPlace,
  item: ItemSummary,
  context: Trackers,
): Promise<ItemSummary> {
  if (item.restricted) return item;
  if (item.ref.tracker === 'jira')
    return (await projectShows(ticket.ref, item.ref, context)) ? item : { ...item, restricted: true };
  return (await boardShows(ticket, item, context))
    ? item
    : { ...item, restricted: true, url: cardUrl(item.ref.key) };
}

async function projectShows(ticket: ItemRef, item: ItemRef, context: Trackers): Promise<boolean> {
  const itemProject = projectKeyOf(item.key);
  const ticketProject = ticket.tracker === 'jira' ? projectKeyOf(ticket.key) : undefined;
  if (!itemProject || itemProject === ticketProject) return true;
  const jira = context.tracker('jira');
  if (!jira.browseAudience) return true;
  const itemAudience = await jira.browseAudience(itemProject);
  const ticketAudience =
    ticketProject && itemAudience && !itemAudience.everyone
      ? await jira.browseAudience(ticketProject)
      : undefined;
  return titleShownOn({ ticket: ticketProject, item: itemProject }, ticketAudience, itemAudience);
}

/**
 * A card indexed by an earlier release names no board: its title is withheld. A Trello ticket's board is read only
 * when the card's board is neither public nor known to be the ticket's.
 */
async function boardShows(ticket: TicketPlace, item: ItemSummary, context: Trackers): Promise<boolean> {
  const trello = context.tracker('trello');
  if (!trello.boardAudience) return true;
  const itemBoard = item.container?.id;
  if (!itemBoard) return false;
  if (ticket.container?.id === itemBoard) return true;
  const itemAudience = await trello.boardAudience(itemBoard);
  if (ticket.ref.tracker !== 'trello' || itemAudience?.level === 'public')
    return cardTitleShownOn({ ticket: undefined, item: itemBoard }, undefined, itemAudience);
  const ticketBoard = ticket.container?.id ?? (await trello.getItem(ticket.ref)).container.id;
  const ticketAudience =
    ticketBoard !== itemBoard && itemAudience?.level === 'org'
      ? await trello.boardAudience(ticketBoard)
      : undefined;
  return cardTitleShownOn({ ticket: ticketBoard, item: itemBoard }, ticketAudience, itemAudience);
}

/** Each candidate's item as `namedFor` names it on the ticket. */
export function candidatesNamedFor<T extends { item: ItemSummary }>(
  ticket: TicketPlace,
  candidates: readonly T[],
  context: Trackers,
): Promise<T[]> {
  return Promise.all(
    candidates.map(async (candidate) => ({
      ...candidate,
      item: await namedFor(ticket, candidate.item, context),
    })),
  );
}
