import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { asksToWait, isRetryable, TrackerError } from '../src/errors.ts';
import type { RedisClient } from '../src/queue/connection.ts';
import { lockName } from '../src/queue/item-lock.ts';
import { RateLimitGaveUpError } from '../src/queue/rate-limit-give-up.ts';
import { LockLostError, type WriteGuard, withWriteGuard } from '../src/trackers/write-guard.ts';
import { handlerOf, type JobContext, type JobHandlers } from './job-context.ts';

/** A 429 without Retry-After still pauses the queue for a while rather than burning attempts. */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 30_000;
/**
 * A Retry-After already passed (0, or an HTTP date behind our clock) still pauses: a pause of 0 ms (or a fraction)
 * is no expiry Redis accepts, and a tracker that keeps asking must not be asked again at once, forever.
 */
const MIN_RATE_LIMIT_PAUSE_MS = 1_000;

/**
 * The running total outlives the pause between two 429s of one job by far (and the limit itself); a job that went
 * quiet, or finished, lets it expire.
 */
const HELD_BACK_TTL_MS = 3_600_000;

export interface ProcessorOptions {
  handlers: JobHandlers;
  context: (job: Job) => JobContext;
  worker: () => Worker;
  /** Runs the jobs about one item one at a time across all workers. */
  withItemLock: <T>(item: string, run: () => Promise<T>) => Promise<T>;
  /** Awaited before each tracker write of the job: throws LockLostError once another worker owns the job. */
  writeGuard: (job: Job) => WriteGuard;
  /**
   * Where each job's pauses are added up; the total of pauses in place past which the job fails
   * (RATE_LIMIT_GIVE_UP_MS), and of all its waits, a longer one delayed, past which it fails (RATE_LIMIT_MAX_DELAY_MS).
   */
  rateLimits: { redis: RedisClient; keyPrefix: string; giveUpMs: number; maxDelayMs: number };
}

type Ref = { tracker: string; id: string };

/**
 * The items a job is about: jobs carry the event that caused them; a link event is about both ends (the handler
 * learns which is the ticket only by reading them, and must not race the ticket's own jobs). Sorted, so two jobs
 * that lock the same two items lock them in one order and cannot wait for each other.
 */
export function lockedItems(data: unknown): string[] {
  const event = (data as { event?: { item?: Ref; target?: Ref } } | undefined)?.event;
  const refs = [event?.item, event?.target].flatMap((ref) => (ref ? [lockName(ref)] : []));
  return [...new Set(refs)].sort();
}

/**
 * Where errors become queue semantics: a tracker's 429 (or 503 with Retry-After) pauses the whole queue (every
 * worker process) for Retry-After instead of spending attempts; a 429 that holds back one item or one endpoint only
 * (Jira's per-issue and burst limits) delays that job alone, and the others go on. Either way, until the waits one
 * job's own answers asked for add up past the limit: a tracker that never stops refusing must end in a failed job
 * someone sees, not in a queue that pauses forever. A wait longer than that limit (a quota that resets in an hour)
 * is no refusal to give up on: the job is delayed until then, while its waits stay within RATE_LIMIT_MAX_DELAY_MS.
 * Permanent errors stop retrying; everything else is retried with exponential backoff and ends as a visible failed
 * job.
 */
export function createProcessor({
  handlers,
  context,
  worker,
  withItemLock,
  writeGuard,
  rateLimits,
}: ProcessorOptions) {
  // The job's totals so far, this wait included (kept in Redis: any worker may run it next): its pauses in place,
  // and every wait a 429 asked of it.
  const heldBackKey = (job: Job) => `${rateLimits.keyPrefix}:ratelimited:${job.id}`;
  const waitedKey = (job: Job) => `${rateLimits.keyPrefix}:ratelimited-total:${job.id}`;
  async function heldBack(job: Job, pauseMs: number, inPlace: boolean): Promise<[number, number]> {
    const [inPlaceKey, totalKey] = [heldBackKey(job), waitedKey(job)];
    const add = rateLimits.redis.multi();
    if (inPlace)
      add.incrby(inPlaceKey, pauseMs).pexpire(inPlaceKey, Math.max(HELD_BACK_TTL_MS, rateLimits.giveUpMs));
    else add.get(inPlaceKey);
    const replies =
      (await add
        .incrby(totalKey, pauseMs)
        .pexpire(totalKey, rateLimits.maxDelayMs + HELD_BACK_TTL_MS)
        .exec()) ?? [];
    return [Number(replies[0]?.[1] ?? 0), Number(replies.at(-2)?.[1] ?? 0)];
  }

  return async (job: Job): Promise<Record<string, unknown>> => {
    const ctx = context(job);
    const handler = handlerOf(handlers, job.name);
    if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
    try {
      const run = () => withWriteGuard(writeGuard(job), () => handler(job.data, ctx));
      const locked = lockedItems(job.data).reduceRight<() => Promise<Record<string, unknown>>>(
        (inner, item) => () => withItemLock(item, inner),
        run,
      );
      return await locked();
    } catch (error) {
      if (error instanceof LockLostError) {
        ctx.log.warn(
          { err: { message: error.message } },
          'Job lost its lock (this worker was paused or too slow); another worker runs it',
        );
        throw error;
      }
      if (asksToWait(error)) {
        const pauseMs = Math.max(
          MIN_RATE_LIMIT_PAUSE_MS,
          Math.ceil(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS),
        );
        const wholeQueue = error.rateLimitScope === 'tracker';
        // Longer than a job waits in place (Jira's hourly quota, reset on the hour): the job is set aside until then.
        const setAside = pauseMs > rateLimits.giveUpMs;
        ctx.log.warn(
          { tracker: error.tracker, pauseMs, status: error.status, scope: error.rateLimitScope },
          setAside
            ? 'Tracker asked to wait longer than a job waits in place: delaying this job until then'
            : wholeQueue
              ? 'Tracker asked to wait: pausing the queue'
              : `Tracker asked to wait for one ${error.rateLimitScope}: delaying this job only`,
        );
        // The other jobs wait in place at most: each that the tracker still refuses then is set aside in turn.
        if (wholeQueue) await worker().rateLimit(Math.min(pauseMs, rateLimits.giveUpMs));
        const [inPlace, waited] = await heldBack(job, pauseMs, !setAside);
        const gaveUp = setAside
          ? waited > rateLimits.maxDelayMs && new RateLimitGaveUpError(error, waited, pauseMs)
          : inPlace > rateLimits.giveUpMs && new RateLimitGaveUpError(error, inPlace);
        if (gaveUp) {
          ctx.log.error(
            {
              tracker: error.tracker,
              status: error.status,
              pauseMs,
              heldBackMs: inPlace,
              waitedMs: waited,
              giveUpMs: rateLimits.giveUpMs,
              maxDelayMs: rateLimits.maxDelayMs,
            },
            'Job held back by rate limits for too long: failed',
          );
          // A person who retries the failed job later gives it fresh limits.
          await rateLimits.redis.del(heldBackKey(job), waitedKey(job));
          throw gaveUp;
        }
        if (wholeQueue && !setAside) throw Worker.RateLimitError();
        // Back to the delayed set without spending an attempt, like a paused job; its item lock is released now.
        await job.moveToDelayed(Date.now() + pauseMs, job.token);
        throw new DelayedError();
      }
      if (error instanceof TrackerError && !isRetryable(error.kind)) {
        ctx.log.warn(
          { tracker: error.tracker, kind: error.kind, status: error.status, err: { message: error.message } },
          'Job failed permanently',
        );
        throw new UnrecoverableError(`${error.tracker} ${error.kind}: ${error.message}`);
      }
      ctx.log.warn(
        { attempt: job.attemptsMade + 1, err: { message: (error as Error).message } },
        'Job attempt failed',
      );
      throw error;
    }
  };
}
