import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIntake, dedupeBuckets, type Intake, intakeStreamKey } from '../../src/queue/intake.ts';
import { dedupeRecord, testRedis, uniquePrefix } from '../helpers/redis.ts';

/**
 * How long intake remembers a delivery, on its own clock: the records live in buckets of half a dedupe window, so
 * a record is seen for at least the window and at most one and a half, and a bucket past the window is unlinked
 * by the next write instead of waiting for its expiry.
 */
const TTL_SECONDS = 1_800;
const PERIOD_MS = (TTL_SECONDS * 1000) / 2;
/** The last millisecond of a bucket: the record written then has the shortest life. */
const END_OF_BUCKET = 1_000 * PERIOD_MS - 1;
/** The clock skew between API processes the doctor lets pass (src/doctor/check-clock.ts). */
const CLOCK_SKEW_MS = 5 * 60_000;

let redis: Redis;
let queue: Queue;
let at = 0;
let prefix = '';
let intake: Intake;

const delivery = (id: string, bodyHash = `hash-${id}`) => ({
  tracker: 'jira' as const,
  deliveryKey: `jira.${id}`,
  bodyHash,
  body: `{"id":"${id}"}`,
});

/** An API process's intake on the current prefix, with its own clock. */
const intakeOn = (now: () => number) =>
  createIntake({
    queue,
    redis,
    keyPrefix: prefix,
    dedupeTtlSeconds: TTL_SECONDS,
    retry: { attempts: 1, backoffMs: 100 },
    now,
  });

beforeAll(() => {
  redis = testRedis();
  queue = new Queue('intake-dedupe', { connection: redis, prefix: `{${uniquePrefix('dedupe')}}` });
});
afterAll(async () => {
  await queue.close();
  redis.disconnect();
});

describe('dedupe window', () => {
  beforeEach(() => {
    prefix = uniquePrefix('dedupe');
    intake = intakeOn(() => at);
  });

  it('knows a delivery id, and its body under another id, for a whole window however late in a bucket it came', async () => {
    at = END_OF_BUCKET;
    expect(await intake.accept(delivery('late'))).toEqual({ outcome: 'accepted' });

    at = END_OF_BUCKET + TTL_SECONDS * 1000 - 1;
    expect(await intake.accept(delivery('late'))).toEqual({ outcome: 'duplicate', storedHash: 'hash-late' });
    expect(await intake.accept(delivery('replayed', 'hash-late'))).toEqual({
      outcome: 'replay',
      originalKey: 'jira.late',
    });
    expect(await redis.xlen(intakeStreamKey(prefix))).toBe(1);
  });

  it('forgets a delivery after one and a half windows at most, and frees its bucket on the next write', async () => {
    const bucketStart = END_OF_BUCKET + 1;
    at = bucketStart;
    await intake.accept(delivery('early'));
    const { live } = dedupeBuckets(prefix, TTL_SECONDS, at);
    // Expiry is only the fallback for a site gone quiet: past the window, not much later.
    const lifetime = await redis.ttl(live[0]!);
    expect(lifetime).toBeGreaterThanOrEqual(1.5 * TTL_SECONDS);
    expect(lifetime).toBeLessThanOrEqual(2 * TTL_SECONDS);

    at = bucketStart + 1.5 * TTL_SECONDS * 1000;
    expect(await intake.accept(delivery('early'))).toEqual({ outcome: 'accepted' });

    // Unlinked once past the window for an API process whose clock runs as far behind as the doctor lets pass.
    at += CLOCK_SKEW_MS;
    expect(await intake.accept(delivery('other'))).toEqual({ outcome: 'accepted' });
    expect(await redis.exists(live[0]!)).toBe(0);
  });

  it('finds a record written by an API process whose clock runs a little ahead', async () => {
    const ahead = intakeOn(() => END_OF_BUCKET + 2);
    expect(await ahead.accept(delivery('skewed'))).toEqual({ outcome: 'accepted' });

    at = END_OF_BUCKET;
    expect(await intake.accept(delivery('skewed'))).toMatchObject({ outcome: 'duplicate' });
  });

  it('keeps a record for the whole window while another API process, its clock ahead, writes', async () => {
    at = END_OF_BUCKET;
    expect(await intake.accept(delivery('late'))).toEqual({ outcome: 'accepted' });
    const ahead = intakeOn(() => at + CLOCK_SKEW_MS);

    at = END_OF_BUCKET + TTL_SECONDS * 1000 - 1;
    expect(await ahead.accept(delivery('other'))).toEqual({ outcome: 'accepted' });
    expect(await intake.accept(delivery('late'))).toEqual({ outcome: 'duplicate', storedHash: 'hash-late' });
    expect(await redis.xlen(intakeStreamKey(prefix))).toBe(2);
  });

  it('one full batch of copies, replays and an id reused with another accepted body is one delivery each', async () => {
    at = END_OF_BUCKET;
    const firsts = Array.from({ length: 50 }, (_, i) => delivery(`batch-${i}`));
    const batch = [
      ...firsts,
      ...firsts,
      ...firsts.map((first, i) => ({ ...first, deliveryKey: `jira.replay-${i}` })),
      ...firsts.map((_, i) => delivery(`batch-${i}`, `hash-batch-${(i + 1) % 50}`)),
    ];

    const receipts = await Promise.all(batch.map((entry) => intake.accept(entry)));

    expect(receipts.slice(0, 50).every((r) => r.outcome === 'accepted')).toBe(true);
    expect(receipts.slice(50, 100)).toEqual(
      firsts.map((f) => ({ outcome: 'duplicate', storedHash: f.bodyHash })),
    );
    expect(receipts.slice(100, 150)).toEqual(
      firsts.map((f) => ({ outcome: 'replay', originalKey: f.deliveryKey })),
    );
    expect(receipts.slice(150)).toEqual(
      firsts.map((f) => ({ outcome: 'duplicate', storedHash: f.bodyHash })),
    );
    expect(await redis.xlen(intakeStreamKey(prefix))).toBe(50);
  });

  it('records what the tests and operators read back: the date and the body hash', async () => {
    at = Date.now();
    await intake.accept(delivery('now', 'f'.repeat(64)));
    expect((await dedupeRecord(redis, prefix, 'jira.now', TTL_SECONDS))?.value).toBe(
      `${at} ${'f'.repeat(64)}`,
    );
  });
});
