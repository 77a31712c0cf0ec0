import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import { createRedisAuditStore } from '../../audit/audit-store.ts';
import type { Config } from '../../config.ts';
import { createProcessDoctor } from '../../doctor/setups.ts';
import type { TrackerName } from '../../domain/events.ts';
import type { Logger } from '../../logger.ts';
import { instrumentTracker } from '../../metrics/instrumented-tracker.ts';
import { createMetricsRegistry } from '../../metrics/metrics-registry.ts';
import { createRedisMetricsSink, type MetricsSink } from '../../metrics/metrics-sink.ts';
import type { RedisClient } from '../../queue/connection.ts';
import type { Intake } from '../../queue/intake.ts';
import { createScheduleRegistrations } from '../../queue/schedule-registrations.ts';
import { announceRulesReload } from '../../runtime/rules-reload.ts';
import type { RulesStore } from '../../runtime/rules-store.ts';
import { createTrelloLimiter, trelloOptions } from '../../runtime/trackers.ts';
import type { Tracker } from '../../trackers/tracker.ts';
import { createTrelloWebhookAdmin } from '../../trackers/trello/trello-webhook-admin.ts';
import type { AdminDeps } from './admin-deps.ts';
import { createDeliveryLog } from './delivery-log.ts';

export interface AdminRuntimeOptions {
  config: Config;
  log: Logger;
  queue: Queue;
  intake: Intake;
  /** A `client` connection: audit, counters and delivery times. */
  redis: RedisClient;
  trackers: ReadonlyMap<TrackerName, Tracker>;
  rules: RulesStore;
}

/** What the API process builds for the admin API and /metrics, from the clients it already has. */
export function createAdminRuntime(options: AdminRuntimeOptions): {
  admin: AdminDeps;
  metrics: { registry: Registry; sink: MetricsSink };
} {
  const { config, log, queue, intake, redis, rules } = options;
  const sink = createRedisMetricsSink(redis, config.queuePrefix);
  const trackers = new Map([...options.trackers].map(([name, t]) => [name, instrumentTracker(t, sink)]));
  const limiter = createTrelloLimiter(config, redis);
  const trello = trelloOptions(config, log, limiter);
  const admin: AdminDeps = {
    queue,
    intake,
    audit: createRedisAuditStore({
      redis,
      keyPrefix: config.queuePrefix,
      retentionDays: config.auditRetentionDays,
    }),
    trackers,
    rules: () => rules.current(),
    reloadRules: async () => {
      const result = await rules.reload();
      return result.ok ? { ...result, told: await announceRulesReload(redis, config.queuePrefix) } : result;
    },
    deliveries: createDeliveryLog(redis, config.queuePrefix),
    schedules: createScheduleRegistrations(redis, config.queuePrefix),
    webhookAdmin: trello ? { trello: createTrelloWebhookAdmin(trello) } : {},
    doctor: createProcessDoctor({ config, log, redis, limiter, rules: () => rules.current() }),
  };
  return {
    admin,
    metrics: { registry: createMetricsRegistry({ redis, keyPrefix: config.queuePrefix, queue }), sink },
  };
}
