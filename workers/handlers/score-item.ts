import type { ItemRef } from '../../src/domain/events.ts';
import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { mayHaveLeftSupport } from '../../src/domain/scoring/plan-scoring.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import { applyScore, isBacklog, readItem, type ScoreOutcome } from '../capabilities/scoring.ts';
import type { JobContext } from '../job-context.ts';

/** The items a support ticket is linked to: a change of the ticket (its customer, its links) changes their reach. */
function linkedItems(ticket: TrackerItem): ItemRef[] {
  return ticket.links.flatMap((link) => (link.target.kind === 'item' ? [link.target.ref] : []));
}

/**
 * Scores the backlog item an event is about. A link event names two items and either may be the backlog item
 * (a ticket can be linked from either side), so both are read and each backlog one is scored. An update of a
 * support ticket scores the backlog items it is linked to.
 */
export async function scoreItemHandler({ event }: JobDataMap['score-item'], context: JobContext) {
  const refs =
    event.kind === 'link.created' || event.kind === 'link.deleted'
      ? [event.item, event.target]
      : [event.item];
  const scored: ScoreOutcome[] = [];
  const skipped: string[] = [];
  const scoreBacklog = async (ref: ItemRef, item: TrackerItem | undefined) => {
    if (item && isBacklog(item, context)) scored.push(await applyScore(item, context));
    else skipped.push(ref.key);
  };
  const scoreLinked = async (item: TrackerItem) => {
    for (const linked of linkedItems(item)) await scoreBacklog(linked, await readItem(linked, context));
  };
  for (const ref of refs) {
    const item = await readItem(ref, context);
    if (event.kind === 'item.updated' && item && !isBacklog(item, context)) await scoreLinked(item);
    else {
      await scoreBacklog(ref, item);
      // A ticket moved into the backlog stops counting for the items it is linked to.
      if (item && mayHaveLeftSupport(event, context.rules().scope)) await scoreLinked(item);
    }
  }
  context.log.info({ kind: event.kind, scored, skipped }, 'Scored');
  return { scored, skipped };
}
