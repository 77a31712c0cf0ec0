import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

/**
 * Connections have roles (BullMQ production guide): the API's producer fails fast so a webhook gets a 503
 * and the tracker retries; a worker's connection waits for Redis forever and resumes by itself.
 */
export type RedisRole = 'producer' | 'worker' | 'client';

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  producer: {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    connectTimeout: 2_000,
  },
  worker: { maxRetriesPerRequest: null, enableReadyCheck: false },
  client: { maxRetriesPerRequest: 3, commandTimeout: 5_000 },
};

export function createRedis(url: string, role: RedisRole, log: Logger): Redis {
  const redis = new Redis(url, {
    ...ROLE_OPTIONS[role],
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let lastError = '';
  // Without a listener ioredis prints every reconnect failure as an unhandled error event.
  redis.on('error', (error: Error) => {
    if (error.message !== lastError)
      log.warn({ role, err: { message: error.message } }, 'Redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) log.info({ role }, 'Redis connection restored');
    lastError = '';
  });
  return redis;
}

/** True when Redis answers a PING within the timeout: what readiness probes report. */
export async function pingRedis(redis: Redis, timeoutMs = 1_000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((answer) => answer === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
