import { hostname } from 'node:os';
import { loadConfig } from '../src/config.ts';
import type { RedisClient } from '../src/queue/connection.ts';
import { QUEUE_NAME } from '../src/queue/jobs.ts';
import { localAddress } from '../src/runtime/address.ts';
import { isWorkerWedged, readHeartbeats } from '../workers/heartbeat.ts';

/**
 * The container HEALTHCHECK: the API role is healthy when /readyz answers 200 (Redis reachable); a worker
 * role has no HTTP port, so it is healthy when its Redis answers and no worker on this host is wedged.
 */
async function check(): Promise<boolean> {
  const config = loadConfig();
  const signal = AbortSignal.timeout(2_500);
  if (config.role !== 'worker') {
    const response = await fetch(`http://${localAddress(config.host, config.port)}/readyz`, { signal });
    return response.ok;
  }
  const { createProbeRedis } = await import('../src/queue/connection.ts');
  const redis = createProbeRedis(config.redisUrl, { cluster: config.redisCluster });
  try {
    await redis.connect();
    if ((await redis.ping()) !== 'PONG') return false;
    return !(await wedgedHere(redis, config.queuePrefix));
  } finally {
    redis.disconnect();
  }
}

/** A worker process on this host that beats but takes no job while jobs wait is unhealthy: restart it. */
async function wedgedHere(redis: RedisClient, prefix: string): Promise<boolean> {
  const { Queue } = await import('bullmq');
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: `{${prefix}}` });
  try {
    // A paused queue (the admin pause), or one waiting out a tracker's Retry-After, holds its jobs back on
    // purpose: workers that take none meanwhile are not wedged.
    if ((await queue.isPaused()) || (await queue.getRateLimitTtl()) > 0) return false;
    const waiting = await queue.getWaitingCount();
    const now = Date.now();
    return (await readHeartbeats(redis, prefix)).some(
      (beat) => beat.host === hostname() && isWorkerWedged(beat, waiting, now),
    );
  } finally {
    await queue.close();
  }
}

process.exit((await check().catch(() => false)) ? 0 : 1);
