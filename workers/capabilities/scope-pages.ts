import { isRetryable, TrackerError } from '../../src/errors.ts';
import type { ItemScope, Tracker, TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';

const PROGRESS_TTL_SECONDS = 7 * 86_400;

interface Saved<C> extends Pace {
  cursor?: string;
  counts: C;
}

/** How far a long job got: items listed so far, of about how many, since when. */
export interface Pace {
  listed?: number;
  total?: number;
  /** When the first attempt began (ms): the pace so far, pauses for rate limits included, gives the ETA. */
  startedAt?: number;
}

/** The tracker's estimate of the scope's size; a job does not fail, nor wait, for want of it. */
export async function countScope(context: JobContext, tracker: Tracker, scope: ItemScope) {
  try {
    return await tracker.countItems?.(scope);
  } catch (error) {
    context.log.info(
      { err: { message: (error as Error).message } },
      'Scope not counted; progress shows no total',
    );
    return undefined;
  }
}

/** Seconds left at the pace so far; only once a page is done and there is a total to go by. */
function secondsLeft(pace: Pace, now: number): number | undefined {
  const { listed = 0, total, startedAt = now } = pace;
  if (total === undefined || listed === 0 || now <= startedAt) return undefined;
  return Math.max(0, Math.round(((total - listed) * (now - startedAt)) / listed / 1000));
}

/** The progress figures of a pace: `listed`, and where there is a total, `total` and `etaSeconds`. */
export function progressOf(pace: Pace, now: Date) {
  const { listed = 0, total } = pace;
  const etaSeconds = secondsLeft(pace, now.getTime());
  return { listed, ...(total !== undefined && { total, etaSeconds }) };
}

/**
 * Visits every item of a scope, page by page. The cursor and counts are saved after each page (and reported as
 * job progress), so a retried job (rate limit, crash) resumes where it stopped instead of starting over. An item
 * the tracker refuses (permissions, deleted meanwhile) is counted as failed and logged; the others go on. The
 * progress also says how many items the pages held (`listed`), out of about how many (`total`, the tracker's
 * estimate made when the job began) and the seconds left at the pace so far (`etaSeconds`).
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
  const saved: Saved<C> = stored
    ? (JSON.parse(stored) as Saved<C>)
    : {
        counts: options.counts,
        startedAt: context.now().getTime(),
        total: await countScope(context, options.tracker, options.scope),
      };
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
    saved.cursor = cursor;
    saved.listed = (saved.listed ?? 0) + page.items.length;
    await context.redis.set(options.progressKey, JSON.stringify(saved), 'EX', PROGRESS_TTL_SECONDS);
    await context.progress?.({ ...counts, ...progressOf(saved, context.now()) });
  } while (cursor);
  return counts;
}
