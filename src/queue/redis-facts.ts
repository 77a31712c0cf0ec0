import { parseInfo, type RedisFacts } from '../doctor/check-redis.ts';
import type { RedisClient } from './connection.ts';

/** What the doctor checks on Redis: version, eviction policy, AOF and memory, read with INFO and CONFIG GET. */
export async function readRedisFacts(redis: RedisClient): Promise<RedisFacts> {
  const info = parseInfo(
    [await redis.info('server'), await redis.info('persistence'), await redis.info('memory')].join('\n'),
  );
  let evictionPolicy: string | undefined;
  try {
    evictionPolicy = ((await redis.config('GET', 'maxmemory-policy')) as string[])[1];
  } catch {
    // Managed services may forbid CONFIG; INFO memory names the policy on Redis 7.
    evictionPolicy = info.maxmemory_policy;
  }
  return {
    version: info.redis_version ?? 'unknown',
    evictionPolicy,
    aofEnabled: info.aof_enabled === '1',
    usedMemory: Number(info.used_memory ?? 0),
    maxMemory: Number(info.maxmemory ?? 0),
  };
}
