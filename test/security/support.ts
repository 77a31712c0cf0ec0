import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import type { Config } from '../../src/config.ts';
import { createDeliveryLog } from '../../src/http/admin/delivery-log.ts';
import { type AppDeps, buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { pingRedis } from '../../src/queue/connection.ts';
import { createIntake } from '../../src/queue/intake.ts';
import { createScheduleRegistrations } from '../../src/queue/schedule-registrations.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { jiraHeaders, trelloHeaders } from '../helpers/sign.ts';
import { testConfig } from '../helpers/test-config.ts';

export type Tracker = 'jira' | 'trello';

/** Headers of a correctly signed delivery of `body` to the tracker's webhook route. */
export function signedHeaders(tracker: Tracker, body: string, deliveryId?: string): Record<string, string> {
  return tracker === 'jira' ? jiraHeaders(body, deliveryId) : trelloHeaders(body);
}

export function postWebhook(
  app: FastifyInstance,
  tracker: Tracker,
  payload: InjectOptions['payload'],
  headers: Record<string, string>,
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: `/webhooks/${tracker}`, payload, headers });
}

export interface CapturedApp {
  app: FastifyInstance;
  harness: ApiHarness;
  /** Every line the app's logger wrote, as written. */
  lines: string[];
  close(): Promise<void>;
}

/**
 * The real app on the harness's Redis and queue, with what the shared harness does not let a test choose:
 * a logger writing into `lines`, and extra app dependencies (timeouts, clock).
 */
export async function startCapturedApp(
  options: { config?: Config; deps?: Partial<AppDeps>; level?: string; admin?: boolean } = {},
): Promise<CapturedApp> {
  const config = options.config ?? testConfig();
  const harness = await startApiHarness({ config });
  const lines: string[] = [];
  const log = createLogger({
    level: options.level ?? 'debug',
    destination: { write: (line: string) => void lines.push(line) },
  });
  const intake = createIntake({
    queue: harness.queue,
    redis: harness.redis,
    keyPrefix: harness.prefix,
    dedupeTtlSeconds: config.dedupeTtlSeconds,
    retry: { attempts: 1, backoffMs: 100 },
  });
  const rules = defaultRules();
  const { queue, redis, prefix } = harness;
  const admin = options.admin
    ? {
        queue,
        intake,
        audit: createRedisAuditStore({ redis, keyPrefix: prefix, retentionDays: 1 }),
        trackers: new Map(),
        rules: () => rules,
        reloadRules: async () => ({ ok: true as const, rules }),
        deliveries: createDeliveryLog(redis, prefix),
        schedules: createScheduleRegistrations(redis, prefix),
        webhookAdmin: {},
      }
    : undefined;
  const app = await buildApp({
    config,
    log,
    intake,
    selfId: () => undefined,
    isRedisReady: () => pingRedis(harness.redis),
    admin,
    ...options.deps,
  });
  return {
    app,
    harness,
    lines,
    async close() {
      await app.close();
      await harness.close();
    },
  };
}
