import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { heartbeatKey, isWorkerWedged, WEDGED_AFTER_MS, type WorkerBeat } from '../../workers/heartbeat.ts';
import { testRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const NOW = 1_000_000_000;
const beat = (over: Partial<WorkerBeat>): WorkerBeat => ({
  host: 'h',
  pid: 1,
  startedAt: NOW - 10 * WEDGED_AFTER_MS,
  beatAt: NOW,
  lastJobAt: NOW - 1_000,
  running: true,
  ...over,
});

describe('isWorkerWedged', () => {
  it.each([
    ['took a job recently, jobs waiting', beat({}), 5, false],
    ['idle long, nothing waiting', beat({ lastJobAt: NOW - 2 * WEDGED_AFTER_MS }), 0, false],
    ['idle long, jobs waiting', beat({ lastJobAt: NOW - 2 * WEDGED_AFTER_MS }), 5, true],
    ['never took a job since a long-ago start, jobs waiting', beat({ lastJobAt: null }), 1, true],
    [
      'just started, never took a job, jobs waiting',
      beat({ lastJobAt: null, startedAt: NOW - 1_000 }),
      1,
      false,
    ],
    ['closing (not running), jobs waiting', beat({ lastJobAt: null, running: false }), 1, false],
  ])('%s → %s', (_case, worker, waiting, wedged) => {
    expect(isWorkerWedged(worker, waiting, NOW)).toBe(wedged);
  });
});

/** The container HEALTHCHECK of a worker on this host, as Docker runs it. */
function healthcheck(prefix: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/healthcheck.ts'], {
      env: { PATH: process.env.PATH ?? '', ROLE: 'worker', REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix },
      stdio: 'ignore',
    });
    child.on('exit', (code) => resolve(code));
  });
}

describe('worker healthcheck', () => {
  it('keeps a worker healthy while the queue is paused or waits out a Retry-After, and fails it when it takes nothing otherwise', async () => {
    const prefix = uniquePrefix('wedge');
    const redis = testRedis();
    const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: `{${prefix}}` });
    const idle = beat({ host: hostname(), lastJobAt: Date.now() - 2 * WEDGED_AFTER_MS, beatAt: Date.now() });
    idle.startedAt = Date.now() - 10 * WEDGED_AFTER_MS;
    await redis.hset(heartbeatKey(prefix), 'here', JSON.stringify(idle));
    await queue.add('score-item', {});

    await queue.pause();
    const paused = await healthcheck(prefix);
    await queue.resume();
    // What a tracker's 429 with a Retry-After of five minutes does (the processor's worker.rateLimit).
    await queue.rateLimit(300_000);
    const waitingOutRetryAfter = await healthcheck(prefix);
    await queue.removeRateLimitKey();
    const unpaused = await healthcheck(prefix);
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();

    expect([paused, waitingOutRetryAfter, unpaused]).toEqual([0, 0, 1]);
  });
});
