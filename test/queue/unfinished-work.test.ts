import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntake, type Intake } from '../../src/queue/intake.ts';
import { createIntakeConsumer, type IntakeConsumer } from '../../src/queue/intake-consumer.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { unfinishedWork } from '../../src/queue/unfinished-work.ts';
import { testRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

/**
 * What "the service has nothing left to do" counts, for the waits of tests and the demo seed: a delivery answered
 * 202 is work until a relay has made it jobs, though the queue is still empty meanwhile.
 */
let redis: Redis;
let prefix: string;
let queue: Queue;
let intake: Intake;
let consumer: IntakeConsumer;

beforeEach(() => {
  redis = testRedis();
  prefix = uniquePrefix('unfinished');
  queue = new Queue(QUEUE_NAME, { connection: redis, prefix: `{${prefix}}` });
  intake = createIntake({
    queue,
    redis,
    keyPrefix: prefix,
    dedupeTtlSeconds: 86_400,
    retry: { attempts: 1, backoffMs: 100 },
  });
  consumer = createIntakeConsumer({ redis, keyPrefix: prefix, consumer: 'relay-1', minIdleMs: 60_000 });
});
afterEach(async () => {
  await queue.close();
  redis.disconnect();
});

const service = () => ({ queue, redis, keyPrefix: prefix });
const accept = (id: string) =>
  intake.accept({ tracker: 'jira', deliveryKey: `jira.${id}`, bodyHash: id, body: `{"id":"${id}"}` });

describe('unfinishedWork', () => {
  it('counts a delivery from its 202 until a relay has finished it: unread, then taken and not done', async () => {
    await accept('d1');
    await accept('d2');

    expect(await unfinishedWork(service(), { delayed: true })).toEqual({ deliveries: 2, jobs: 0 });
    const taken = await consumer.take(1);
    expect(taken).toHaveLength(1);
    expect(await unfinishedWork(service(), { delayed: true })).toEqual({ deliveries: 2, jobs: 0 });
    await consumer.done(taken.map((delivery) => delivery.entryId));
    expect(await unfinishedWork(service(), { delayed: false })).toEqual({ deliveries: 1, jobs: 0 });
  });

  it('counts waiting and running jobs; delayed ones only when asked, and a scheduler’s next run never', async () => {
    await queue.upsertJobScheduler('yearly', { pattern: '0 0 1 1 *' }, { name: 'post-sprint-summary' });
    expect(await unfinishedWork(service(), { delayed: true })).toEqual({ deliveries: 0, jobs: 0 });

    await queue.add('score-item', {}, { delay: 3_600_000 });
    expect(await unfinishedWork(service(), { delayed: false })).toEqual({ deliveries: 0, jobs: 0 });
    expect(await unfinishedWork(service(), { delayed: true })).toEqual({ deliveries: 0, jobs: 1 });

    await queue.add('score-item', {});
    expect(await unfinishedWork(service(), { delayed: false })).toEqual({ deliveries: 0, jobs: 1 });
    // Taken by a worker and not finished: active.
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const worker = new Worker(QUEUE_NAME, null, { connection, prefix: `{${prefix}}` });
    try {
      expect(await worker.getNextJob('token')).toBeDefined();
      expect(await queue.getJobCounts('active', 'waiting')).toEqual({ active: 1, waiting: 0 });
      expect(await unfinishedWork(service(), { delayed: false })).toEqual({ deliveries: 0, jobs: 1 });
    } finally {
      await worker.close(true);
      connection.disconnect();
    }
  });
});
