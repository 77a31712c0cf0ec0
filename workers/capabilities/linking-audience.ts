import { type ItemRef, projectKeyOf } from '../../src/domain/events.ts';
import { titleShownOn } from '../../src/domain/linking/index.ts';
import type { ItemSummary } from '../../src/linking/index.ts';
import type { JobContext } from '../job-context.ts';

/**
 * The item as the ticket's readers may see it named: an item of another Jira project that not all of them may
 * browse is marked restricted, so every comment on the ticket names it by key only, as one behind an issue
 * security level. Only Jira items are judged (a Trello card's board is not compared). Not stored: the console,
 * for the signed-in team, keeps the title.
 */
export async function namedFor(
  ticket: ItemRef,
  item: ItemSummary,
  context: Pick<JobContext, 'tracker'>,
): Promise<ItemSummary> {
  if (item.restricted || item.ref.tracker !== 'jira') return item;
  const itemProject = projectKeyOf(item.ref.key);
  const ticketProject = ticket.tracker === 'jira' ? projectKeyOf(ticket.key) : undefined;
  if (!itemProject || itemProject === ticketProject) return item;
  const jira = context.tracker('jira');
  if (!jira.browseAudience) return item;
  const itemAudience = await jira.browseAudience(itemProject);
  const ticketAudience =
    ticketProject && itemAudience && !itemAudience.everyone
      ? await jira.browseAudience(ticketProject)
      : undefined;
  const shown = titleShownOn({ ticket: ticketProject, item: itemProject }, ticketAudience, itemAudience);
  return shown ? item : { ...item, restricted: true };
}

/** Each candidate's item as `namedFor` names it on the ticket. */
export function candidatesNamedFor<T extends { item: ItemSummary }>(
  ticket: ItemRef,
  candidates: readonly T[],
  context: Pick<JobContext, 'tracker'>,
): Promise<T[]> {
  return Promise.all(
    candidates.map(async (candidate) => ({
      ...candidate,
      item: await namedFor(ticket, candidate.item, context),
    })),
  );
}
