import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { replyWrites, sendLikeJira } from '../helpers/faults-load.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;

beforeAll(async () => {
  fault = await startFaultStack({
    label: 'worker-kill',
    workers: 2,
    env: { WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '2000', ITEM_LOCK_TTL_MS: '5000' },
  });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one `/help`, SIGKILLs the worker that took it while its slow tracker call is in flight. The sandbox
 * delays before handling, so a write cut off this way does not land; a write that lands just before the
 * crash is covered by upsertComment's check-before-write (and by the duplicate-delivery test).
 */
async function killMidJob(slowMethod: 'GET' | 'POST') {
  const { stack } = fault;
  stack.jira.injectFault({
    pathPrefix: '/rest/api/3/issue/',
    method: slowMethod,
    status: 0,
    delayMs: 2_000,
    count: 1,
  });
  const queue = fault.queue();
  const record = await sendLikeJira(stack.apiUrl, fault.nextDelivery(), Date.now() + 5_000);
  const job = await waitFor(
    async () => (await queue.getActive()).find((active) => active.processedBy),
    10_000,
  );
  const victim = stack.workers.find((worker) => job.processedBy?.endsWith(`:${worker.child.pid}`))!;
  await sleep(500);
  const killedAt = Date.now();
  await victim.stop('SIGKILL');
  await sleep(2_000);
  const landedWhileDead = replyWrites(stack).get(record.delivery.commentId) ?? 0;
  await waitFor(async () => (await queue.getJob(job.id!))?.finishedOn, 30_000);
  await sleep(500);
  const finished = (await queue.getJob(job.id!))!;
  return { record, job: finished, victim, killedAt, landedWhileDead };
}

it('F8: a worker SIGKILLed while its comment POST is in flight: another worker re-runs the job, the reply exists once', async () => {
  const { stack } = fault;

  const run = await killMidJob('POST');

  const recoveryS = ((run.job.finishedOn ?? 0) - run.killedAt) / 1_000;
  process.stdout.write(
    `[fault F8 POST] landedWhileDead=${run.landedWhileDead} recovery=${recoveryS.toFixed(1)}s by=${run.job.processedBy} returned=${JSON.stringify(run.job.returnvalue)}\n`,
  );
  expect(run.record.acked).toBe(true);
  expect(run.job.processedBy).not.toContain(`:${run.victim.child.pid}`);
  expect(replyWrites(stack).get(run.record.delivery.commentId)).toBe(1);
  expect(
    stack.jira.state.comments.filter((comment) =>
      JSON.stringify(comment.body).includes(`reply-${run.record.delivery.commentId}"`),
    ),
  ).toHaveLength(1);
}, 60_000);

it('F8: a worker SIGKILLed before its write: the re-run writes the reply, once', async () => {
  const { stack } = fault;
  await stack.startWorker();

  const run = await killMidJob('GET');

  const recoveryS = ((run.job.finishedOn ?? 0) - run.killedAt) / 1_000;
  process.stdout.write(
    `[fault F8 GET] landedWhileDead=${run.landedWhileDead} recovery=${recoveryS.toFixed(1)}s\n`,
  );
  expect(run.landedWhileDead).toBe(0);
  expect(replyWrites(stack).get(run.record.delivery.commentId)).toBe(1);
}, 60_000);
