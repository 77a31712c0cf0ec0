import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from './connection.ts';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** Whether `key` still holds our token: a random value this process made, not a secret. */
export async function holdsLock(
  redis: RedisClient,
  key: string,
  token: string | undefined,
): Promise<boolean> {
  return Boolean(token) && (await redis.get(key)) === token;
}

export class ItemBusyError extends Error {
  constructor(key: string) {
    super(`Another job is still working on ${key}`);
    this.name = 'ItemBusyError';
  }
}

export interface ItemLockOptions {
  redis: RedisClient;
  keyPrefix: string;
  /** Renewed every third of it while the job runs: a crashed holder's lock expires within one TTL. */
  ttlMs?: number;
  waitMs?: number;
}

/**
 * Serializes the jobs that touch one item across every worker process: two jobs for the same card (its
 * creation and a command on it) must not both find "no comment yet" and both create one.
 */
export function createItemLock({ redis, keyPrefix, ttlMs = 15_000, waitMs = 20_000 }: ItemLockOptions) {
  /** Chained rather than an interval: during a Redis outage renewals wait in line instead of piling up. */
  function keepAlive(key: string, token: string): () => void {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      timer = setTimeout(renew, Math.max(1, Math.floor(ttlMs / 3)));
    };
    const renew = () => {
      redis.eval(RENEW, 1, key, token, ttlMs).then(
        // 0: the lock expired and someone else may hold it now; renewing would not give it back.
        (renewed) => !stopped && renewed === 1 && schedule(),
        () => !stopped && schedule(),
      );
    };
    schedule();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

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
    const stopRenewing = keepAlive(key, token);
    try {
      return await run();
    } finally {
      stopRenewing();
      await redis.eval(RELEASE, 1, key, token).catch(() => 0);
    }
  };
}
