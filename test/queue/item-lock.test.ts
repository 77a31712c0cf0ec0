import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createItemLock, ItemBusyError, lockTurn } from '../../src/queue/item-lock.ts';
import { guardWrite } from '../../src/trackers/write-guard.ts';
import { testRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

const TTL_MS = 500;
const redis = testRedis();
afterAll(() => redis.disconnect());

function lockOn(client: Redis, keyPrefix: string, waitMs = 2_000) {
  return createItemLock({ redis: client, keyPrefix, ttlMs: TTL_MS, waitMs });
}

describe('per-item lock', () => {
  it('a job running for several TTLs keeps its item: a second job cannot take it meanwhile', async () => {
    const prefix = uniquePrefix('lock');
    const events: string[] = [];
    const long = lockOn(redis, prefix)('jira:1', async () => {
      events.push('long started');
      await sleep(TTL_MS * 4);
      events.push('long finished');
    });
    await sleep(TTL_MS * 2);

    const second = await lockOn(
      redis,
      prefix,
      TTL_MS,
    )('jira:1', async () => events.push('second ran')).catch((error: unknown) => error);
    await long;

    expect(second).toBeInstanceOf(ItemBusyError);
    expect(events).toEqual(['long started', 'long finished']);
  });

  it('the next job takes the item as soon as the previous one ends', async () => {
    const prefix = uniquePrefix('lock');
    await lockOn(redis, prefix)('jira:2', () => sleep(TTL_MS));
    await sleep(TTL_MS);

    expect(await redis.exists(`${prefix}:lock:jira:2`)).toBe(0);
    const started = Date.now();
    await lockOn(redis, prefix)('jira:2', async () => undefined);
    expect(Date.now() - started).toBeLessThan(TTL_MS);
  });

  it('a holder that dies mid-job (no renewal, no release) frees its item after about one TTL', async () => {
    const prefix = uniquePrefix('lock');
    const doomed = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    doomed.on('error', () => undefined);
    let finish = () => {};
    const abandoned = lockOn(doomed, prefix)(
      'jira:3',
      () => new Promise<void>((resolve) => (finish = resolve)),
    );
    await sleep(50);
    doomed.disconnect();
    const diedAt = Date.now();

    await lockOn(redis, prefix, TTL_MS * 10)('jira:3', async () => undefined);
    const freedAfterMs = Date.now() - diedAt;
    finish();
    await abandoned;

    expect(freedAfterMs).toBeGreaterThan(TTL_MS / 2);
    expect(freedAfterMs).toBeLessThan(TTL_MS * 4);
  });

  it('tells each holder whether the item was locked after a turn it noted (a backfill after its listing)', async () => {
    const prefix = uniquePrefix('lock');
    const withLock = lockOn(redis, prefix);
    await withLock('jira:4', async () => undefined);
    const listedAfter = await lockTurn(redis, prefix);
    await withLock('jira:5', async () => undefined);
    // A webhook job on jira:4 after the listing.
    await withLock('jira:4', async () => undefined);

    expect(await withLock('jira:4', async ({ lockedBefore }) => lockedBefore > listedAfter)).toBe(true);
    expect(await withLock('jira:6', async ({ lockedBefore }) => lockedBefore)).toBe(0);
    const later = await lockTurn(redis, prefix);
    expect(await withLock('jira:5', async ({ lockedBefore }) => lockedBefore > later)).toBe(false);
  });

  it('a job that outlived its lock (its Redis link hung past the TTL) writes nothing once another job took the item', async () => {
    const prefix = uniquePrefix('lock');
    const port = Number(new URL(testRedisUrl()).port);
    const proxy = await startTcpProxy({ targetPort: port, delayMs: 0 });
    const hungWorker = new Redis(proxy.url, { maxRetriesPerRequest: null });
    const writes: string[] = [];
    let holding = () => {};
    const holds = new Promise<void>((resolve) => (holding = resolve));
    let trackerAnswers = () => {};
    const slow = lockOn(hungWorker, prefix)('jira:4', async () => {
      holding();
      // A slow tracker read; meanwhile this worker's link to Redis hangs, so its renewals do not get through.
      await new Promise<void>((resolve) => (trackerAnswers = resolve));
      await guardWrite();
      writes.push('slow job');
    });
    const outcome = slow.then(
      () => 'wrote',
      (error: Error) => error.message,
    );
    try {
      // Not a fixed pause: on a loaded machine taking the lock through the proxy can outlast one, and a link hung
      // before the job holds the item hangs the job's start instead of its renewals.
      await holds;
      proxy.hang();

      // The lock runs out: the next job of the item waits for that, takes it, writes, and is done.
      await lockOn(
        redis,
        prefix,
        TTL_MS * 20,
      )('jira:4', async () => {
        await guardWrite();
        writes.push('next job');
      });
      proxy.flow();
      trackerAnswers();

      expect(await outcome).toMatch(/lost its lock on jira:4/);
      expect(writes).toEqual(['next job']);
    } finally {
      hungWorker.disconnect();
      await proxy.close();
    }
  });
});
