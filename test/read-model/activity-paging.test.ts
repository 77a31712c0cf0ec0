import { Queue } from 'bullmq';
import { afterAll, expect, it } from 'vitest';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { createReplica } from '../../src/queue/replicated-hashes.ts';
import { BacklogIndex } from '../../src/read-model/backlog-index.ts';
import { ITEM_PARTS, readModelKeys } from '../../src/read-model/keys.ts';
import { createRedisReadModel } from '../../src/read-model/redis-read-model.ts';
import { labelEntry } from '../helpers/audit-entries.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';

const redis = testRedis();
afterAll(() => redis.disconnect());

it("pages the console activity through every entry once, when workers' clocks differ by a few ms", async () => {
  const prefix = uniquePrefix('activity');
  const at = Date.now() - 60_000;
  // Two workers: the second one's clock runs 5 ms behind, so a later id can carry an earlier time.
  const store = (offsetMs: number, clock: { ms: number }) =>
    createRedisAuditStore({
      redis,
      keyPrefix: prefix,
      retentionDays: 30,
      now: () => new Date(clock.ms + offsetMs),
    });
  const clock = { ms: at };
  const ahead = store(0, clock);
  const behind = store(-5, clock);
  const a = await ahead.record(labelEntry('A-1'));
  clock.ms += 1;
  const b = await ahead.record(labelEntry('A-2'));
  const c = await behind.record(labelEntry('B-1'));
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: `{${prefix}}` });
  const index = new BacklogIndex();
  const readModel = createRedisReadModel({
    redis,
    keyPrefix: prefix,
    audit: ahead,
    queue,
    index,
    replica: createReplica(redis, readModelKeys(prefix).items, ITEM_PARTS, index),
  });

  const shown: string[] = [];
  let before: string | undefined;
  for (let page = 0; page < 5; page++) {
    const found = await readModel.activity({ limit: 1, ...(before ? { before } : {}) });
    shown.push(...found.entries.map((e) => e.entry.item.key));
    before = found.nextBefore;
    if (!before) break;
  }
  await queue.close();

  // Newest first by time, then B-1 (written last, by the clock behind).
  expect(shown).toEqual([b, a, c].map((entry) => entry.item.key));
});
