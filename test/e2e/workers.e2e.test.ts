import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, stackQueue, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import type { SandboxFault } from '../../src/sandbox/sandbox-part.ts';
import { readHeartbeats } from '../../workers/heartbeat.ts';
import { issueByKey } from '../helpers/jira-sandbox-state.ts';
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

/**
 * `/help` on the spare issue while Jira refuses the reply `count` times with `status` and Retry-After: how long the
 * reply took to show, and what the bot did to the issue once nothing was left to run.
 */
async function replyThroughRefusals(
  refusal: Pick<SandboxFault, 'status' | 'count' | 'retryAfterSeconds' | 'rateLimitReason'>,
) {
  const key = `OPS-${ISSUES + 1}`;
  const before = effectsOnIssue(key).length;
  // Only the reply to this issue is refused, so no other traffic can use up the refusals.
  stack.jira.injectFault({
    pathPrefix: `/rest/api/3/issue/${issueByKey(stack.jira, key).id}/comment`,
    method: 'POST',
    ...refusal,
  });
  const started = Date.now();

  stack.jira.act.comment({ as: 'ada', issue: key, body: '/help' });

  await waitFor(() => effectsOnIssue(key).length > before, 20_000);
  const waitedMs = Date.now() - started;
  await waitUntilIdle(stack, { delayed: true });
  return { waitedMs, effects: effectsOnIssue(key).slice(before) };
}

describe('worker processes', () => {
  it('two worker processes share the work and never run one event twice', async () => {
    const keys = Array.from({ length: ISSUES }, (_, i) => `OPS-${i + 1}`);

    for (const key of keys) stack.jira.act.comment({ as: 'ada', issue: key, body: '/help' });

    await waitFor(() => keys.every((key) => effectsOnIssue(key).length > 0), 30_000);
    // A second run of any job would come before the service is idle.
    await waitUntilIdle(stack, { delayed: true });
    expect(effectsBy(stack.jira.ledger, bot())).toEqual(
      Object.fromEntries(keys.map((key) => [key, ['comment.created']])),
    );
    const queue = stackQueue(stack);
    const completed = await queue.getJobs(['completed']);
    await queue.close();
    expect(new Set(completed.map((job) => job.processedBy)).size).toBe(2);
    // Each job ran once: a second run finds its stored results and the reply, and reports it unchanged.
    expect(completed.map((job) => [job.attemptsStarted, job.returnvalue])).toEqual(
      completed.map(() => [1, { ran: ['help #1'], reply: 'created' }]),
    );
  }, 60_000);

  it("a 429 from the tracker (the comment endpoint's burst limit) is waited out for Retry-After, then the job succeeds once", async () => {
    const { waitedMs, effects } = await replyThroughRefusals({
      status: 429,
      count: 2,
      retryAfterSeconds: 1,
      rateLimitReason: 'jira-burst-based',
    });

    expect(waitedMs).toBeGreaterThanOrEqual(1_000);
    expect(effects).toEqual(['comment.created']);
  }, 40_000);

  it('a 503 with Retry-After is waited out like a 429, not retried at the next backoff step', async () => {
    const { waitedMs, effects } = await replyThroughRefusals({ status: 503, count: 1, retryAfterSeconds: 2 });

    expect(waitedMs).toBeGreaterThanOrEqual(2_000);
    expect(effects).toEqual(['comment.created']);
  }, 40_000);

  it('SIGTERM lets a worker finish and exit cleanly', async () => {
    const worker = stack.workers[0]!;

    const code = await worker.stop('SIGTERM');

    expect(code).toBe(0);
    expect(
      (await readHeartbeats(stack.redis, stack.queuePrefix)).some((beat) => beat.pid === worker.child.pid),
    ).toBe(false);
  });
});
