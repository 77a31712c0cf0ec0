import type { TrackerName } from '../domain/events.ts';
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
  job(capability: string, outcome: 'completed' | 'failed' | 'rate_limited', durationMs: number): void;
  trackerCall(tracker: TrackerName, operation: string, status: string): void;
  rateLimited(tracker: TrackerName, waitMs: number): void;
  setLinkIndexSize(documents: number): void;
}

export function metricsKey(keyPrefix: string): string {
  return `{${keyPrefix}:metrics}:counters`;
}

/** Field names of the hash: `kind|label|label...`; labels never contain `|` (names of trackers, jobs, outcomes). */
export const field = (...parts: (string | number)[]) => parts.join('|');

export function createRedisMetricsSink(redis: RedisClient, keyPrefix: string): MetricsSink {
  const key = metricsKey(keyPrefix);
  const send = (build: (multi: ReturnType<RedisClient['multi']>) => void) => {
    const multi = redis.multi();
    build(multi);
    multi.exec().catch(() => undefined);
  };
  return {
    delivery: (tracker, outcome) => send((m) => m.hincrby(key, field('delivery', tracker, outcome), 1)),
    job(capability, outcome, durationMs) {
      const seconds = durationMs / 1000;
      const bucket = JOB_BUCKETS.find((le) => seconds <= le) ?? '+Inf';
      send((m) =>
        m
          .hincrby(key, field('job', capability, outcome), 1)
          .hincrby(key, field('job_ms', capability, outcome), Math.round(durationMs))
          .hincrby(key, field('job_bucket', capability, outcome, bucket), 1),
      );
    },
    trackerCall: (tracker, operation, status) =>
      send((m) => m.hincrby(key, field('tracker', tracker, operation, status), 1)),
    rateLimited: (tracker, waitMs) =>
      send((m) =>
        m
          .hincrby(key, field('ratelimit', tracker), 1)
          .hincrby(key, field('ratelimit_ms', tracker), Math.round(waitMs)),
      ),
    setLinkIndexSize: (documents) =>
      send((m) => m.hset(key, field('gauge', 'link_index_documents'), documents)),
  };
}
