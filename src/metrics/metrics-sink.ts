import type { DeclineReason } from '../domain/commands/command-results.ts';
import type { TrackerName } from '../domain/events.ts';
import type { RateLimitScope } from '../errors.ts';
import type { RedisClient } from '../queue/connection.ts';

/** Job duration buckets in seconds: tracker-bound jobs take from a fraction of a second to a few minutes. */
export const JOB_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180] as const;

/**
 * Where every process (API replicas and workers) adds its counts. They land in one Redis hash, so /metrics on
 * any API process shows the whole service and counters survive restarts; writes are fire-and-forget, since a
 * metric must never fail a delivery or a job.
 */
export interface MetricsSink {
  delivery(tracker: TrackerName, outcome: string): void;
  job(
    capability: string,
    outcome: 'completed' | 'failed' | 'rate_limited' | 'rate_limit_gave_up',
    durationMs: number,
  ): void;
  trackerCall(tracker: TrackerName, operation: string, status: string): void;
  /** A tracker asked us to wait: the whole queue paused (`tracker`), or one item or endpoint held. */
  rateLimited(tracker: TrackerName, waitMs: number, scope: RateLimitScope): void;
  /** Commands of a comment on `tracker` the service declined to run for who asked them. */
  commandsDeclined(tracker: TrackerName, reason: DeclineReason, commands: number): void;
  /** Writes what is still held in memory (the /metrics route does before reading; shutdown does too). */
  flush(): Promise<void>;
}

export function metricsKey(keyPrefix: string): string {
  return `{${keyPrefix}:metrics}:counters`;
}

/** Hash per hour (ms of its start): delivery outcome → count, for the console's deliveries chart. */
export function deliveryHourKey(keyPrefix: string, hourMs: number): string {
  return `{${keyPrefix}:metrics}:deliveries:${hourMs}`;
}

/** List of the latest rate-limit pauses (JSON, newest first). */
export function pausesKey(keyPrefix: string): string {
  return `{${keyPrefix}:metrics}:pauses`;
}

/** Hourly counts outlive the chart's 24 hours by a few days; older hours expire. */
const HOUR_TTL_SECONDS = 8 * 86_400;
const PAUSES_KEPT = 100;

/** Field names of the hash: `kind|label|label...`; labels never contain `|` (names of trackers, jobs, outcomes). */
export const field = (...parts: (string | number)[]) => parts.join('|');

/** The hash field of commands declined on `tracker` for `reason`. */
export const declinedField = (tracker: TrackerName, reason: DeclineReason) =>
  field('commands_declined', tracker, reason);

/** How long counts wait in memory before one write: per-delivery writes cost more than the delivery itself. */
const FLUSH_MS = 500;

export function createRedisMetricsSink(
  redis: RedisClient,
  keyPrefix: string,
  flushMs = FLUSH_MS,
): MetricsSink {
  const key = metricsKey(keyPrefix);
  const counts = new Map<string, number>();
  /** Hour start (ms) → outcome → count. */
  const hourly = new Map<number, Map<string, number>>();
  const pauses: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const add = (name: string, by: number) => {
    counts.set(name, (counts.get(name) ?? 0) + by);
    timer ??= setTimeout(() => void flush(), flushMs).unref();
  };
  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (counts.size === 0) return;
    const taken = { counts: new Map(counts), hourly: new Map(hourly), pauses: [...pauses] };
    counts.clear();
    hourly.clear();
    pauses.length = 0;
    const multi = redis.multi();
    for (const [name, by] of taken.counts) multi.hincrby(key, name, by);
    for (const [hour, outcomes] of taken.hourly) {
      const hourKey = deliveryHourKey(keyPrefix, hour);
      for (const [outcome, by] of outcomes) multi.hincrby(hourKey, outcome, by);
      multi.expire(hourKey, HOUR_TTL_SECONDS);
    }
    if (taken.pauses.length > 0)
      multi.lpush(pausesKey(keyPrefix), ...taken.pauses).ltrim(pausesKey(keyPrefix), 0, PAUSES_KEPT - 1);
    // Redis down: the counts wait for the next flush. The counts of an outage are the ones an operator looks for;
    // a write that landed but lost its answer counts twice, the smaller error.
    if ((await multi.exec().catch(() => null)) !== null) return;
    for (const [name, by] of taken.counts) add(name, by);
    for (const [hour, outcomes] of taken.hourly) {
      const merged = hourly.get(hour) ?? new Map<string, number>();
      for (const [outcome, by] of outcomes) merged.set(outcome, (merged.get(outcome) ?? 0) + by);
      hourly.set(hour, merged);
    }
    pauses.push(...taken.pauses.slice(0, Math.max(0, PAUSES_KEPT - pauses.length)));
  }
  return {
    delivery(tracker, outcome) {
      const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      const outcomes = hourly.get(hour) ?? new Map<string, number>();
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      hourly.set(hour, outcomes);
      add(field('delivery', tracker, outcome), 1);
    },
    job(capability, outcome, durationMs) {
      const seconds = durationMs / 1000;
      const bucket = JOB_BUCKETS.find((le) => seconds <= le) ?? '+Inf';
      add(field('job', capability, outcome), 1);
      add(field('job_ms', capability, outcome), Math.round(durationMs));
      add(field('job_bucket', capability, outcome, bucket), 1);
    },
    trackerCall: (tracker, operation, status) => add(field('tracker', tracker, operation, status), 1),
    rateLimited(tracker, waitMs, scope) {
      pauses.unshift(
        JSON.stringify({ tracker, at: new Date().toISOString(), pauseMs: Math.round(waitMs), scope }),
      );
      add(field('ratelimit', tracker), 1);
      add(field('ratelimit_ms', tracker), Math.round(waitMs));
    },
    commandsDeclined(tracker, reason, commands) {
      if (commands > 0) add(declinedField(tracker, reason), commands);
    },
    flush,
  };
}
