/**
 * A backfill runs beside the webhooks' jobs (docs/linking.md, "The index"): what a person changes while the backfill
 * reads a project must not be overwritten by the listing it read before. The API, the worker, its real queue and
 * the Jira sandbox run in this process.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { createLinkIndexStore } from '../../src/linking/index.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { testRedis } from '../helpers/redis.ts';

const ADMIN_TOKEN = 'backfill-concurrency-admin-token-0123456789';
let stack: InProcessStack;
const redis: Redis = testRedis();

beforeAll(async () => {
  stack = await startInProcessStack({ ADMIN_TOKEN });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'APP', name: 'App' }],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  redis.disconnect();
});

async function startBackfill(containerId: string): Promise<string> {
  const response = await fetch(`${stack.apiUrl}/admin/actions/backfill-index`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ targets: [{ tracker: 'jira', containerId }] }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { jobId: string }).jobId;
}
async function jobState(jobId: string) {
  const response = await fetch(`${stack.apiUrl}/admin/jobs/${jobId}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return ((await response.json()) as { state: string }).state;
}

describe('a backfill beside the webhooks’ jobs', () => {
  it('keeps an edit made while it reads the project: the index holds the title as it is now', async () => {
    const index = createLinkIndexStore(redis, stack.queuePrefix);
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Password reset email never arrives',
      issuetype: 'Story',
    });
    const ref = { tracker: 'jira' as const, id: created.id };
    await waitFor(async () => (await index.get(ref))?.title === 'Password reset email never arrives', 30_000);
    // The search is answered late: what it lists is the project before the edit below.
    stack.jira.injectFault({
      pathPrefix: '/rest/api/3/search/jql',
      method: 'POST',
      status: 0,
      delayAfterMs: 2_000,
      count: 1,
    });
    const writesBefore = stack.jira.writes.length;
    const jobId = await startBackfill('APP');
    await waitFor(
      () =>
        stack.jira.writes
          .slice(writesBefore)
          .some((write) => write.path.startsWith('/rest/api/3/search/jql')),
      30_000,
    );
    stack.jira.act.editIssue({ as: 'ada', issue: created.key, summary: 'Password reset SMS never arrives' });
    await waitFor(async () => (await index.get(ref))?.title === 'Password reset SMS never arrives', 30_000);

    await waitFor(async () => (await jobState(jobId)) === 'completed', 30_000);

    expect((await index.get(ref))?.title).toBe('Password reset SMS never arrives');
  }, 60_000);
});
