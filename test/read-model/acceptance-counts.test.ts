import type { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.ts';
import type { Verdict } from '../../src/domain/acceptance/findings.ts';
import { finding } from '../../src/domain/acceptance/findings.ts';
import type { RedisClient } from '../../src/queue/connection.ts';
import { createReplica } from '../../src/queue/replicated-hashes.ts';
import { BacklogIndex } from '../../src/read-model/backlog-index.ts';
import { createReadModelWriter } from '../../src/read-model/index.ts';
import { ITEM_PARTS, readModelKeys } from '../../src/read-model/keys.ts';
import { createRedisReadModel } from '../../src/read-model/redis-read-model.ts';
import { makeItem } from '../domain/scoring/make-item.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';

const redis = testRedis();
afterAll(() => redis.disconnect());

const FAILS: Verdict = {
  ok: false,
  template: 'story',
  findings: [finding('missing-acceptance-criteria', 'error', {}, 'No criteria.', 'Write them.')],
  missingSections: ['acceptance-criteria'],
};

/** The worker's connection, lost (a crash, a kill) after its first write: every later command fails. */
function crashingAfterFirstWrite(client: RedisClient): RedisClient {
  let writes = 0;
  const WRITES = new Set(['eval', 'evalsha', 'hset', 'hdel', 'multi', 'exec']);
  return new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string' || !WRITES.has(name)) return value;
      return (...args: unknown[]) => {
        writes += 1;
        if (writes > 1) throw new Error('Connection is closed.');
        return value.apply(target, args);
      };
    },
  });
}

function readModelOn(prefix: string) {
  const index = new BacklogIndex();
  const replica = createReplica(redis, readModelKeys(prefix).items, ITEM_PARTS, index);
  return createRedisReadModel({
    redis,
    keyPrefix: prefix,
    index,
    replica,
    // Neither is read by the acceptance health.
    audit: {} as AuditStore,
    queue: {} as Queue,
  });
}

describe('acceptance counters', () => {
  it('never disagree with the item’s status when the worker dies during the write', async () => {
    const prefix = uniquePrefix('ac-counts');
    const item = makeItem({ key: 'APP-7' });
    const writer = createReadModelWriter(crashingAfterFirstWrite(redis), prefix);

    await writer.checked(item, FAILS).catch(() => undefined);

    const health = await readModelOn(prefix).acceptanceHealth('jira:10000');
    const thisWeek = health?.weekly.at(-1) ?? { checked: 0, failing: 0 };
    expect({ checked: thisWeek.checked, failing: thisWeek.failing }).toEqual({
      checked: health?.checked ?? 0,
      failing: health?.failing ?? 0,
    });
  });
});
