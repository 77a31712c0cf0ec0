import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/redis-process.ts';
import { apiReady, type ServiceProcess, startServiceProcess } from '../../scripts/lib/service-process.ts';
import { waitFor } from '../../scripts/lib/stack.ts';
import { createLogger } from '../../src/logger.ts';
import {
  createIntake,
  dedupeBuckets,
  type Intake,
  intakeStreamKey,
  isBucketOfThisWindow,
} from '../../src/queue/intake.ts';
import {
  carryLegacyDedupeRecords,
  legacyField,
  migrateLegacyDedupeRecords,
} from '../../src/queue/legacy-dedupe.ts';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { testRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

/**
 * Upgrading from a release that kept two keys per delivery: what it recorded must still be known after the
 * upgrade, or a delivery it accepted could be replayed under a new id into second effects.
 */
const TTL_SECONDS = 86_400;

/** One accepted delivery's records as releases before 2026-12-06 wrote them: two keys with their own lifetime. */
function legacyKeys(prefix: string, deliveryKey: string, bodyHash: string) {
  return {
    id: `{${prefix}:intake}:dedupe:${deliveryKey}`,
    body: `{${prefix}:intake}:body:jira.${bodyHash}`,
  };
}

/** Whether the bucket intake writes now holds a delivery's two records (copied there from elsewhere). */
async function copied(keyPrefix: string, deliveryKey: string, bodyHash: string): Promise<boolean> {
  const bucket = dedupeBuckets(keyPrefix, TTL_SECONDS, Date.now()).live[0]!;
  const values = await redis.hmget(bucket, `id:${deliveryKey}`, `body:jira.${bodyHash}`);
  return values.every((value) => value !== null);
}

async function writeLegacyRecords(redis: Redis, prefix: string, deliveryKey: string, bodyHash: string) {
  const keys = legacyKeys(prefix, deliveryKey, bodyHash);
  await redis.set(keys.id, `${Date.now() - 3_600_000} ${bodyHash}`, 'EX', TTL_SECONDS - 3_600);
  await redis.set(keys.body, deliveryKey, 'EX', TTL_SECONDS - 3_600);
  return { ...keys, deliveryKey };
}

let redis: Redis;
let queue: Queue;
let prefix = '';
let intake: Intake;

const migrate = () => migrateLegacyDedupeRecords({ redis, keyPrefix: prefix, dedupeTtlSeconds: TTL_SECONDS });
const delivery = (id: string, bodyHash: string) => ({
  tracker: 'jira' as const,
  deliveryKey: `jira.${id}`,
  bodyHash,
  body: `{"id":"${id}"}`,
});

/** What intake must know of an accepted delivery: a retry of it is a duplicate, its body under a new id a replay. */
async function expectKnown(on: Intake, id: string, bodyHash: string) {
  expect(await on.accept(delivery(id, bodyHash))).toEqual({ outcome: 'duplicate', storedHash: bodyHash });
  expect(await on.accept(delivery(`replay-of-${id}`, bodyHash))).toEqual({
    outcome: 'replay',
    originalKey: `jira.${id}`,
  });
}

beforeAll(() => {
  redis = testRedis();
  queue = new Queue('legacy-dedupe', { connection: redis, prefix: `{${uniquePrefix('legacy')}}` });
});
afterAll(async () => {
  await queue.close();
  redis.disconnect();
});

describe("which keys are the previous release's records", () => {
  it.each([
    ['{p:intake}:dedupe:jira.10001', 'id:jira.10001'],
    ['{p:intake}:dedupe:trello.5f0a9b', 'id:trello.5f0a9b'],
    ['{p:intake}:body:jira.9c1e', 'body:jira.9c1e'],
    ['{p:intake}:body:trello.77aa', 'body:trello.77aa'],
    ['{p:intake}:dedupe:42', undefined],
    ['{p:intake}:deliveries', undefined],
    ['{p:intake}:dedupe:github.1', undefined],
    ['{other:intake}:dedupe:jira.1', undefined],
    ['{q:intake}:dedupe:jira.1', undefined],
    ['{p:intake}:old:dedupe:jira.1', undefined],
    ['{p:intake}:old:body:jira.9c1e', undefined],
  ])('%s → %s', (key, field) => {
    expect(legacyField('p', key)).toBe(field);
  });
});

describe('dedupe records of the previous release', () => {
  beforeEach(() => {
    prefix = uniquePrefix('legacy');
    intake = createIntake({
      queue,
      redis,
      keyPrefix: prefix,
      dedupeTtlSeconds: TTL_SECONDS,
      retry: { attempts: 1, backoffMs: 100 },
    });
  });

  it('are still known after the upgrade: a retry is a duplicate, the body under a new id a replay', async () => {
    const keys = await writeLegacyRecords(redis, prefix, 'jira.before-upgrade', 'hash-before');

    expect(await migrate()).toBe(2);
    // Left to expire: processes of the older release, still running during a rolling upgrade, read them.
    expect(await redis.exists(keys.id, keys.body)).toBe(2);
    expect(await migrate()).toBe(0);
    await expectKnown(intake, 'before-upgrade', 'hash-before');
    expect(await intake.accept(delivery('new', 'hash-new'))).toEqual({ outcome: 'accepted' });
    expect(await redis.xlen(intakeStreamKey(prefix))).toBe(1);
  });

  it("copy once however many processes run it, over many SCAN pages, and only this prefix's", async () => {
    for (let n = 0; n < 1_500; n++) await writeLegacyRecords(redis, prefix, `jira.d${n}`, `h${n}`);
    await intake.accept(delivery('after-upgrade', 'hash-after'));
    const otherPrefix = uniquePrefix('legacy');
    const elsewhere = await writeLegacyRecords(redis, otherPrefix, 'jira.elsewhere', 'hash-elsewhere');

    const copies = await Promise.all([migrate(), migrate(), migrate()]);

    expect(copies.reduce((sum, n) => sum + n, 0)).toBe(3_000);
    expect(await migrate()).toBe(0);
    expect(await copied(prefix, elsewhere.deliveryKey, 'hash-elsewhere')).toBe(false);
    expect(await copied(otherPrefix, elsewhere.deliveryKey, 'hash-elsewhere')).toBe(false);
    expect(await intake.accept(delivery('d1499', 'other'))).toMatchObject({ outcome: 'duplicate' });
    expect(await intake.accept(delivery('again', 'h0'))).toEqual({
      outcome: 'replay',
      originalKey: 'jira.d0',
    });
    expect(await intake.accept(delivery('after-upgrade', 'hash-after'))).toMatchObject({
      outcome: 'duplicate',
    });
    expect(await redis.xlen(intakeStreamKey(prefix))).toBe(1);
  });
});

describe('dedupe records written under another DEDUPE_TTL_SECONDS', () => {
  const intakeWith = (dedupeTtlSeconds: number, now?: () => number) =>
    createIntake({
      queue,
      redis,
      keyPrefix: prefix,
      dedupeTtlSeconds,
      retry: { attempts: 1, backoffMs: 100 },
      now,
    });

  it("a bucket is this window's from four periods back (not yet expired) to one ahead (a clock running fast)", () => {
    const periodMs = (1_800 * 1000) / 2;
    const now = 1_000 * periodMs + 1;
    const ours = [994, 995, 996, 1000, 1001, 1002].map((index) => isBucketOfThisWindow(index, 1_800, now));
    expect(ours).toEqual([false, false, true, true, true, false]);
  });

  it('are still known after the change; the buckets of this window are left as they are', async () => {
    prefix = uniquePrefix('legacy');
    const twoDays = 2 * TTL_SECONDS;
    expect(await intakeWith(twoDays).accept(delivery('before-change', 'hash-before'))).toEqual({
      outcome: 'accepted',
    });
    const halfWindowAgo = Date.now() - (TTL_SECONDS * 1000) / 2;
    await intakeWith(TTL_SECONDS, () => halfWindowAgo).accept(delivery('this-window', 'hash-this'));
    const oldBucket = dedupeBuckets(prefix, twoDays, Date.now()).live[0]!;
    const ownOlderBucket = dedupeBuckets(prefix, TTL_SECONDS, halfWindowAgo).live[0]!;

    expect(await migrate()).toBe(2);

    const changed = intakeWith(TTL_SECONDS);
    await expectKnown(changed, 'before-change', 'hash-before');
    // Left to expire: a process still running with the former setting (a rolling change) knows its records too.
    expect(await redis.exists(oldBucket)).toBe(1);
    expect(await intakeWith(twoDays).accept(delivery('before-change', 'hash-before'))).toEqual({
      outcome: 'duplicate',
      storedHash: 'hash-before',
    });
    expect(await redis.hget(ownOlderBucket, 'id:jira.this-window')).toMatch(/ hash-this$/);
    expect(await migrate()).toBe(0);
  });

  it('carry a large bucket over whole, page after page', async () => {
    prefix = uniquePrefix('legacy');
    const before = intakeWith(2 * TTL_SECONDS);
    await Promise.all(Array.from({ length: 1_500 }, (_, n) => before.accept(delivery(`d${n}`, `h${n}`))));

    expect(await migrate()).toBe(3_000);
    await expectKnown(intakeWith(TTL_SECONDS), 'd0', 'h0');
    await expectKnown(intakeWith(TTL_SECONDS), 'd1499', 'h1499');
  });
});

describe('in the background of an API process', () => {
  it('copies them once Redis is ready and again later (a rolling upgrade), and says how many it copied', async () => {
    prefix = uniquePrefix('legacy');
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      destination: { write: (line: string) => void lines.push(line) },
    });
    const first = await writeLegacyRecords(redis, prefix, 'jira.first', 'hash-first');
    const carrying = carryLegacyDedupeRecords({
      redis,
      keyPrefix: prefix,
      dedupeTtlSeconds: TTL_SECONDS,
      log,
      rescanMs: 2_000,
    });
    try {
      await waitFor(() => copied(prefix, first.deliveryKey, 'hash-first'), 5_000);
      // Written by a process of the older release still running, after the first pass (ms) and before the second.
      const late = await writeLegacyRecords(redis, prefix, 'jira.late', 'hash-late');
      await waitFor(() => copied(prefix, late.deliveryKey, 'hash-late'), 10_000);
      // A pass says how many it copied once it has copied them all: its records may show before its log line.
      await waitFor(() => lines.length >= 2, 5_000);
    } finally {
      carrying.stop();
    }

    const logged = lines.map((line) => JSON.parse(line) as { copied?: number; msg: string });
    expect(logged.map(({ copied, msg }) => [copied, msg])).toEqual([
      [2, 'Copied dedupe records intake no longer reads into the current bucket'],
      [2, 'Copied dedupe records intake no longer reads into the current bucket'],
    ]);
  });
});

describe('in the background, quietly', () => {
  const logTo = (lines: string[]) =>
    createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const carry = (lines: string[], rescanMs?: number, on: Redis = redis) =>
    carryLegacyDedupeRecords({
      redis: on,
      keyPrefix: prefix,
      dedupeTtlSeconds: TTL_SECONDS,
      log: logTo(lines),
      rescanMs,
    });
  beforeEach(() => {
    prefix = uniquePrefix('legacy');
  });

  it('says nothing when there is nothing to copy, and waits ten minutes before looking again', async () => {
    const lines: string[] = [];
    const carrying = carry(lines);
    await carrying.firstPass;
    const late = await writeLegacyRecords(redis, prefix, 'jira.late', 'hash-late');
    await sleep(700);
    carrying.stop();

    expect(lines).toEqual([]);
    expect(await copied(prefix, late.deliveryKey, 'hash-late')).toBe(false);
  });

  it('once stopped (the API closes), makes no second pass', async () => {
    const lines: string[] = [];
    await writeLegacyRecords(redis, prefix, 'jira.first', 'hash-first');
    const carrying = carry(lines, 300);
    await carrying.firstPass;
    carrying.stop();
    const late = await writeLegacyRecords(redis, prefix, 'jira.late', 'hash-late');
    await sleep(700);

    expect(lines).toHaveLength(1);
    expect(await copied(prefix, late.deliveryKey, 'hash-late')).toBe(false);
  });

  it('when Redis fails it, logs why and leaves the records to expire on their own', async () => {
    const lines: string[] = [];
    const closing = testRedis();
    await closing.ping();
    const keys = await writeLegacyRecords(redis, prefix, 'jira.kept', 'hash-kept');
    const carrying = carry(lines, undefined, closing);
    closing.disconnect();
    await carrying.firstPass;
    carrying.stop();

    expect(lines.map((line) => JSON.parse(line) as { msg: string; err?: unknown })).toEqual([
      expect.objectContaining({
        msg: 'Could not copy the dedupe records intake no longer reads; they expire on their own',
        err: expect.objectContaining({ message: 'Connection is closed.' }),
      }),
    ]);
    expect(await copied(prefix, keys.deliveryKey, 'hash-kept')).toBe(false);
  });
});

describe('an API process started on the upgraded release', () => {
  const SECRET = 'legacy-secret';
  let api: ServiceProcess | undefined;
  afterEach(async () => {
    await api?.stop();
  });

  it('carries the records over by itself: a delivery accepted before the upgrade, replayed under a new id, gets 200', async () => {
    prefix = uniquePrefix('legacy');
    // Fresh: the API ignores a delivery older than the dedupe window whatever its records say.
    const fixture = JSON.parse(
      readFileSync(new URL('../fixtures/jira/comment_created.json', import.meta.url), 'utf8'),
    ) as { timestamp: number };
    const body = JSON.stringify({ ...fixture, timestamp: Date.now() });
    const signature = signJiraBody(body, SECRET);
    const keys = await writeLegacyRecords(redis, prefix, 'jira.before-upgrade', signature.split('=')[1]!);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    api = await startServiceProcess({
      isReady: apiReady(url),
      env: {
        ROLE: 'api',
        PORT: String(port),
        HOST: '127.0.0.1',
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        JIRA_BASE_URL: 'http://127.0.0.1:9',
        JIRA_EMAIL: 'legacy@example.test',
        JIRA_API_TOKEN: 'legacy-token',
        JIRA_WEBHOOK_SECRET: SECRET,
      },
    });
    await waitFor(() => copied(prefix, keys.deliveryKey, signature.split('=')[1]!), 10_000);

    const response = await fetch(`${url}/webhooks/jira`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signature,
        'x-atlassian-webhook-identifier': 'replayed-after-upgrade',
      },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ duplicate: true, eventId: 'jira.replayed-after-upgrade' });
    expect(await redis.xlen(intakeStreamKey(prefix))).toBe(0);
  }, 30_000);
});
