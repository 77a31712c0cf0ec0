import type { Queue } from 'bullmq';
import { Counter, Gauge, type Metric, Registry } from 'prom-client';
import { DECLINE_REASONS } from '../domain/commands/command-results.ts';
import { TRACKERS } from '../domain/events.ts';
import { linkIndexSize } from '../linking/index.ts';
import type { RedisClient } from '../queue/connection.ts';
import { intakeStreamKey } from '../queue/intake.ts';
import { delayedJobs } from '../queue/jobs.ts';
import { declinedField, JOB_BUCKETS, metricsKey } from './metrics-sink.ts';

export interface MetricsRegistryOptions {
  redis: RedisClient;
  keyPrefix: string;
  queue: Queue;
  now?: () => number;
}

type Snapshot = Map<string, number>;
const REJECTED = new Set(['unconfigured', 'bad_signature', 'invalid', 'unavailable']);
const QUEUE_STATES = ['waiting', 'active', 'prioritized', 'failed', 'completed'] as const;

/** Rows of the snapshot whose field starts with `kind`, as [labels, value]. */
function rows(snapshot: Snapshot, kind: string): [string[], number][] {
  const found: [string[], number][] = [];
  for (const [name, value] of snapshot) {
    const [head, ...labels] = name.split('|');
    if (head === kind) found.push([labels, value]);
  }
  return found;
}

function fromSnapshot<L extends string>(
  registry: Registry,
  read: () => Promise<Snapshot>,
  config: { name: string; help: string; labelNames: L[] },
  fill: (counter: Counter<L>, snapshot: Snapshot) => void,
): void {
  new Counter<L>({
    ...config,
    registers: [registry],
    async collect() {
      const snapshot = await read();
      this.reset();
      fill(this, snapshot);
    },
  });
}

/** A histogram whose buckets were counted elsewhere (in Redis by every worker); rendered cumulatively. */
function jobDurationHistogram(read: () => Promise<Snapshot>): Metric {
  const name = 'refinery_job_duration_seconds';
  const help = 'Duration of job attempts, per capability (job name) and outcome';
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset() {},
    async get() {
      const snapshot = await read();
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      for (const [[capability = '', outcome = ''], count] of rows(snapshot, 'job')) {
        const labels = { capability, outcome };
        let cumulative = 0;
        for (const le of [...JOB_BUCKETS, '+Inf'] as const) {
          cumulative += snapshot.get(['job_bucket', capability, outcome, le].join('|')) ?? 0;
          values.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative });
        }
        const sumMs = snapshot.get(['job_ms', capability, outcome].join('|')) ?? 0;
        values.push({ metricName: `${name}_sum`, labels, value: sumMs / 1000 });
        values.push({ metricName: `${name}_count`, labels, value: count });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
  return metric as unknown as Metric;
}

/**
 * One Registry per app (never prom-client's global one, so apps in one test process do not collide). Counters
 * are read from the Redis hash all processes add to; queue gauges are read from the queue on scrape.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const { redis, queue } = options;
  const now = options.now ?? Date.now;
  const registry = new Registry();
  let pending: Promise<Snapshot> | undefined;
  // One HGETALL per scrape, shared by every metric that reads it.
  // A failed read is forgotten at once: kept, it would fail every scrape after a Redis outage.
  const read = () => {
    pending ??= redis.hgetall(metricsKey(options.keyPrefix)).then(
      (hash) => {
        setTimeout(() => {
          pending = undefined;
        }, 250).unref();
        return new Map(Object.entries(hash).map(([key, value]) => [key, Number(value)]));
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };

  const deliveries = (snapshot: Snapshot) => rows(snapshot, 'delivery');
  fromSnapshot(
    registry,
    read,
    {
      name: 'refinery_webhook_deliveries_total',
      help: 'Webhook deliveries received, by outcome',
      labelNames: ['tracker', 'outcome'],
    },
    (c, s) => {
      for (const [[tracker = '', outcome = ''], v] of deliveries(s)) c.inc({ tracker, outcome }, v);
    },
  );
  fromSnapshot(
    registry,
    read,
    {
      name: 'refinery_webhook_rejected_total',
      help: 'Webhook deliveries rejected, by reason',
      labelNames: ['tracker', 'reason'],
    },
    (c, s) => {
      for (const [[tracker = '', reason = ''], v] of deliveries(s))
        if (REJECTED.has(reason)) c.inc({ tracker, reason }, v);
    },
  );
  fromSnapshot(
    registry,
    read,
    {
      name: 'refinery_webhook_duplicates_total',
      help: 'Repeated deliveries answered as duplicates',
      labelNames: ['tracker'],
    },
    (c, s) => {
      for (const [[tracker = '', outcome], v] of deliveries(s))
        if (outcome === 'duplicate') c.inc({ tracker }, v);
    },
  );
  fromSnapshot(
    registry,
    read,
    {
      name: 'refinery_jobs_total',
      help: 'Job attempts, per capability and outcome',
      labelNames: ['capability', 'outcome'],
    },
    (c, s) => {
      for (const [[capability = '', outcome = ''], v] of rows(s, 'job')) c.inc({ capability, outcome }, v);
    },
  );
  fromSnapshot(
    registry,
    read,
    {
      name: 'refinery_tracker_calls_total',
      help: 'Tracker port calls, by status',
      labelNames: ['tracker', 'operation', 'status'],
    },
    (c, s) => {
      for (const [[tracker = '', operation = '', status = ''], v] of rows(s, 'tracker'))
        c.inc({ tracker, operation, status }, v);
    },
  );
  fromSnapshot(
    registry,
    read,
    {
      name: 'refinery_tracker_rate_limited_total',
      help: 'Tracker answers 429 (or limiter postponements)',
      labelNames: ['tracker'],
    },
    (c, s) => {
      for (const [[tracker = ''], v] of rows(s, 'ratelimit')) c.inc({ tracker }, v);
    },
  );
  fromSnapshot(
    registry,
    read,
    {
      name: 'refinery_tracker_rate_limit_wait_seconds_total',
      help: 'Waits the trackers asked for after 429',
      labelNames: ['tracker'],
    },
    (c, s) => {
      for (const [[tracker = ''], v] of rows(s, 'ratelimit_ms')) c.inc({ tracker }, v / 1000);
    },
  );
  fromSnapshot(
    registry,
    read,
    {
      name: 'refinery_commands_declined_total',
      help: 'Commands the service declined to run for who asked them, by reason',
      labelNames: ['tracker', 'reason'],
    },
    (c, s) => {
      // Every pair of the fixed sets, 0 until it happens: only they are read, so no other text becomes a label.
      for (const tracker of TRACKERS)
        for (const reason of DECLINE_REASONS)
          c.inc({ tracker, reason }, s.get(declinedField(tracker, reason)) ?? 0);
    },
  );
  registry.registerMetric(jobDurationHistogram(read));
  new Gauge({
    name: 'refinery_link_index_documents',
    help: 'Backlog items in the link index (read on each scrape)',
    registers: [registry],
    async collect() {
      this.set(await linkIndexSize(redis, options.keyPrefix));
    },
  });
  new Gauge<'state'>({
    name: 'refinery_queue_jobs',
    help: 'Jobs in the queue, per state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const [counts, delayed] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), delayedJobs(queue)]);
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      // Retries and delays only: a job scheduler's next run is always in BullMQ's delayed list.
      this.set({ state: 'delayed' }, delayed.retries);
      this.set({ state: 'scheduled' }, delayed.scheduled.length);
    },
  });
  new Gauge({
    name: 'refinery_intake_backlog',
    help: 'Deliveries accepted (202) and not yet turned into jobs by a worker',
    registers: [registry],
    async collect() {
      this.set(await redis.xlen(intakeStreamKey(options.keyPrefix)));
    },
  });
  new Gauge({
    name: 'refinery_queue_oldest_wait_seconds',
    help: 'How long the oldest waiting job has waited (0 when none)',
    registers: [registry],
    async collect() {
      const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
      this.set(oldest ? Math.max(0, (now() - oldest.timestamp) / 1000) : 0);
    },
  });
  return registry;
}
