import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  createOutboundLimiter,
  hashSubject,
  OutboundLimitTimeoutError,
  type RateRule,
} from '../../../src/trackers/rate-limit/outbound-limiter.ts';

let redisA: Redis;
let redisB: Redis;

beforeAll(() => {
  redisA = new Redis(inject('redisUrl'));
  redisB = new Redis(inject('redisUrl'));
});

afterAll(() => {
  redisA.disconnect();
  redisB.disconnect();
});

const rules: RateRule[] = [
  { name: 'token', limit: 10, windowMs: 500 },
  { name: 'key', limit: 15, windowMs: 500 },
];

function uniquePrefix(): string {
  return `{test:ratelimit:${randomUUID()}}`;
}

/** Largest number of grants that fall inside any span shorter than `spanMs`. */
function maxInAnySpan(times: number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let start = 0; start < sorted.length; start++) {
    let end = start;
    while (end < sorted.length && sorted[end]! - sorted[start]! < spanMs) end++;
    best = Math.max(best, end - start);
  }
  return best;
}

describe('createOutboundLimiter', () => {
  interface Attempt {
    at: number;
    took: boolean;
  }
  interface Log {
    attempts: Attempt[];
    inFlight: number;
  }
  const newLog = (): Log => ({ attempts: [], inFlight: 0 });

  /** Each attempt a limiter makes, as its script saw it: the window clock it passed (`now`) and whether it took a slot. */
  function recorded(redis: Redis, log: Log): Redis {
    return new Proxy(redis, {
      get(target, property, receiver) {
        if (property !== 'eval') return Reflect.get(target, property, receiver);
        return async (...args: unknown[]) => {
          log.inFlight++;
          try {
            const result = await (target.eval as (...a: unknown[]) => Promise<unknown>)(...args);
            log.attempts.push({ at: Number(args[2 + Number(args[1])]), took: Number(result) === 0 });
            return result;
          } finally {
            log.inFlight--;
          }
        };
      },
    });
  }

  /**
   * Runs `work` on a virtual clock: the limiters' sleeps and `Date.now()` move on only once every script call has
   * answered, straight to the next wake-up. The windows are then judged on the times the limiter meant: on a busy
   * machine real timers fire late (waits look too long) and calls sampled a few ms apart on two connections may
   * run in Redis in the other order (windows look overfull), neither of which is the limiter's doing.
   */
  async function onVirtualClock<T>(log: Log, work: () => Promise<T>): Promise<T> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], fakeNodeBuiltins: true });
    try {
      let outcome: { value: T } | { error: unknown } | undefined;
      work().then(
        (value) => {
          outcome = { value };
        },
        (error: unknown) => {
          outcome = { error };
        },
      );
      for (;;) {
        do await new Promise((resolve) => setImmediate(resolve));
        while (log.inFlight > 0);
        if (outcome) break;
        if (vi.getTimerCount() === 0) throw new Error('The limiters wait for nothing and never finish');
        await vi.advanceTimersToNextTimerAsync();
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.value;
    } finally {
      vi.useRealTimers();
    }
  }

  it('lets two processes together take at most the limit in any window', async () => {
    const keyPrefix = uniquePrefix();
    const log = newLog();
    const limiters = [redisA, redisB].map((redis) =>
      createOutboundLimiter({ redis: recorded(redis, log), keyPrefix, rules, now: () => Date.now() }),
    );
    const keys = ['token:t1', 'key:k1'];

    await onVirtualClock(log, () =>
      Promise.all(Array.from({ length: 30 }, (_, index) => limiters[index % 2]!.acquire(keys))),
    );

    const grants = log.attempts.filter((attempt) => attempt.took).map((attempt) => attempt.at);
    expect(grants).toHaveLength(30);
    expect(maxInAnySpan(grants, 500)).toBeLessThanOrEqual(10);
    // 30 slots at 10 per window need two windows after the first, and no more than that: each waiter wakes when
    // its slot frees, give or take the few ms of jitter per wake-up.
    const elapsed = Math.max(...grants) - Math.min(...grants);
    expect(elapsed).toBeGreaterThanOrEqual(2 * 500);
    expect(elapsed).toBeLessThan(2 * 500 + 50);
  });

  it('applies the stricter of several rules and keeps subjects apart', async () => {
    const keyPrefix = uniquePrefix();
    const log = newLog();
    const limiter = createOutboundLimiter({
      redis: recorded(redisA, log),
      keyPrefix,
      rules,
      now: () => Date.now(),
    });

    let fifteen: Attempt[] = [];
    await onVirtualClock(log, async () => {
      for (let i = 0; i < 10; i++) await limiter.acquire(['token:a', 'key:shared']);
      for (let i = 0; i < 5; i++) await limiter.acquire(['token:b', 'key:shared']);
      fifteen = [...log.attempts];
      await limiter.acquire(['token:c', 'key:shared']);
    });

    // Two tokens of 10 share the key's 15: the first 15 take a slot at their first attempt.
    expect(fifteen.map((attempt) => attempt.took)).toEqual(Array(15).fill(true));
    // The 16th waits for the key's window, though its token is fresh.
    const { attempts } = log;
    expect(attempts.length).toBeGreaterThan(16);
    const [first, last] = [attempts[0]!, attempts.at(-1)!];
    expect(last.took).toBe(true);
    expect(last.at - first.at).toBeGreaterThanOrEqual(500);
    expect(last.at - first.at).toBeLessThan(500 + 50);
  });

  it('gives up with the time to the next slot when the wait would exceed maxWaitMs', async () => {
    const keyPrefix = uniquePrefix();
    const limiter = createOutboundLimiter({
      redis: redisA,
      keyPrefix,
      rules: [{ name: 'token', limit: 1, windowMs: 5_000 }],
      maxWaitMs: 100,
    });
    await limiter.acquire(['token:x']);

    const failure = await limiter.acquire(['token:x']).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OutboundLimitTimeoutError);
    expect((failure as OutboundLimitTimeoutError).retryAfterMs).toBeGreaterThan(4_000);
  });

  it('stores hashed subjects under one hash tag', async () => {
    const keyPrefix = `test:ratelimit:${randomUUID()}`;
    const limiter = createOutboundLimiter({ redis: redisA, keyPrefix, rules });
    const subject = hashSubject('secret-token');

    await limiter.acquire([`token:${subject}`]);

    const stored = await redisA.keys(`{${keyPrefix}}:*`);
    expect(stored).toEqual([`{${keyPrefix}}:token:${subject}`]);
    expect(stored[0]).not.toContain('secret-token');
  });

  it('rejects a key whose rule does not exist', async () => {
    const limiter = createOutboundLimiter({ redis: redisA, keyPrefix: uniquePrefix(), rules });

    await expect(limiter.acquire(['members:x'])).rejects.toThrow('No rate rule named "members"');
  });
});
