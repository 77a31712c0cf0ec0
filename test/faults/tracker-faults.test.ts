import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import {
  allEffectsIn,
  botEffects,
  effectsPer,
  ONE_REPLY,
  post,
  replyEffects,
  sendLikeJira,
} from '../helpers/faults-load.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;
const ATTEMPTS = 3;
const COMMENT_POST = { pathPrefix: '/rest/api/3/issue/', method: 'POST' } as const;

beforeAll(async () => {
  fault = await startFaultStack({
    label: 'tracker',
    env: { JOB_ATTEMPTS: String(ATTEMPTS), WORKER_CONCURRENCY: '4' },
  });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

const send = (count: number) =>
  Promise.all(
    Array.from({ length: count }, () =>
      sendLikeJira(fault.stack.apiUrl, fault.nextDelivery(), Date.now() + 5_000),
    ),
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('F13: tracker 500s are retried with backoff and end as one reply each', async () => {
  fault.stack.jira.injectFault({ ...COMMENT_POST, status: 500, count: 4 });

  const records = await send(4);
  await waitFor(() => allEffectsIn(fault.stack, records), 20_000);
  await sleep(500);

  expect(effectsPer(fault.stack, records)).toEqual(records.map(() => ONE_REPLY));
  expect(botEffects(fault.stack).stray).toEqual([]);
}, 30_000);

it('F13: a tracker failing every attempt leaves a visible failed job; new work succeeds once it heals', async () => {
  const queue = fault.queue();
  fault.stack.jira.injectFault({ ...COMMENT_POST, status: 500, count: ATTEMPTS });

  const [failing] = await send(1);
  const failed = await waitFor(
    async () =>
      (await queue.getFailed()).find((job) => job.id === `run-commands.jira.${failing!.delivery.id}`),
    20_000,
  );
  const [healed] = await send(1);
  await waitFor(() => allEffectsIn(fault.stack, [healed!]), 15_000);

  expect(failed.attemptsMade).toBe(ATTEMPTS);
  expect(failed.failedReason).toMatch(/500/);
  expect(replyEffects(fault.stack, failing!.delivery.commentId)).toEqual([]);
  expect(replyEffects(fault.stack, healed!.delivery.commentId)).toEqual(['comment.created']);
}, 40_000);

it('F13: a burst of 429s with Retry-After pauses the queue, then every reply is written once', async () => {
  fault.stack.jira.injectFault({ ...COMMENT_POST, status: 429, count: 6, retryAfterSeconds: 1 });
  const started = Date.now();

  const records = await send(6);
  await waitFor(() => allEffectsIn(fault.stack, records), 30_000);
  const drainS = (Date.now() - started) / 1_000;
  await sleep(500);

  process.stdout.write(`[fault F13 429x6] drain=${drainS.toFixed(1)}s\n`);
  expect(effectsPer(fault.stack, records)).toEqual(records.map(() => ONE_REPLY));
  expect(botEffects(fault.stack).stray).toEqual([]);
  expect(drainS).toBeGreaterThanOrEqual(1);
}, 40_000);

// The Jira adapter sets no request timeout (jira.js has none, undici waits up to 300 s for headers): a hung
// tracker holds a worker slot for as long as it hangs. What is checked here is that intake does not notice.
it('F14: a slow tracker (6 s per comment) leaves intake latency unchanged and writes each reply once', async () => {
  const baseline = await Promise.all(
    Array.from({ length: 20 }, () => post(fault.stack.apiUrl, fault.nextDelivery())),
  );
  fault.stack.jira.injectFault({ ...COMMENT_POST, status: 0, delayMs: 6_000, count: 4 });
  const slowStarted = Date.now();
  const slow = await send(4);
  const during = await Promise.all(
    Array.from({ length: 20 }, () => post(fault.stack.apiUrl, fault.nextDelivery())),
  );
  await waitFor(() => allEffectsIn(fault.stack, slow), 20_000);

  const p99 = (attempts: { ms: number }[]) => Math.max(...attempts.map((attempt) => attempt.ms));
  process.stdout.write(
    `[fault F14] intake max fast=${p99(baseline)}ms slow=${p99(during)}ms slowJobs=${((Date.now() - slowStarted) / 1_000).toFixed(1)}s\n`,
  );
  expect(Date.now() - slowStarted).toBeGreaterThanOrEqual(6_000);
  expect(p99(during)).toBeLessThan(Math.max(500, p99(baseline) * 3));
  expect(effectsPer(fault.stack, slow)).toEqual(slow.map(() => ONE_REPLY));
  expect(botEffects(fault.stack).stray).toEqual([]);
}, 40_000);
