import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoBacklog } from '../../scripts/lib/demo-backlog.ts';
import { type Stack, startStack } from '../../scripts/lib/stack.ts';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createIntake } from '../../src/queue/intake.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { createConsoleServices, type ReadModel } from '../../src/read-model/index.ts';
import { testRedisUrl } from '../helpers/redis.ts';

let stack: Stack;
let queue: Queue;
let readModel: ReadModel;
let seeded: Awaited<ReturnType<typeof seedDemoBacklog>>;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl() });
  seeded = await seedDemoBacklog(stack, () => {});
  queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
  const intake = createIntake({
    queue,
    redis: stack.redis,
    keyPrefix: stack.queuePrefix,
    dedupeTtlSeconds: 60,
    retry: { attempts: 1, backoffMs: 100 },
  });
  const audit = createRedisAuditStore({
    redis: stack.redis,
    keyPrefix: stack.queuePrefix,
    retentionDays: 30,
  });
  readModel = createConsoleServices({
    redis: stack.redis,
    keyPrefix: stack.queuePrefix,
    audit,
    queue,
    intake,
  }).readModel;
}, 600_000);
afterAll(async () => {
  await queue?.close();
  await stack?.stop();
});

describe('the demo backlog of npm start, processed by the service', () => {
  it('fills every console page with what the jobs wrote', async () => {
    const containers = await readModel.containers();
    // The Trello board by the name it was seeded with, read by the adapter with its cards, not its short link.
    expect(containers.map((c) => [c.tracker, c.key, c.name])).toEqual(
      expect.arrayContaining([
        ['jira', 'APP', 'APP'],
        ['trello', expect.not.stringMatching(/^Mobile app$/), 'Mobile app'],
      ]),
    );
    const backlog = await readModel.backlog({});
    expect(backlog.total).toBe(seeded.items);
    expect(backlog.total).toBeGreaterThan(200);
    expect((await readModel.backlog({ failing: true })).total).toBeGreaterThan(0);
    expect((await readModel.backlog({ failing: false })).total).toBeGreaterThan(0);

    const triage = await readModel.triage({});
    expect(triage.total).toBeGreaterThan(10);
    expect(triage.tickets[0]!.customer).toMatch(/\(.+\)$/);
    const linked = await readModel.backlog({ customers: true });
    expect(linked.total).toBeGreaterThan(0);

    const [board] = await readModel.boards();
    const sprints = await readModel.sprints(board!.id);
    expect(sprints!.sprints).toHaveLength(seeded.sprints - 1);
    expect(sprints!.sprints.every((s) => s.figures.committed! > 0 && s.summaryText.length > 0)).toBe(true);
    expect(sprints!.active?.points.length).toBeGreaterThanOrEqual(2);

    const health = await readModel.acceptanceHealth(containers.find((c) => c.key === 'APP')!.id);
    expect(health!.byFinding.length).toBeGreaterThan(0);
    expect(health!.weekly.at(-1)!.checked).toBe(health!.checked);
  });
});
