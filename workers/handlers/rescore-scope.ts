import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { isRetryable, TrackerError } from '../../src/errors.ts';
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

interface Saved {
  cursor?: string;
  counts: RescoreCounts;
}

export const rescoreProgressKey = (keyPrefix: string, jobId: string) => `${keyPrefix}:score:rescore:${jobId}`;

const PROGRESS_TTL_SECONDS = 7 * 86_400;

/**
 * Re-scores every item of a project, board or query, page by page. Progress is saved after each page, so a
 * retried job (rate limit, crash) resumes where it stopped instead of starting over.
 */
export async function rescoreScope(data: JobDataMap['rescore-scope'], context: JobContext) {
  const tracker = context.tracker(data.tracker);
  const key = rescoreProgressKey(context.keyPrefix, context.jobId);
  const stored = await context.redis.get(key);
  const saved: Saved = stored
    ? (JSON.parse(stored) as Saved)
    : { counts: { pages: 0, seen: 0, written: 0, unchanged: 0, skipped: 0, failed: 0 } };
  const { counts } = saved;
  let { cursor } = saved;
  const cache: TicketCache = new Map();
  do {
    const page = await tracker.listItems(data.scope, cursor);
    for (const item of page.items) {
      counts.seen += 1;
      if (!isBacklog(item, context)) {
        counts.skipped += 1;
        continue;
      }
      try {
        const outcome = await applyScore(item, context, { force: data.force, cache });
        counts[outcome.write] += 1;
      } catch (error) {
        if (!(error instanceof TrackerError) || isRetryable(error.kind)) throw error;
        counts.failed += 1;
        context.log.warn(
          { item: item.ref.key, kind: error.kind, err: { message: error.message } },
          'Not scored',
        );
      }
    }
    counts.pages += 1;
    cursor = page.next;
    await context.redis.set(key, JSON.stringify({ cursor, counts }), 'EX', PROGRESS_TTL_SECONDS);
    await context.progress?.({ ...counts });
  } while (cursor);
  context.log.info({ scope: data.scope, by: data.requestedBy.displayName, ...counts }, 'Scope re-scored');
  return { ...counts };
}
