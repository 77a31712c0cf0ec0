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
  /** Most deliveries written to Redis in one round of commands. */
  maxBatch?: number;
}

export interface Intake {
  /** Enqueues the jobs of one delivery exactly once; throws when Redis cannot take them (caller answers 503). */
  accept(deliveryKey: string, jobs: readonly JobRequest[]): Promise<IntakeOutcome>;
}

interface Pending {
  deliveryKey: string;
  jobs: readonly JobRequest[];
  resolve(outcome: IntakeOutcome): void;
  reject(error: unknown): void;
}

/**
 * Order matters for "nothing acknowledged is lost": the dedupe record is written only after the jobs are in
 * Redis. A crash in between leaves no record, the tracker retries, and the re-add is a no-op because job ids
 * derive from the delivery. Concurrent copies race on SET NX: one is accepted, the others are duplicates.
 *
 * Deliveries arriving in the same event-loop turn share their Redis round trips (one pipeline of checks, one
 * addBulk, one pipeline of records), which is what lets intake keep up with a bare LPUSH under load.
 */
export function createIntake(options: IntakeOptions): Intake {
  const { queue, redis, keyPrefix, dedupeTtlSeconds, retry } = options;
  const maxBatch = options.maxBatch ?? 500;
  const recordKey = (deliveryKey: string) => `${keyPrefix}:dedupe:${deliveryKey}`;
  const pending: Pending[] = [];

  async function write(batch: Pending[]): Promise<IntakeOutcome[]> {
    const checks = redis.pipeline();
    for (const entry of batch) checks.exists(recordKey(entry.deliveryKey));
    const seen = (await checks.exec()) ?? [];
    const fresh = batch.filter((_, index) => {
      const [error, exists] = seen[index] ?? [new Error('no reply')];
      if (error) throw error;
      return exists === 0;
    });
    const jobs = fresh.flatMap((entry) =>
      entry.jobs.map((job) => ({
        name: job.name,
        data: job.data,
        opts: jobOptions(job, entry.deliveryKey, retry),
      })),
    );
    if (jobs.length > 0) await queue.addBulk(jobs);
    const records = redis.pipeline();
    const now = String(Date.now());
    for (const entry of fresh) records.set(recordKey(entry.deliveryKey), now, 'EX', dedupeTtlSeconds, 'NX');
    const claimed = fresh.length > 0 ? ((await records.exec()) ?? []) : [];
    const outcomes = new Map<Pending, IntakeOutcome>();
    fresh.forEach((entry, index) => {
      const [error, reply] = claimed[index] ?? [new Error('no reply')];
      if (error) throw error;
      outcomes.set(entry, reply === 'OK' ? 'accepted' : 'duplicate');
    });
    return batch.map((entry) => outcomes.get(entry) ?? 'duplicate');
  }

  function flush(): void {
    const batch = pending.splice(0, maxBatch);
    if (pending.length > 0) setImmediate(flush);
    write(batch).then(
      (outcomes) => {
        batch.forEach((entry, index) => {
          entry.resolve(outcomes[index]!);
        });
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }

  return {
    accept(deliveryKey, jobs) {
      return new Promise<IntakeOutcome>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ deliveryKey, jobs, resolve, reject });
      });
    },
  };
}
