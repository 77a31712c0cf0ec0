import { isRetryable, TrackerError } from '../../src/errors.ts';
import type { ItemScope, Tracker, TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';

const PROGRESS_TTL_SECONDS = 7 * 86_400;

interface Saved<C> {
  cursor?: string;
  counts: C;
}

/**
 * Visits every item of a scope, page by page. The cursor and counts are saved after each page (and reported as
 * job progress), so a retried job (rate limit, crash) resumes where it stopped instead of starting over. An item
 * the tracker refuses (permissions, deleted meanwhile) is counted as failed and logged; the others go on.
 */
export async function visitScope<C extends { pages: number; failed: number }>(
  context: JobContext,
  options: {
    progressKey: string;
    tracker: Tracker;
    scope: ItemScope;
    counts: C;
    /** `readAt`: when the item's page was asked for; the copy may be older than what a job read since. */
    visit: (item: TrackerItem, counts: C, readAt: Date) => Promise<void>;
    /** Logged for a refused item, e.g. "Not scored". */
    refused: string;
  },
): Promise<C> {
  const stored = await context.redis.get(options.progressKey);
  const saved: Saved<C> = stored ? (JSON.parse(stored) as Saved<C>) : { counts: options.counts };
  const { counts } = saved;
  let { cursor } = saved;
  do {
    const readAt = context.now();
    const page = await options.tracker.listItems(options.scope, cursor);
    for (const item of page.items) {
      try {
        await options.visit(item, counts, readAt);
      } catch (error) {
        if (!(error instanceof TrackerError) || isRetryable(error.kind)) throw error;
        counts.failed += 1;
        context.log.warn(
          { item: item.ref.key, kind: error.kind, err: { message: error.message } },
          options.refused,
        );
      }
    }
    counts.pages += 1;
    cursor = page.next;
    await context.redis.set(
      options.progressKey,
      JSON.stringify({ cursor, counts }),
      'EX',
      PROGRESS_TTL_SECONDS,
    );
    await context.progress?.({ ...counts });
  } while (cursor);
  return counts;
}
