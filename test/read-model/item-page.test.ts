import type { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.ts';
import { resolveScoringRules } from '../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../src/domain/scoring/score-item.ts';
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

/** The console's connection, on which `during` runs once, just before the first HGET (the page's scorecard). */
function beforeFirstHget(client: RedisClient, during: () => Promise<void>): RedisClient {
  let done = false;
  return new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name !== 'hget' || done) return value.bind(target);
      return async (...args: unknown[]) => {
        done = true;
        await during();
        return value.apply(target, args);
      };
    },
  });
}

describe("an item's page", () => {
  it('never lists a linked ticket that its customer count leaves out, when a job re-scores it meanwhile', async () => {
    const prefix = uniquePrefix('item-page');
    const rules = resolveScoringRules({});
    const item = makeItem({ key: 'APP-9' });
    const writer = createReadModelWriter(redis, prefix);
    await writer.scored(item, scoreItem({ item }, rules));
    // The job that follows a confirmed link: the item scored again, now with the ticket as evidence.
    const linked = scoreItem({ item, evidence: [{ ticketRef: 'HELP-1', customerId: 'bob' }] }, rules);

    const index = new BacklogIndex();
    const console_ = beforeFirstHget(redis, () => writer.scored(item, linked));
    const readModel = createRedisReadModel({
      redis: console_,
      keyPrefix: prefix,
      index,
      replica: createReplica(console_, readModelKeys(prefix).items, ITEM_PARTS, index),
      audit: { list: async () => [] } as unknown as AuditStore,
      queue: {} as Queue,
    });
    const page = await readModel.item({ tracker: 'jira', idOrKey: 'APP-9' });

    expect(page?.tickets.map((ticket) => ticket.key)).toEqual(['HELP-1']);
    expect(page?.row.customers).toBe(1);
    expect(page?.row.score).toBe(linked.score);
  });
});
