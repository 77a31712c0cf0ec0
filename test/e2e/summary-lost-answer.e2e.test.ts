import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { testRedisUrl } from '../helpers/redis.ts';

/**
 * A write whose answer never reaches the service: Jira created the summary issue, and the request timed out (or the
 * link dropped, or the worker died) before the service learnt its key. The retried job must find that issue, not
 * create a second one.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    redisUrl: testRedisUrl(),
    env: { TRACKER_TIMEOUT_MS: '2000' },
  });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'APP', name: 'App' }],
    boards: [{ name: 'App board', projectKey: 'APP', estimationField: 'Story Points' }],
    sprints: [{ name: 'App Sprint 7', board: 'App board' }],
    issues: [
      {
        projectKey: 'APP',
        summary: 'Export to CSV',
        fields: { 'Story Points': 3 },
        sprints: ['App Sprint 7'],
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

it('a summary issue Jira created while its answer was lost is found by the retried job, not posted twice', async () => {
  const act = stack.jira.act;
  const sprint = [...stack.jira.state.sprints.values()].find((s) => s.name === 'App Sprint 7')!;
  act.startSprint({ sprintId: sprint.id });
  await waitFor(
    async () =>
      (await stack.redis.exists(`${stack.queuePrefix}:sprint-summary:snapshot:jira:${sprint.id}`)) === 1,
  );
  // The create lands at once; its answer comes after the service's 2 s timeout gave up on it.
  stack.jira.injectFault({
    pathPrefix: '/rest/api/3/issue',
    path: '/rest/api/3/issue',
    method: 'POST',
    status: 0,
    delayAfterMs: 5_000,
    count: 1,
  });
  act.transition({ as: 'ada', issue: 'APP-1', to: 'In Progress' });
  act.transition({ as: 'ada', issue: 'APP-1', to: 'Done' });
  act.closeSprint({ as: 'ada', sprintId: sprint.id });

  const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
  try {
    const job = await waitFor(
      async () =>
        (await queue.getJobs(['completed', 'failed'])).find((j) => j.name === 'post-sprint-summary'),
      30_000,
    );
    const summaries = [...stack.jira.state.issues.values()].filter(
      (issue) => issue.summary === 'App Sprint 7 summary',
    );
    // The first attempt failed on the timeout; the retry completed.
    expect(job.attemptsMade).toBeGreaterThan(1);
    expect(await job.getState()).toBe('completed');
    expect(summaries.map((issue) => issue.key)).toHaveLength(1);
    expect(summaries[0]!.labels).toContain('sprint-summary');
  } finally {
    await queue.close();
  }
}, 60_000);
