import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { recordAcceptance } from '../capabilities/acceptance.ts';
import { visitScope } from '../capabilities/scope-pages.ts';
import { applyScore, isBacklog, type TicketCache } from '../capabilities/scoring.ts';
import type { JobContext } from '../job-context.ts';

export interface RescoreCounts {
  pages: number;
  seen: number;
  written: number;
  unchanged: number;
  /** Items outside the backlog (support tickets, ignored containers). */
  skipped: number;
  /** Items the tracker refused (permissions, deleted meanwhile); the others are still scored. */
  failed: number;
}

export const rescoreProgressKey = (keyPrefix: string, jobId: string) => `${keyPrefix}:score:rescore:${jobId}`;

/** Re-scores every item of a project, board or query; resumes where a retried attempt stopped. */
export async function rescoreScope(data: JobDataMap['rescore-scope'], context: JobContext) {
  const cache: TicketCache = new Map();
  const counts = await visitScope(context, {
    progressKey: rescoreProgressKey(context.keyPrefix, context.jobId),
    tracker: context.tracker(data.tracker),
    scope: data.scope,
    counts: { pages: 0, seen: 0, written: 0, unchanged: 0, skipped: 0, failed: 0 } satisfies RescoreCounts,
    refused: 'Not scored',
    async visit(item, counts, readAt) {
      counts.seen += 1;
      if (!isBacklog(item, context)) {
        counts.skipped += 1;
        return;
      }
      const outcome = await applyScore(item, context, {
        force: data.force,
        cache,
        readAt,
        scorecard: !data.quiet,
      });
      await recordAcceptance(item, context);
      counts[outcome.write] += 1;
    },
  });
  context.log.info({ scope: data.scope, by: data.requestedBy.displayName, ...counts }, 'Scope re-scored');
  return { ...counts };
}
