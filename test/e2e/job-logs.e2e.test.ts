import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { testRedisUrl } from '../helpers/redis.ts';

let stack: Stack;
let queue: Queue;
const dir = mkdtempSync(join(tmpdir(), 'refinery-job-logs-'));
const logFile = join(dir, 'service.log');

beforeAll(async () => {
  stack = await startStack({
    redisUrl: testRedisUrl(),
    logFile,
    env: { JOB_ATTEMPTS: '2', JOB_BACKOFF_MS: '50', LOG_FORMAT: 'json' },
  });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'OPS', name: 'Ops' }],
    issues: [{ projectKey: 'OPS', summary: 'Chore', issuetype: 'Task', reporter: 'ada' }],
  });
  queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
}, 60_000);
afterAll(async () => {
  await queue?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const logLines = () =>
  readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

it('every log line about a job that failed carries its job id and delivery id, the last one included', async () => {
  const issue = [...stack.jira.state.issues.values()].find((i) => i.key === 'OPS-1')!;
  stack.jira.injectFault({
    pathPrefix: `/rest/api/3/issue/${issue.id}/comment`,
    method: 'POST',
    status: 500,
    count: 10,
  });

  stack.jira.act.comment({ as: 'ada', issue: 'OPS-1', body: '/help' });
  const [job] = await waitFor(async () => {
    const failed = await queue.getFailed();
    return failed.length > 0 && failed;
  }, 20_000);
  const deliveryId = job?.data.event.deliveryId as string;
  await waitFor(() => logLines().some((line) => line.msg === 'Job failed after its last attempt'), 5_000);

  const aboutJob = logLines().filter((line) => line.jobId === job?.id);
  expect(deliveryId).toMatch(/\S/);
  expect(aboutJob.map((line) => line.msg)).toEqual(
    expect.arrayContaining(['Job attempt failed', 'Job failed after its last attempt']),
  );
  expect(aboutJob.filter((line) => line.deliveryId !== deliveryId)).toEqual([]);
  expect(logLines().find((line) => line.msg === 'Delivery accepted')?.deliveryId).toBe(deliveryId);
});
