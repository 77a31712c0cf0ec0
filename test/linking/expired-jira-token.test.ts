/**
 * Jira answers a token it no longer takes (expired, revoked) as it answers anyone not signed in: an issue "does not
 * exist" (docs/tracker-behaviour.md). A job that reads an item then must fail for the credentials, visibly, and
 * leave the item where it is: taken for deleted, it would leave the link index and the console. The API, the
 * worker, its real queue and the Jira sandbox run in this process.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { createLinkIndexStore } from '../../src/linking/index.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { testRedis } from '../helpers/redis.ts';

let stack: InProcessStack;
const redis: Redis = testRedis();

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'APP', name: 'App' }],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  redis.disconnect();
});

describe('a Jira API token that expired', () => {
  it('fails the index job for the credentials and keeps the item in the index', async () => {
    const index = createLinkIndexStore(redis, stack.queuePrefix);
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Invoice export times out',
      issuetype: 'Story',
    });
    const ref = { tracker: 'jira' as const, id: created.id };
    await waitFor(async () => (await index.get(ref))?.title === 'Invoice export times out', 30_000);

    stack.jira.state.setup.botTokenExpired = true;
    const editedAt = Date.now();
    stack.jira.act.editIssue({
      as: 'ada',
      issue: created.key,
      summary: 'Invoice export times out for big months',
    });
    const finished = async () =>
      (await stack.queue.getJobs(['completed', 'failed'])).find(
        (job) =>
          job.name === 'index-item' && job.data.event.item.id === created.id && job.timestamp >= editedAt,
      );
    await waitFor(async () => (await finished()) !== undefined, 30_000);
    const job = (await finished())!;

    expect((await index.get(ref))?.title).toBe('Invoice export times out');
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toContain('AUTHENTICATED_FAILED');
  }, 60_000);
});
