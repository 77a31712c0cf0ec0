import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { ADA_AND_APP } from '../helpers/seeds.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';

const ADMIN_TOKEN = 'e2e-admin-token-rules-reload-0123456789';
const rulesFile = join(mkdtempSync(join(tmpdir(), 'reload-rules-')), 'rules.yaml');
const withLabel = (label: string) => writeFileSync(rulesFile, `acceptance:\n  label: ${label}\n`);
let stack: Stack;
const { admin } = stackAdmin(() => stack, ADMIN_TOKEN);

beforeAll(async () => {
  withLabel('needs-criteria');
  // The API and the worker run apart, as in docker-compose.yml (ROLE=api, ROLE=worker).
  stack = await startStack({
    redisUrl: testRedisUrl(),
    env: { REFINERY_CONFIG: rulesFile, ADMIN_TOKEN },
  });
  stack.jira.seed(ADA_AND_APP);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const labelsOf = (key: string) => [...stack.jira.state.issues.values()].find((i) => i.key === key)!.labels;
const vagueStory = (summary: string) =>
  stack.jira.act.createIssue({ as: 'ada', project: 'APP', summary, issuetype: 'Story', description: 'Pay.' });

describe('POST /admin/actions/reload-rules', () => {
  it('reaches the workers too: the next check uses the reloaded rules', async () => {
    const before = vagueStory('Pay faster');
    await waitFor(() => labelsOf(before.key).includes('needs-criteria'), 30_000);

    withLabel('acceptance-missing');
    const reloaded = await admin('POST', '/admin/actions/reload-rules', {});
    // The API and the worker: every process follows reloads, the one that answers too.
    expect(reloaded).toEqual({ status: 200, json: { reloaded: true, processesTold: 2 } });

    // The worker reads its file again when told; a story created now is flagged with the new label.
    const after = await waitFor(async () => {
      const story = vagueStory('Pay with one click');
      await waitFor(() => labelsOf(story.key).length > 0 || undefined, 30_000);
      return labelsOf(story.key).includes('acceptance-missing') ? story : undefined;
    }, 20_000);
    expect(labelsOf(after.key)).toEqual(['acceptance-missing']);
  }, 40_000);

  it('gives the workers the summary schedules the reloaded rules ask for', async () => {
    writeFileSync(rulesFile, "summaries:\n  trello:\n    boards:\n      b1:\n        cron: '0 9 * * 1'\n");
    expect((await admin('POST', '/admin/actions/reload-rules', {})).status).toBe(200);

    const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
    try {
      const schedulers = await waitFor(async () => {
        // The remote-link reconcile has a scheduler of its own (docs/linking.md).
        const found = (await queue.getJobSchedulers()).filter((one) => one.key.startsWith('sprint-summary.'));
        return found.length > 0 ? found : undefined;
      });
      expect(schedulers).toMatchObject([{ key: 'sprint-summary.trello.b1', pattern: '0 9 * * 1' }]);
      // Jira sends no event when a remote link is removed: the workers reconcile them every 6 hours by default.
      const reconcile = (await queue.getJobSchedulers()).find(
        (one) => one.key === 'linking.reconcile-remote-links',
      );
      expect(reconcile).toMatchObject({ name: 'reconcile-remote-links', every: 21_600_000 });
      expect(Number(reconcile?.next)).toBeGreaterThan(Date.now() + 21_000_000);
    } finally {
      await queue.close();
    }
  });
});
