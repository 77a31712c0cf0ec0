import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobRequest } from '../domain/job-requests.ts';
import { jobOptions, type RetryPolicy } from './jobs.ts';

export type IntakeOutcome = 'accepted' | 'duplicate';

export interface IntakeOptions {
  queue: Queue;
  redis: Redis;
  keyPrefix: string;
  dedupeTtlSeconds: number;
  retry: RetryPolicy;
}

export interface Intake {
  /** Enqueues the jobs of one delivery exactly once; throws when Redis cannot take them (caller answers 503). */
  accept(deliveryKey: string, jobs: readonly JobRequest[]): Promise<IntakeOutcome>;
}

/**
 * Order matters for "nothing acknowledged is lost": the dedupe record is written only after the jobs are in
 * Redis. A crash in between leaves no record, the tracker retries, and the re-add is a no-op because job ids
 * derive from the delivery. Concurrent copies race on SET NX: one is accepted, the others are duplicates.
 */
export function createIntake(options: IntakeOptions): Intake {
  const { queue, redis, keyPrefix, dedupeTtlSeconds, retry } = options;
  const recordKey = (deliveryKey: string) => `${keyPrefix}:dedupe:${deliveryKey}`;

  return {
    async accept(deliveryKey, jobs) {
      const key = recordKey(deliveryKey);
      if ((await redis.exists(key)) === 1) return 'duplicate';
      if (jobs.length > 0) {
        await queue.addBulk(
          jobs.map((job) => ({ name: job.name, data: job.data, opts: jobOptions(job, deliveryKey, retry) })),
        );
      }
      const claimed = await redis.set(key, String(Date.now()), 'EX', dedupeTtlSeconds, 'NX');
      return claimed === 'OK' ? 'accepted' : 'duplicate';
    },
  };
}
