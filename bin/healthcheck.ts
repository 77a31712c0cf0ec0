import { loadConfig } from '../src/config.ts';

/**
 * The container HEALTHCHECK: the API role is healthy when /readyz answers 200 (Redis reachable); a worker
 * role has no HTTP port, so it is healthy when its Redis answers.
 */
async function check(): Promise<boolean> {
  const config = loadConfig();
  const signal = AbortSignal.timeout(2_500);
  if (config.role !== 'worker') {
    const response = await fetch(`http://127.0.0.1:${config.port}/readyz`, { signal });
    return response.ok;
  }
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
  });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } finally {
    redis.disconnect();
  }
}

process.exit((await check().catch(() => false)) ? 0 : 1);
