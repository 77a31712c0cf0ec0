import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { applyScore, isBacklog, readItem, type ScoreOutcome } from '../capabilities/scoring.ts';
import type { JobContext } from '../job-context.ts';

/**
 * Scores the backlog item an event is about. A link event names two items and either may be the backlog item
 * (a ticket can be linked from either side), so both are read and each backlog one is scored.
 */
export async function scoreItemHandler({ event }: JobDataMap['score-item'], context: JobContext) {
  const refs =
    event.kind === 'link.created' || event.kind === 'link.deleted'
      ? [event.item, event.target]
      : [event.item];
  const scored: ScoreOutcome[] = [];
  const skipped: string[] = [];
  for (const ref of refs) {
    const item = await readItem(ref, context);
    if (item && isBacklog(item, context)) scored.push(await applyScore(item, context));
    else skipped.push(ref.key);
  }
  context.log.info({ kind: event.kind, scored, skipped }, 'Scored');
  return { scored, skipped };
}
