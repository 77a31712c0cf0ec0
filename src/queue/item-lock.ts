import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class ItemBusyError extends Error {
  constructor(key: string) {
    super(`Another job is still working on ${key}`);
    this.name = 'ItemBusyError';
  }
}

export interface ItemLockOptions {
  redis: Redis;
  keyPrefix: string;
  /** Longer than any job holds it; a crashed holder's lock expires by itself. */
  ttlMs?: number;
  waitMs?: number;
}

/**
 * Serializes the jobs that touch one item across every worker process: two jobs for the same card (its
 * creation and a command on it) must not both find "no comment yet" and both create one.
 */
export function createItemLock({ redis, keyPrefix, ttlMs = 60_000, waitMs = 20_000 }: ItemLockOptions) {
  return async function withItemLock<T>(item: string, run: () => Promise<T>): Promise<T> {
    const key = `${keyPrefix}:lock:${item}`;
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    let delay = 20;
    while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new ItemBusyError(item);
      await sleep(delay);
      delay = Math.min(delay * 2, 500);
    }
    try {
      return await run();
    } finally {
      await redis.eval(RELEASE, 1, key, token).catch(() => 0);
    }
  };
}
