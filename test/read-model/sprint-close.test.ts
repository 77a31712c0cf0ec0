import type { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditStore } from '../../src/audit/audit-store.ts';
import type { RedisClient } from '../../src/queue/connection.ts';
import { createReplica } from '../../src/queue/replicated-hashes.ts';
import { BacklogIndex } from '../../src/read-model/backlog-index.ts';
import { createReadModelWriter } from '../../src/read-model/index.ts';
import { ITEM_PARTS, readModelKeys } from '../../src/read-model/keys.ts';
import type { BoardView, SprintsView } from '../../src/read-model/read-model.ts';
import { createRedisReadModel } from '../../src/read-model/redis-read-model.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';

const redis = testRedis();
afterAll(() => redis.disconnect());

const BOARD: BoardView = { id: 'jira:7', tracker: 'jira', name: 'App board' };

/** The writer's connection, with the console's read taken right after each transaction it commits. */
function readingAfterEachTransaction(client: RedisClient, read: () => Promise<void>): RedisClient {
  return new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name !== 'multi') return value;
      return () => {
        const transaction = value.apply(target, []);
        const exec = transaction.exec.bind(transaction);
        transaction.exec = async () => {
          const result = await exec();
          await read();
          return result;
        };
        return transaction;
      };
    },
  });
}

describe('a closed sprint in the console', () => {
  it('is never listed while its burn-up still shows it as active', async () => {
    const prefix = uniquePrefix('sprint-close');
    const index = new BacklogIndex();
    const readModel = createRedisReadModel({
      redis,
      keyPrefix: prefix,
      index,
      replica: createReplica(redis, readModelKeys(prefix).items, ITEM_PARTS, index),
      // Neither is read by the sprints page.
      audit: {} as AuditStore,
      queue: {} as Queue,
    });
    const seen: (SprintsView | undefined)[] = [];
    const writer = createReadModelWriter(
      readingAfterEachTransaction(redis, async () => {
        seen.push(await readModel.sprints(BOARD.id));
      }),
      prefix,
    );
    await writer.sprintStarted(BOARD, {
      sprintId: '12',
      name: 'App Sprint 1',
      start: '2026-12-01T09:00:00.000Z',
      end: '2026-12-14T17:00:00.000Z',
      items: [{ tracker: 'jira', id: '10001', points: 3, done: false }],
      doneStatuses: ['10001'],
    });

    await writer.sprintPosted(
      BOARD,
      {
        id: '12',
        name: 'App Sprint 1',
        start: '2026-12-01T09:00:00.000Z',
        end: '2026-12-14T17:00:00.000Z',
        figures: { committed: 1, completed: 1, carriedOver: 0, added: 0, removed: 0 },
        summaryText: 'Sprint summary',
        postedAt: '2026-12-14T17:01:00.000Z',
      },
      false,
    );

    const listed = seen.filter((view) => view?.sprints.some((sprint) => sprint.id === '12'));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.map((view) => view?.active?.sprintId)).toEqual(listed.map(() => undefined));
    expect((await readModel.sprints(BOARD.id))?.active).toBeUndefined();
  });
});
