import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
  it('lets two processes together take at most the limit in any window', async () => {
    const keyPrefix = uniquePrefix();
    const limiters = [
      createOutboundLimiter({ redis: redisA, keyPrefix, rules }),
      createOutboundLimiter({ redis: redisB, keyPrefix, rules }),
    ];
    const grants: number[] = [];
    const keys = ['token:t1', 'key:k1'];

    await Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        await limiters[index % 2]!.acquire(keys);
        grants.push(performance.now());
      }),
    );

    expect(grants).toHaveLength(30);
    // Slightly shorter than the window: grants are timed when the promise settles, a few ms after Redis.
    expect(maxInAnySpan(grants, 480)).toBeLessThanOrEqual(10);
    const elapsed = Math.max(...grants) - Math.min(...grants);
    expect(elapsed).toBeGreaterThanOrEqual(2 * 480);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('applies the stricter of several rules and keeps subjects apart', async () => {
    const keyPrefix = uniquePrefix();
    const limiter = createOutboundLimiter({ redis: redisA, keyPrefix, rules });
    const started = performance.now();

    for (let i = 0; i < 10; i++) await limiter.acquire(['token:a', 'key:shared']);
    for (let i = 0; i < 5; i++) await limiter.acquire(['token:b', 'key:shared']);
    const quickDone = performance.now() - started;
    await limiter.acquire(['token:c', 'key:shared']);

    expect(quickDone).toBeLessThan(300);
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
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
