import { createHash } from 'node:crypto';
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { JobRequest } from '../domain/job-requests.ts';

export const QUEUE_NAME = 'tracker-jobs';

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

/** BullMQ forbids ':' in custom ids and integer-looking ids; anything unusual is hashed. */
function safeIdPart(value: string): string {
  return /^[\w.-]{1,80}$/.test(value) ? value : createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/**
 * The job id is derived from the delivery, so adding the same delivery twice is a no-op while the job exists;
 * the lasting dedupe record (src/queue/intake.ts) covers the time after the job is removed.
 */
export function jobId(request: JobRequest, deliveryKey: string): string {
  const id = `${request.name}.${safeIdPart(deliveryKey)}`;
  return request.subject ? `${id}.${safeIdPart(request.subject)}` : id;
}

/** The one place for retries and retention. */
export function jobOptions(request: JobRequest, deliveryKey: string, policy: RetryPolicy): JobsOptions {
  return {
    jobId: jobId(request, deliveryKey),
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 3_600, count: 10_000 },
    removeOnFail: { age: 14 * 86_400 },
  };
}

/**
 * Puts a failed job back in line with its attempts and backoff restored: kept, they are spent already, and one
 * more hiccup after the outage the operator waited out would fail it again at once. False when it was not
 * failed (any more: a retry of the same job by someone else, at the same moment, got there first).
 */
export async function retryFailedJob(job: Job): Promise<boolean> {
  try {
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  } catch (error) {
    if ((await job.getState()) !== 'failed') return false;
    throw error;
  }
}

/** Retries every job failed now (each once, whoever else retries them too); returns how many it retried. */
export async function retryAllFailedJobs(queue: Queue): Promise<number> {
  const ids = await queue.getRanges(['failed'], 0, -1, true);
  let retried = 0;
  for (let start = 0; start < ids.length; start += 100) {
    const jobs = await Promise.all(ids.slice(start, start + 100).map((id) => queue.getJob(id)));
    const done = await Promise.all(jobs.map((job) => (job ? retryFailedJob(job) : false)));
    retried += done.filter(Boolean).length;
  }
  return retried;
}

/** A job scheduler's next run (the link reconcile's, a Trello board's summary), due at `at` (ISO). */
export interface ScheduledRun {
  name: string;
  at: string;
}

/** A scheduler's next run with the id of the job BullMQ keeps for it in the delayed list. */
interface NextRun extends ScheduledRun {
  jobId: string;
}

/** Job schedulers' next runs still waiting in the delayed list, soonest first. */
export async function nextRuns(queue: Queue): Promise<NextRun[]> {
  const runs = await Promise.all(
    (await queue.getJobSchedulers()).map(async ({ key, name, next }) => {
      if (next === undefined) return [];
      // BullMQ names a scheduler's next run `repeat:<scheduler>:<next>`; once due it leaves the delayed list.
      const jobId = `repeat:${key}:${next}`;
      const state = await queue.getJobState(jobId);
      return state === 'delayed' ? [{ name, at: new Date(next).toISOString(), jobId }] : [];
    }),
  );
  return runs.flat().sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * BullMQ's delayed list told apart: jobs waiting out a retry's backoff (or a delay of their own), and the next runs
 * job schedulers keep delayed for good, which are no work left and no job stuck. Reads the schedulers (a few) and
 * the list's length, not the delayed jobs: during an outage thousands of retries wait there, and /metrics asks on
 * every scrape.
 */
export async function delayedJobs(queue: Queue): Promise<{ retries: number; scheduled: ScheduledRun[] }> {
  const [delayed, runs] = await Promise.all([queue.getDelayedCount(), nextRuns(queue)]);
  const scheduled = runs.map(({ name, at }) => ({ name, at }));
  return { retries: Math.max(0, delayed - scheduled.length), scheduled };
}

/**
 * `limit` delayed jobs from the `offset`-th, newest first as BullMQ lists them, without the schedulers' next runs
 * wherever they sit in the list. Reads ids up to the page's end, and only the page's jobs.
 */
export async function delayedRetries(queue: Queue, offset: number, limit: number): Promise<Job[]> {
  const runIds = new Set((await nextRuns(queue)).map(({ jobId }) => jobId));
  const ids = await queue.getRanges(['delayed'], 0, offset + limit + runIds.size - 1);
  const page = ids.filter((id) => !runIds.has(id)).slice(offset, offset + limit);
  return present(await Promise.all(page.map((id) => queue.getJob(id))));
}

/** Jobs read by id, without those removed meanwhile. */
const present = (jobs: (Job | undefined)[]): Job[] => jobs.filter((job) => job !== undefined);

/** The jobs BullMQ keeps for the schedulers' next runs, soonest first. */
export async function scheduledRunJobs(queue: Queue): Promise<Job[]> {
  return present(await Promise.all((await nextRuns(queue)).map(({ jobId }) => queue.getJob(jobId))));
}
