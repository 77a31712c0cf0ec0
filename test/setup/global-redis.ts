import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureRedisInstalled, type RedisProcess, startRedis } from '../../scripts/lib/redis-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** The suite runs against a real Redis: the one in REDIS_URL, or a private one started here. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.REDIS_URL;
  if (given) {
    project.provide('redisUrl', given);
    return async () => {};
  }
  ensureRedisInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'refinery-test-redis-'));
  const redis: RedisProcess = await startRedis({ dir });
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
