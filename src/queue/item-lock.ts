import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFence } from '../trackers/write-guard.ts';
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

/**
 * How long an item remembers the turn it was last locked at: longer than any job, or any backfill page, takes
 * between asking `lockTurn` and locking the item.
 */
const LOCKED_AT_TTL_SECONDS = 3_600;

const turnKey = (keyPrefix: string) => `${keyPrefix}:lock-turn`;

/**
 * Every lock taken counts a turn; what a caller read before asking this is older than what a job that locked an
 * item at a later turn read (`lockedBefore`).
 */
export async function lockTurn(redis: RedisClient, keyPrefix: string): Promise<number> {
  return Number((await redis.get(turnKey(keyPrefix))) ?? 0);
}

export interface LockHeld {
  /** The turn the item was last locked at before this lock (0: not within the last hour). */
  lockedBefore: number;
}

/** The name of an item's lock: the processor's (see `lockedItems`), and the jobs that lock items they list. */
export const lockName = (ref: { tracker: string; id: string }) => `${ref.tracker}:${ref.id}`;

export class ItemBusyError extends Error {
  constructor(key: string) {
    super(`Another job is still working on ${key}`);
    this.name = 'ItemBusyError';
  }
}

export type ItemLock = <T>(item: string, run: (held: LockHeld) => Promise<T>) => Promise<T>;

export class ItemLockLostError extends Error {
  constructor(item: string) {
    super(
      `This job lost its lock on ${item} (it ran out while the job ran); its remaining writes are skipped`,
    );
    this.name = 'ItemLockLostError';
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
export function createItemLock({
  redis,
  keyPrefix,
  ttlMs = 15_000,
  waitMs = 20_000,
}: ItemLockOptions): ItemLock {
  /**
   * Chained rather than an interval: during a Redis outage renewals wait in line instead of piling up. `lost` turns
   * true once a renewal finds the lock gone.
   */
  function keepAlive(key: string, token: string): { stop: () => void; lost: () => boolean } {
    let stopped = false;
    let lost = false;
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      timer = setTimeout(renew, Math.max(1, Math.floor(ttlMs / 3)));
    };
    const renew = () => {
      redis.eval(RENEW, 1, key, token, ttlMs).then(
        // 0: the lock expired and someone else may hold it now; renewing would not give it back.
        (renewed) => {
          lost = renewed !== 1;
          if (!stopped && !lost) schedule();
        },
        () => !stopped && schedule(),
      );
    };
    schedule();
    return {
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
      lost: () => lost,
    };
  }

  return async function withItemLock<T>(item: string, run: (held: LockHeld) => Promise<T>): Promise<T> {
    const key = `${keyPrefix}:lock:${item}`;
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    let delay = 20;
    while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) throw new ItemBusyError(item);
      await sleep(delay);
      delay = Math.min(delay * 2, 500);
    }
    const renewal = keepAlive(key, token);
    // Renewal alone cannot keep a lock through a hung Redis link: each write checks the lock is still ours.
    const fence = async () => {
      if (renewal.lost() || !(await holdsLock(redis, key, token))) throw new ItemLockLostError(item);
    };
    try {
      const turn = await redis.incr(turnKey(keyPrefix));
      const before = await redis.set(`${key}:at`, turn, 'EX', LOCKED_AT_TTL_SECONDS, 'GET');
      return await withFence(fence, () => run({ lockedBefore: Number(before ?? 0) }));
    } finally {
      renewal.stop();
      await redis.eval(RELEASE, 1, key, token).catch(() => 0);
    }
  };
}
