import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import type { SandboxFault } from '../../src/sandbox/sandbox-part.ts';
import { type Delivery, replyEffects, type SendRecord, sendLikeJira } from '../helpers/faults-load.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let faults: FaultStack;

beforeAll(async () => {
  faults = await startFaultStack({
    label: 'worker-kill',
    workers: 2,
    env: { WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '2000', ITEM_LOCK_TTL_MS: '5000' },
  });
}, 60_000);
afterAll(async () => {
  await faults?.stop();
});

/** Sends one `/help` (with a tracker fault armed for it) and finds the job and the worker that took it. */
async function sendAndFindWorker(delivery: Delivery, fault: SandboxFault) {
  const { stack } = faults;
  stack.jira.injectFault(fault);
  const queue = faults.queue();
  const record = await sendLikeJira(stack.apiUrl, delivery, Date.now() + 5_000);
  const job = await waitFor(
    async () => (await queue.getActive()).find((active) => active.processedBy),
    10_000,
  );
  const victim = stack.workers.find((worker) => job.processedBy?.endsWith(`:${worker.child.pid}`))!;
  return { queue, record, job, victim };
}

/** The reply to a delivery's comment was POSTed once and exists once. */
function expectOneReply(record: SendRecord) {
  expect(record.acked).toBe(true);
  expect(replyEffects(faults.stack, record.delivery.commentId)).toEqual(['comment.created']);
  expect(
    faults.stack.jira.state.comments.filter((comment) =>
      JSON.stringify(comment.body).includes(`reply-${record.delivery.commentId}"`),
    ),
  ).toHaveLength(1);
}

/**
 * Sends one `/help`, SIGKILLs the worker that took it while its slow tracker call is in flight. The sandbox
 * delays before handling, so a write cut off this way does not land; a write that lands just before the
 * crash is covered by upsertComment's check-before-write (and by the duplicate-delivery test).
 */
async function killMidJob(slowMethod: 'GET' | 'POST') {
  const { stack } = faults;
  const { queue, record, job, victim } = await sendAndFindWorker(faults.nextDelivery(), {
    pathPrefix: '/rest/api/3/issue/',
    method: slowMethod,
    status: 0,
    delayMs: 2_000,
    count: 1,
  });
  await sleep(500);
  const killedAt = Date.now();
  await victim.stop('SIGKILL');
  await sleep(2_000);
  const landedWhileDead = replyEffects(stack, record.delivery.commentId).length;
  await waitFor(async () => (await queue.getJob(job.id!))?.finishedOn, 30_000);
  await sleep(500);
  const finished = (await queue.getJob(job.id!))!;
  return { record, job: finished, victim, killedAt, landedWhileDead };
}

it('F8: a worker SIGKILLed while its comment POST is in flight: another worker re-runs the job, the reply exists once', async () => {
  const run = await killMidJob('POST');

  const recoveryS = ((run.job.finishedOn ?? 0) - run.killedAt) / 1_000;
  process.stdout.write(
    `[fault F8 POST] landedWhileDead=${run.landedWhileDead} recovery=${recoveryS.toFixed(1)}s by=${run.job.processedBy} returned=${JSON.stringify(run.job.returnvalue)}\n`,
  );
  expect(run.job.processedBy).not.toContain(`:${run.victim.child.pid}`);
  expectOneReply(run.record);
}, 60_000);

it('F8: a worker SIGKILLed before its write: the re-run writes the reply, once', async () => {
  const { stack } = faults;
  await stack.startWorker();

  const run = await killMidJob('GET');

  const recoveryS = ((run.job.finishedOn ?? 0) - run.killedAt) / 1_000;
  process.stdout.write(
    `[fault F8 GET] landedWhileDead=${run.landedWhileDead} recovery=${recoveryS.toFixed(1)}s\n`,
  );
  expect(run.landedWhileDead).toBe(0);
  expect(replyEffects(stack, run.record.delivery.commentId)).toEqual(['comment.created']);
}, 60_000);

/**
 * F9. The reply is written by upsertComment: read the comments, then POST when the reply is not there. The
 * worker is frozen (SIGSTOP) while its last read is in flight; the sandbox answers "no reply yet" at once but
 * holds the answer back, so the frozen worker finds it waiting when it wakes. Meanwhile its lock expires, the
 * other worker re-runs the job and writes the reply. Woken, the first worker would POST a second reply; the
 * write guard asks Redis whether the job is still its own right before the POST, and it is not.
 */
it('F9: a worker frozen past its lock wakes after another worker re-ran the job: the reply exists once', async () => {
  await faults.stack.startWorker();
  const delivery = faults.nextDelivery();
  // The adapter addresses issues by id.
  const issue = (JSON.parse(delivery.body) as { issue: { id: string } }).issue.id;
  const { queue, record, job, victim } = await sendAndFindWorker(delivery, {
    pathPrefix: `/rest/api/3/issue/${issue}/comment`,
    method: 'GET',
    status: 0,
    skip: 1,
    delayAfterMs: 1_500,
    count: 1,
  });
  await sleep(600);
  const frozenAt = Date.now();
  victim.child.kill('SIGSTOP');
  try {
    await waitFor(async () => {
      const current = await queue.getJob(job.id!);
      return current?.finishedOn !== undefined && !current.processedBy?.endsWith(`:${victim.child.pid}`);
    }, 30_000);
  } finally {
    victim.child.kill('SIGCONT');
  }
  const rerunAfterS = (Date.now() - frozenAt) / 1_000;
  const lostLock = (line: string) =>
    line.includes('Job lost its lock') && line.includes(`"jobId":"${job.id}"`);
  await waitFor(() => readFileSync(faults.logFile, 'utf8').split('\n').some(lostLock), 15_000);
  await sleep(1_000);

  const finished = (await queue.getJob(job.id!))!;
  process.stdout.write(
    `[fault F9] frozen=${rerunAfterS.toFixed(1)}s rerunBy=${finished.processedBy} replies=${replyEffects(faults.stack, record.delivery.commentId).length}\n`,
  );
  expect(finished.processedBy).not.toContain(`:${victim.child.pid}`);
  expectOneReply(record);
}, 90_000);
