import type { Queue } from 'bullmq';
import type { JobRequest } from '../domain/job-requests.ts';
import type { RedisClient } from './connection.ts';
import { jobOptions, type RetryPolicy } from './jobs.ts';

export type IntakeOutcome = 'accepted' | 'duplicate';

export interface IntakeOptions {
  queue: Queue;
  redis: RedisClient;
  keyPrefix: string;
  dedupeTtlSeconds: number;
  retry: RetryPolicy;
  /** Most deliveries written to Redis in one round of commands. */
  maxBatch?: number;
}

/** What identifies a delivery's content, so a delivery id arriving again with another body is noticed. */
export interface DeliveryFingerprint {
  /** Hex digest of the raw body, kept in the dedupe record. */
  bodyHash: string;
  /** Called when the id was seen before with a different body (a forged replay, or a sender bug). */
  onReuse(storedHash: string): void;
}

export interface Intake {
  /** Enqueues the jobs of one delivery exactly once; throws when Redis cannot take them (caller answers 503). */
  accept(
    deliveryKey: string,
    jobs: readonly JobRequest[],
    fingerprint?: DeliveryFingerprint,
  ): Promise<IntakeOutcome>;
}

interface Pending {
  deliveryKey: string;
  jobs: readonly JobRequest[];
  fingerprint?: DeliveryFingerprint;
  resolve(outcome: IntakeOutcome): void;
  reject(error: unknown): void;
}

/**
 * Where a delivery's dedupe record lives. One hash tag for all of them: intake checks and records a whole batch
 * of deliveries in one pipeline, which a Redis Cluster accepts only when every key is in the same slot.
 */
export function dedupeKey(keyPrefix: string, deliveryKey: string): string {
  return `{${keyPrefix}:dedupe}:${deliveryKey}`;
}

/** Dedupe record value: `<ms since epoch> <body hash>` (the hash is absent for deliveries without one). */
function recordValue(now: number, entry: Pending): string {
  return entry.fingerprint ? `${now} ${entry.fingerprint.bodyHash}` : String(now);
}

function noticeReuse(entry: Pending, record: unknown): void {
  if (!entry.fingerprint || typeof record !== 'string') return;
  const stored = record.split(' ')[1];
  if (stored !== undefined && stored !== entry.fingerprint.bodyHash) entry.fingerprint.onReuse(stored);
}

/**
 * Order matters for "nothing acknowledged is lost": the dedupe record is written only after the jobs are in
 * Redis. A crash in between leaves no record, the tracker retries, and the re-add is a no-op because job ids
 * derive from the delivery. Concurrent copies race on SET NX: one is accepted, the others are duplicates.
 * The record keeps the body's hash, so an id that comes back with another body is reported (and still dropped).
 *
 * Deliveries arriving in the same event-loop turn share their Redis round trips (one pipeline of checks, one
 * addBulk, one pipeline of records), which is what lets intake keep up with a bare LPUSH under load.
 */
export function createIntake(options: IntakeOptions): Intake {
  const { queue, redis, keyPrefix, dedupeTtlSeconds, retry } = options;
  const maxBatch = options.maxBatch ?? 500;
  const recordKey = (deliveryKey: string) => dedupeKey(keyPrefix, deliveryKey);
  const pending: Pending[] = [];

  async function write(batch: Pending[]): Promise<IntakeOutcome[]> {
    const checks = redis.pipeline();
    for (const entry of batch) checks.get(recordKey(entry.deliveryKey));
    const seen = (await checks.exec()) ?? [];
    const fresh = batch.filter((entry, index) => {
      const [error, record] = seen[index] ?? [new Error('no reply')];
      if (error) throw error;
      noticeReuse(entry, record);
      return record === null;
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
    const now = Date.now();
    for (const entry of fresh)
      records.set(recordKey(entry.deliveryKey), recordValue(now, entry), 'EX', dedupeTtlSeconds, 'NX');
    const claimed = fresh.length > 0 ? ((await records.exec()) ?? []) : [];
    const outcomes = new Map<Pending, IntakeOutcome>();
    const lostRace: Pending[] = [];
    fresh.forEach((entry, index) => {
      const [error, reply] = claimed[index] ?? [new Error('no reply')];
      if (error) throw error;
      outcomes.set(entry, reply === 'OK' ? 'accepted' : 'duplicate');
      if (reply !== 'OK' && entry.fingerprint) lostRace.push(entry);
    });
    // Best effort: the delivery is already safely recorded, so a failed look-up must not turn it into a 503.
    await noticeRaceReuse(lostRace).catch(() => undefined);
    return batch.map((entry) => outcomes.get(entry) ?? 'duplicate');
  }

  /** Copies that raced on SET NX (rare): the winner's record says whether they carried the same body. */
  async function noticeRaceReuse(entries: Pending[]): Promise<void> {
    if (entries.length === 0) return;
    const reads = redis.pipeline();
    for (const entry of entries) reads.get(recordKey(entry.deliveryKey));
    const records = (await reads.exec()) ?? [];
    entries.forEach((entry, index) => {
      noticeReuse(entry, records[index]?.[1]);
    });
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
    accept(deliveryKey, jobs, fingerprint) {
      return new Promise<IntakeOutcome>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ deliveryKey, jobs, fingerprint, resolve, reject });
      });
    },
  };
}
