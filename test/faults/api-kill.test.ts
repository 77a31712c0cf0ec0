import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiReady, type ServiceProcess, startServiceProcess } from '../../scripts/lib/service-process.ts';
import { waitFor } from '../../scripts/lib/stack.ts';
import { intakeStreamKey } from '../../src/queue/intake.ts';
import { unfinishedWork } from '../../src/queue/unfinished-work.ts';
import { allEffectsIn, replyEffects, runLoad, sendLikeJira, tally } from '../helpers/faults-load.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

const LABEL = 'api-kill';
const TOTAL = 200;

let fault: FaultStack;
let restarted: ServiceProcess | undefined;

beforeAll(async () => {
  fault = await startFaultStack({ label: LABEL, workers: 2 });
}, 60_000);
afterAll(async () => {
  await restarted?.stop();
  await fault?.stop();
});

it('F11: the API SIGKILLed halfway through a bounded load and restarted: every delivery handled once', async () => {
  const { stack } = fault;
  let made = 0;
  let halfway: () => void = () => undefined;
  let done: () => void = () => undefined;
  const half = new Promise<void>((resolve) => {
    halfway = resolve;
  });
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const next = () => {
    made += 1;
    if (made === TOTAL / 2) halfway();
    if (made === TOTAL) done();
    return fault.nextDelivery();
  };
  let killedAt = 0;
  let upAt = 0;
  const script = (async () => {
    await half;
    killedAt = Date.now();
    await stack.api.stop('SIGKILL');
    restarted = await startServiceProcess({
      env: { ...stack.env, ROLE: 'api' },
      logFile: join(tmpdir(), `refinery-fault-${LABEL}.log`),
      isReady: apiReady(stack.apiUrl),
    });
    upAt = Date.now();
  })();
  // Many senders with short pauses, so several requests are in flight whatever moment the kill lands on.
  const records = await runLoad({
    apiUrl: stack.apiUrl,
    next,
    senders: 6,
    pauseMs: 20,
    until: all,
    deadline: Date.now() + 40_000,
  });
  await script;
  await waitFor(() => allEffectsIn(stack, records), 25_000).catch(() => false);
  const drainS = (Date.now() - upAt) / 1_000;
  // Late duplicates would show up shortly after the last reply.
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const result = await tally(stack, records);
  const cutOff = records.filter((record) => record.attempts.some((attempt) => attempt.status === 0));
  // Answer lost, yet the delivery had reached Redis: the retry is answered "duplicate" and not enqueued again.
  const landedUnanswered = cutOff.filter((record) => record.attempts.at(-1)?.status === 200);
  process.stdout.write(
    `[fault F11] sent=${result.sent} acked=${result.acked} lost=${result.lost} doubled=${result.doubled} extra=${result.extra} rerun=${result.rerun} ` +
      `unacked=${result.unacked} cutOff=${cutOff.length} landedUnanswered=${landedUnanswered.length} ` +
      `down=${((upAt - killedAt) / 1_000).toFixed(1)}s drain=${drainS.toFixed(1)}s ` +
      `statuses=${JSON.stringify(result.statuses)}\n`,
  );
  expect(result.sent).toBeGreaterThanOrEqual(TOTAL);
  expect(result.unacked).toBe(0);
  expect(result.lost).toBe(0);
  expect(result.doubled).toBe(0);
  expect(result.extra).toBe(0);
  expect(result.rerun).toBe(0);
  expect(cutOff.length).toBeGreaterThan(0);
  expect(Object.keys(result.statuses).sort()).toEqual(expect.arrayContaining(['0', '202']));
  expect(Object.keys(result.statuses).filter((status) => !['0', '200', '202'].includes(status))).toEqual([]);
}, 60_000);

it("F11: a worker dying between adding a delivery's jobs and acknowledging it: relayed again, not run again", async () => {
  const { stack } = fault;
  const queue = fault.queue();
  const stream = intakeStreamKey(stack.queuePrefix);
  const record = await sendLikeJira(stack.apiUrl, fault.nextDelivery(), Date.now() + 5_000);
  const jobId = `run-commands.jira.${record.delivery.id}`;
  const first = await waitFor(async () => {
    const job = await queue.getJob(jobId);
    return job?.finishedOn ? job : undefined;
  }, 15_000);
  // What Redis holds when a worker died after addBulk and before XACK: the delivery still in the intake stream.
  await fault.client.xadd(
    stream,
    '*',
    'tracker',
    'jira',
    'key',
    `jira.${record.delivery.id}`,
    'body',
    record.delivery.body,
  );
  // Relayed again, the delivery leaves the stream only after its jobs were added: a job run again would be
  // waiting or running until it had finished, so once nothing is left its run shows in the job.
  const service = { queue, redis: fault.client, keyPrefix: stack.queuePrefix };
  await waitFor(async () => {
    const { deliveries, jobs } = await unfinishedWork(service, { delayed: true });
    return deliveries + jobs === 0;
  }, 10_000);

  const after = (await queue.getJob(jobId))!;
  process.stdout.write(
    `[fault F11 relayed-twice] replies=${replyEffects(stack, record.delivery.commentId).join('+')} ` +
      `processedOn same=${after.processedOn === first.processedOn}\n`,
  );
  expect(record.acked).toBe(true);
  expect(after.processedOn).toBe(first.processedOn);
  expect(after.finishedOn).toBe(first.finishedOn);
  expect(replyEffects(stack, record.delivery.commentId)).toEqual(['comment.created']);
}, 30_000);
