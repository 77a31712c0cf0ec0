import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import { type AuditStore, createRedisAuditStore } from '../../src/audit/audit-store.ts';
import type { Config } from '../../src/config.ts';
import type { TrackerName } from '../../src/domain/events.ts';
import type { AdminDeps } from '../../src/http/admin/admin-deps.ts';
import { createDeliveryLog } from '../../src/http/admin/delivery-log.ts';
import { buildApp } from '../../src/http/app.ts';
import type { ConsoleDeps } from '../../src/http/console/console-plugin.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetricsRegistry } from '../../src/metrics/metrics-registry.ts';
import { createRedisMetricsSink, type MetricsSink } from '../../src/metrics/metrics-sink.ts';
import { createRedis, pingRedis, type RedisClient } from '../../src/queue/connection.ts';
import { createIntake, type Intake } from '../../src/queue/intake.ts';
import { createIntakeConsumer } from '../../src/queue/intake-consumer.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { createScheduleRegistrations } from '../../src/queue/schedule-registrations.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import type { Rules } from '../../src/rules/rules-schema.ts';
import { type IntakeRelayDeps, relayBatch } from '../../workers/intake-relay.ts';
import { testRedisUrl, uniquePrefix } from './redis.ts';
import { testConfig } from './test-config.ts';

export interface ApiHarness {
  app: FastifyInstance;
  queue: Queue;
  redis: RedisClient;
  prefix: string;
  /** Set when the harness was started with `admin`. */
  audit?: AuditStore;
  metrics?: { registry: Registry; sink: MetricsSink };
  /** Runs the workers' half of intake until the stream is empty: accepted deliveries become jobs. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface ApiHarnessOptions {
  config?: Config;
  rules?: Rules;
  selfIds?: Partial<Record<TrackerName, string>>;
  redisUrl?: string;
  /** Mounts the admin API and /metrics; what is not given gets a working default on the harness's Redis. */
  admin?: Partial<AdminDeps>;
  /** A function gets the harness's Redis, queue and intake, to build the console on them. */
  console?:
    | ConsoleDeps
    | ((env: { redis: RedisClient; queue: Queue; intake: Intake; prefix: string }) => ConsoleDeps);
  /** Where the app logs (JSON lines); silent without it. */
  logTo?: DestinationStream;
}

/** The real API app on a real Redis, with a queue prefix of its own. */
export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const config = options.config ?? testConfig();
  const log = options.logTo
    ? createLogger({ level: 'info', destination: options.logTo })
    : createLogger({ level: 'silent' });
  const prefix = uniquePrefix('api');
  const redis = createRedis(options.redisUrl ?? testRedisUrl(), 'producer', log);
  await new Promise<void>((resolve) =>
    redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve()),
  );
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: `{${prefix}}` });
  const intake = createIntake({
    queue,
    redis,
    keyPrefix: prefix,
    dedupeTtlSeconds: config.dedupeTtlSeconds,
    retry: { attempts: 3, backoffMs: 100 },
  });
  const rules = options.rules ?? defaultRules();
  const selfId = (tracker: TrackerName) => options.selfIds?.[tracker];
  const relay: IntakeRelayDeps = {
    consumer: createIntakeConsumer({ redis, keyPrefix: prefix, consumer: 'harness', minIdleMs: 1_000 }),
    queue,
    rules: () => rules,
    selfId,
    retry: { attempts: 3, backoffMs: 100 },
    log,
  };
  const audit = options.admin
    ? createRedisAuditStore({ redis, keyPrefix: prefix, retentionDays: config.auditRetentionDays })
    : undefined;
  const metrics = options.admin
    ? {
        registry: createMetricsRegistry({ redis, keyPrefix: prefix, queue }),
        sink: createRedisMetricsSink(redis, prefix),
      }
    : undefined;
  const admin: AdminDeps | undefined =
    options.admin && audit
      ? {
          queue,
          intake,
          audit,
          trackers: new Map(),
          rules: () => rules,
          reloadRules: async () => ({ ok: true, rules }),
          deliveries: createDeliveryLog(redis, prefix),
          schedules: createScheduleRegistrations(redis, prefix),
          webhookAdmin: {},
          ...options.admin,
        }
      : undefined;
  const app = await buildApp({
    config,
    log,
    intake,
    selfId,
    isRedisReady: () => pingRedis(redis),
    admin,
    console:
      typeof options.console === 'function'
        ? options.console({ redis, queue, intake, prefix })
        : options.console,
    metrics,
  });
  return {
    app,
    queue,
    redis,
    prefix,
    audit,
    metrics,
    async drain() {
      while ((await relayBatch(relay)) > 0);
    },
    async close() {
      await app.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
