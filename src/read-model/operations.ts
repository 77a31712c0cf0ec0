import type { Queue } from 'bullmq';
import { DECLINE_REASONS } from '../domain/commands/command-results.ts';
import { TRACKERS, type TrackerName } from '../domain/events.ts';
import { declinedField, deliveryHourKey, metricsKey, pausesKey } from '../metrics/metrics-sink.ts';
import type { RedisClient } from '../queue/connection.ts';
import { delayedJobs } from '../queue/jobs.ts';
import type { DeliveryHour, OperationsView, RateLimitPause } from './read-model.ts';

const HOURS = 24;
const FAILED_SHOWN = 50;
const PAUSES_SHOWN = 20;

/** The operations page: queue depths and failed jobs from BullMQ, the rest from the metrics group of keys. */
export async function readOperations(
  redis: RedisClient,
  keyPrefix: string,
  queue: Queue,
  now: () => Date,
): Promise<OperationsView> {
  const currentHour = Math.floor(now().getTime() / 3_600_000);
  const hours = Array.from({ length: HOURS }, (_, i) => (currentHour - (HOURS - 1 - i)) * 3_600_000);
  const pipeline = redis.pipeline();
  for (const hour of hours) pipeline.hgetall(deliveryHourKey(keyPrefix, hour));
  pipeline.hmget(
    metricsKey(keyPrefix),
    ...TRACKERS.flatMap((tracker) => [`ratelimit|${tracker}`, `ratelimit_ms|${tracker}`]),
  );
  pipeline.lrange(pausesKey(keyPrefix), 0, PAUSES_SHOWN - 1);
  const declinedFields = DECLINE_REASONS.flatMap((reason) => TRACKERS.map((t) => declinedField(t, reason)));
  pipeline.hmget(metricsKey(keyPrefix), ...declinedFields);
  const [replies, counts, delayed, paused, failed] = await Promise.all([
    pipeline.exec(),
    queue.getJobCounts('waiting', 'active', 'prioritized', 'failed', 'completed'),
    delayedJobs(queue),
    queue.isPaused(),
    queue.getFailed(0, FAILED_SHOWN - 1),
  ]);
  const results = (replies ?? []).map(([, value]) => value);
  const deliveries: DeliveryHour[] = hours.map((hour, i) => ({
    hour: new Date(hour).toISOString(),
    outcomes: Object.fromEntries(
      Object.entries((results[i] as Record<string, string>) ?? {}).map(([outcome, n]) => [
        outcome,
        Number(n),
      ]),
    ),
  }));
  const limits = (results[HOURS] as (string | null)[]) ?? [];
  const pauses = (results[HOURS + 1] as string[]) ?? [];
  const declined = (results[HOURS + 2] as (string | null)[]) ?? [];
  return {
    queue: {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: delayed.retries,
      prioritized: counts.prioritized ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
      paused,
    },
    scheduled: delayed.scheduled,
    failedJobs: failed.map((job) => {
      const item = (job.data as { event?: { item?: { key?: string } } } | undefined)?.event?.item?.key;
      return {
        id: job.id ?? '',
        name: job.name,
        ...(item ? { item } : {}),
        ...(job.failedReason ? { failedReason: job.failedReason } : {}),
        attemptsMade: job.attemptsMade,
        ...(job.finishedOn ? { finishedAt: new Date(job.finishedOn).toISOString() } : {}),
      };
    }),
    deliveries,
    rateLimits: TRACKERS.map((tracker, i) => ({
      tracker,
      pauses: Number(limits[2 * i] ?? 0),
      waitedMs: Number(limits[2 * i + 1] ?? 0),
    })),
    recentPauses: pauses.map((json) => JSON.parse(json) as RateLimitPause),
    commandsDeclined: DECLINE_REASONS.map((reason, r) => ({
      reason,
      counts: Object.fromEntries(
        TRACKERS.map((tracker, t) => [tracker, Number(declined[r * TRACKERS.length + t] ?? 0)]),
      ) as Record<TrackerName, number>,
    })),
  };
}
