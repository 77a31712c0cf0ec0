import type { Queue } from 'bullmq';
import type { RedisClient } from './connection.ts';
import { intakeStreamKey } from './intake.ts';
import { nextRuns } from './jobs.ts';

export interface UnfinishedWork {
  /** Accepted deliveries not yet turned into jobs: unread, or taken by a worker's relay and not finished. */
  deliveries: number;
  /** Jobs waiting, prioritized, running or waiting for children; with `delayed`, also those waiting out a delay. */
  jobs: number;
}

/**
 * What the service has still to do, for "nothing is running" waits (tests, the demo seed). A delivery answered 202
 * waits in the intake stream until a relay adds its jobs; the relay deletes it only after, so the stream, read
 * first, and the queue, read next, cannot both miss it. `delayed`: count the jobs waiting out a retry's backoff or
 * a delay of their own (a caller whose jobs back off for longer than it waits leaves them out). A job scheduler's
 * next run, always delayed, is never work left: the schedulers are read before and after the counts, and only runs
 * delayed at both reads are taken off, so a run that fell due between the reads still counts.
 */
export async function unfinishedWork(
  service: { queue: Queue; redis: RedisClient; keyPrefix: string },
  options: { delayed: boolean },
): Promise<UnfinishedWork> {
  const { queue, redis, keyPrefix } = service;
  // The relay deletes each entry it has finished (src/queue/intake-consumer.ts): what is left is pending or unread.
  const deliveries = await redis.xlen(intakeStreamKey(keyPrefix));
  const scheduledBefore = options.delayed ? await nextRuns(queue) : [];
  // One script: a job moving between states is seen in exactly one of them.
  const counts = await queue.getJobCounts(
    'waiting',
    'active',
    'prioritized',
    'waiting-children',
    ...(options.delayed ? (['delayed'] as const) : []),
  );
  let jobs = Object.values(counts).reduce((sum, count) => sum + count, 0);
  if (options.delayed) {
    const after = new Set((await nextRuns(queue)).map(({ jobId }) => jobId));
    jobs -= scheduledBefore.filter(({ jobId }) => after.has(jobId)).length;
  }
  return { deliveries, jobs };
}
