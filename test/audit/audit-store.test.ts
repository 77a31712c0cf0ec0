import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewAuditEntry } from '../../src/audit/audit-entry.ts';
import { type AuditStore, createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { lastChange } from '../../src/audit/undo.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';

const redis = testRedis();
afterAll(() => redis.disconnect());

const DAY = 86_400_000;
let clock = Date.parse('2026-01-01T00:00:00Z');
let store: AuditStore;
let prefix: string;
beforeEach(() => {
  clock = Date.parse('2026-01-01T00:00:00Z');
  prefix = uniquePrefix('audit');
  store = createRedisAuditStore({ redis, keyPrefix: prefix, retentionDays: 30, now: () => new Date(clock) });
});

function entry(key: string, capability: string): NewAuditEntry {
  return {
    item: { tracker: 'jira', id: `id-${key}`, key },
    operation: 'setLabel',
    mode: 'applied',
    context: { capability, jobId: 'j', deliveryId: 'd', actor: { id: 'u', displayName: 'U' } },
    target: { label: 'x' },
    before: false,
    after: true,
  };
}

describe('audit store', () => {
  it('finds entries by item id or key, by capability and by time, newest first', async () => {
    await store.record(entry('A-1', 'scoring'));
    clock += DAY;
    await store.record(entry('A-2', 'scoring'));
    clock += DAY;
    await store.record(entry('A-1', 'linking'));

    const ids = async (query: Parameters<AuditStore['list']>[0]) =>
      (await store.list(query)).map((e) => `${e.item.key}/${e.context.capability}`);

    expect(await ids({ item: { tracker: 'jira', idOrKey: 'A-1' }, limit: 10 })).toEqual([
      'A-1/linking',
      'A-1/scoring',
    ]);
    expect(await ids({ item: { tracker: 'jira', idOrKey: 'id-A-1' }, limit: 1 })).toEqual(['A-1/linking']);
    expect(await ids({ capability: 'scoring', limit: 10 })).toEqual(['A-2/scoring', 'A-1/scoring']);
    expect(
      await ids({ item: { tracker: 'jira', idOrKey: 'A-1' }, capability: 'scoring', limit: 10 }),
    ).toEqual(['A-1/scoring']);
    expect(await ids({ since: new Date(clock - DAY - 1), until: new Date(clock - 1), limit: 10 })).toEqual([
      'A-2/scoring',
    ]);
  });

  it('forgets entries older than the retention period', async () => {
    const old = await store.record(entry('A-1', 'scoring'));
    clock += 31 * DAY;
    const fresh = await store.record(entry('A-1', 'scoring'));

    expect(await store.get(old.id)).toBeUndefined();
    expect(await store.get(fresh.id)).toEqual(fresh);
    expect(
      (await store.list({ item: { tracker: 'jira', idOrKey: 'A-1' }, limit: 10 })).map((e) => e.id),
    ).toEqual([fresh.id]);
  });

  it('keeps every key of the trail in one cluster hash slot', async () => {
    await store.record(entry('A-1', 'scoring'));

    const keys = await redis.keys(`*${prefix}*`);

    expect(keys.length).toBeGreaterThan(3);
    expect(keys.every((key) => key.startsWith(`{${prefix}:audit}:`))).toBe(true);
  });

  it('lists entries written in the same millisecond newest first, past the ninth (ids are numbers, not text)', async () => {
    const written = [];
    for (let n = 0; n < 12; n++) {
      written.push(
        await store.record({
          ...entry('A-1', 'scoring'),
          context: { ...entry('A-1', 'scoring').context, jobId: `job-${n}` },
        }),
      );
    }
    const newestFirst = written.map((e) => e.id).reverse();

    expect((await store.list({ limit: 20 })).map((e) => e.id)).toEqual(newestFirst);
    expect(
      (await store.list({ item: { tracker: 'jira', idOrKey: 'A-1' }, limit: 3 })).map((e) => e.id),
    ).toEqual(newestFirst.slice(0, 3));
    // /undo takes back the newest change, not the ninth.
    const entries = await store.list({ item: { tracker: 'jira', idOrKey: 'A-1' }, limit: 200 });
    expect(lastChange(entries).map((e) => e.context.jobId)).toEqual(['job-11']);
  });
});
