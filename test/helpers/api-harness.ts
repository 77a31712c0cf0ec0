import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../src/config.ts';
import type { TrackerName } from '../../src/domain/events.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';
import { createRedis, pingRedis } from '../../src/queue/connection.ts';
import { createIntake } from '../../src/queue/intake.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import type { Rules } from '../../src/rules/rules-schema.ts';
import { testRedisUrl, uniquePrefix } from './redis.ts';
import { testConfig } from './test-config.ts';

export interface ApiHarness {
  app: FastifyInstance;
  queue: Queue;
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

export interface ApiHarnessOptions {
  config?: Config;
  rules?: Rules;
  selfIds?: Partial<Record<TrackerName, string>>;
  redisUrl?: string;
}

/** The real API app on a real Redis, with a queue prefix of its own. */
export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const config = options.config ?? testConfig();
  const log = createLogger({ level: 'silent' });
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
  const app = await buildApp({
    config,
    log,
    intake,
    rules: () => rules,
    selfId: (tracker) => options.selfIds?.[tracker],
    isRedisReady: () => pingRedis(redis),
  });
  return {
    app,
    queue,
    redis,
    prefix,
    async close() {
      await app.close();
      await queue.close();
      redis.disconnect();
    },
  };
}
