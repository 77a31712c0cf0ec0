import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { readHeartbeats } from '../../workers/heartbeat.ts';
import { effectsBy, effectsOn } from '../helpers/ledger.ts';
import { testRedisUrl } from '../helpers/redis.ts';

let stack: Stack;
const ISSUES = 24;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), workers: 2, env: { WORKER_CONCURRENCY: '4' } });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'OPS', name: 'Ops' }],
    issues: Array.from({ length: ISSUES + 1 }, (_, i) => ({
      projectKey: 'OPS',
      summary: `Chore ${i + 1}`,
      issuetype: 'Task',
      reporter: 'ada',
    })),
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const bot = () => stack.jira.botCredentials.accountId;
/** What the bot did to the issue (from the sandbox's ledger): a `/help` comment asks for one reply created. */
const effectsOnIssue = (key: string) => effectsOn(stack.jira.ledger, bot(), key);

describe('worker processes', () => {
  it('two worker processes share the work and never run one event twice', async () => {
    const keys = Array.from({ length: ISSUES }, (_, i) => `OPS-${i + 1}`);

    for (const key of keys) stack.jira.act.comment({ as: 'ada', issue: key, body: '/help' });

    await waitFor(() => keys.every((key) => effectsOnIssue(key).length > 0), 30_000);
    const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
    await waitFor(async () => (await queue.getJobCounts('active', 'wait', 'delayed')).active === 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(effectsBy(stack.jira.ledger, bot())).toEqual(
      Object.fromEntries(keys.map((key) => [key, ['comment.created']])),
    );
    const completed = await queue.getJobs(['completed']);
    await queue.close();
    expect(new Set(completed.map((job) => job.processedBy)).size).toBe(2);
    // Each job ran once: a second run finds its stored results and the reply, and reports it unchanged.
    expect(completed.map((job) => [job.attemptsStarted, job.returnvalue])).toEqual(
      completed.map(() => [1, { ran: ['help #1'], reply: 'created' }]),
    );
  });

  it("a 429 from the tracker (the comment endpoint's burst limit) is waited out for Retry-After, then the job succeeds once", async () => {
    const target = [...stack.jira.state.issues.values()].find((i) => i.key === `OPS-${ISSUES + 1}`)!;
    // Only the reply to this issue is refused, so no other traffic can use up the two 429s.
    stack.jira.injectFault({
      pathPrefix: `/rest/api/3/issue/${target.id}/comment`,
      method: 'POST',
      status: 429,
      count: 2,
      retryAfterSeconds: 1,
      rateLimitReason: 'jira-burst-based',
    });
    const started = Date.now();

    stack.jira.act.comment({ as: 'ada', issue: `OPS-${ISSUES + 1}`, body: '/help' });

    await waitFor(() => effectsOnIssue(`OPS-${ISSUES + 1}`).length > 0, 20_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(effectsOnIssue(`OPS-${ISSUES + 1}`)).toEqual(['comment.created']);
  });

  it('a 503 with Retry-After is waited out like a 429, not retried at the next backoff step', async () => {
    const key = `OPS-${ISSUES + 1}`;
    const target = [...stack.jira.state.issues.values()].find((i) => i.key === key)!;
    const before = effectsOnIssue(key).length;
    stack.jira.injectFault({
      pathPrefix: `/rest/api/3/issue/${target.id}/comment`,
      method: 'POST',
      status: 503,
      count: 1,
      retryAfterSeconds: 2,
    });
    const started = Date.now();

    stack.jira.act.comment({ as: 'ada', issue: key, body: '/help' });

    await waitFor(() => effectsOnIssue(key).length > before, 20_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(effectsOnIssue(key).slice(before)).toEqual(['comment.created']);
  });

  it('SIGTERM lets a worker finish and exit cleanly', async () => {
    const worker = stack.workers[0]!;

    const code = await worker.stop('SIGTERM');

    expect(code).toBe(0);
    expect(
      (await readHeartbeats(stack.redis, stack.queuePrefix)).some((beat) => beat.pid === worker.child.pid),
    ).toBe(false);
  });
});
