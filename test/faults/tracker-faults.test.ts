import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import {
  allEffectsIn,
  botEffects,
  effectsPer,
  ONE_REPLY,
  post,
  replyEffects,
  rerunJobs,
  type SendRecord,
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
  expect(await rerunJobs(fault.stack, records)).toEqual([]);
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

it("F13: a burst of 429s with Retry-After (the comment endpoint's burst limit) is waited out, then every reply is written once", async () => {
  fault.stack.jira.injectFault({
    ...COMMENT_POST,
    status: 429,
    count: 6,
    retryAfterSeconds: 1,
    rateLimitReason: 'jira-burst-based',
  });
  const started = Date.now();

  const records = await send(6);
  await waitFor(() => allEffectsIn(fault.stack, records), 30_000);
  const drainS = (Date.now() - started) / 1_000;
  await sleep(500);

  process.stdout.write(`[fault F13 429x6] drain=${drainS.toFixed(1)}s\n`);
  expect(effectsPer(fault.stack, records)).toEqual(records.map(() => ONE_REPLY));
  expect(botEffects(fault.stack).stray).toEqual([]);
  expect(await rerunJobs(fault.stack, records)).toEqual([]);
  expect(drainS).toBeGreaterThanOrEqual(1);
}, 40_000);

it('F13: a quota 429 holds every job for Retry-After and spends no attempt of the refused job', async () => {
  const queue = fault.queue();
  const limiterKey = `{${fault.stack.queuePrefix}}:${QUEUE_NAME}:limiter`;
  const refused = fault.nextDelivery();
  const issueId = (JSON.parse(refused.body) as { issue: { id: string } }).issue.id;
  fault.stack.jira.injectFault({
    pathPrefix: `/rest/api/3/issue/${issueId}/comment`,
    method: 'POST',
    status: 429,
    count: 1,
    retryAfterSeconds: 2,
    rateLimitReason: 'jira-quota-tenant-based',
  });

  const [first] = await Promise.all([sendLikeJira(fault.stack.apiUrl, refused, Date.now() + 5_000)]);
  // The pause is BullMQ's limiter key set far above the worker's limiter max (1,000,000) until it expires.
  const pausedMs = await waitFor(async () => {
    const [[, count], [, ttl]] = (await fault.client.multi().get(limiterKey).pttl(limiterKey).exec()) as [
      [null, string | null],
      [null, number],
    ];
    return Number(count) > 1_000_000 && ttl > 0 ? ttl : undefined;
  }, 10_000);
  const pauseEndsAt = Date.now() + pausedMs;
  const held = await send(4);
  const records = [first!, ...held];
  await waitFor(() => allEffectsIn(fault.stack, records), 20_000);
  await sleep(300);

  const replyAt = (record: SendRecord) =>
    Date.parse(
      fault.stack.jira.ledger.find(
        (effect) =>
          effect.kind === 'comment.created' &&
          JSON.stringify(effect.value).includes(`reply-${record.delivery.commentId}`),
      )!.at,
    );
  const jobs = await Promise.all(
    records.map((record) => queue.getJob(`run-commands.jira.${record.delivery.id}`)),
  );
  process.stdout.write(
    `[fault F13 429 pause] paused=${pausedMs}ms heldReplies=${held.map((r) => replyAt(r) - pauseEndsAt).join(',')}ms attempts=${jobs.map((j) => j?.attemptsMade).join(',')}\n`,
  );
  expect(effectsPer(fault.stack, records)).toEqual(records.map(() => ONE_REPLY));
  // The jobs sent during the pause waited for it, though a worker slot was free for each of them.
  for (const record of held) expect(replyAt(record)).toBeGreaterThanOrEqual(pauseEndsAt - 250);
  // The refused job went back to the queue as it was: it made as many attempts as a job never refused.
  expect(jobs.map((job) => job?.attemptsMade)).toEqual(jobs.map(() => jobs[1]?.attemptsMade));
  expect(jobs[0]?.failedReason ?? '').toBe('');
}, 40_000);

it('F13: a per-issue 429 holds the replies on that issue only; the other issues get theirs meanwhile', async () => {
  const queue = fault.queue();
  const refused = fault.nextDelivery();
  const issueId = (JSON.parse(refused.body) as { issue: { id: string } }).issue.id;
  fault.stack.jira.injectFault({
    pathPrefix: `/rest/api/3/issue/${issueId}/comment`,
    method: 'POST',
    status: 429,
    count: 1,
    retryAfterSeconds: 6,
    rateLimitReason: 'jira-per-issue-on-write',
  });

  // The others are sent once the 429 was answered: a pause of every job would hold them all.
  const waitsAsked = () => readFileSync(fault.logFile, 'utf8').split('Tracker asked to wait').length;
  const asked = waitsAsked();
  const first = await sendLikeJira(fault.stack.apiUrl, refused, Date.now() + 5_000);
  await waitFor(() => waitsAsked() > asked, 10_000);
  const others = await send(4);
  await waitFor(() => allEffectsIn(fault.stack, others), 20_000);
  const refusedWhenOthersDone = replyEffects(fault.stack, refused.commentId);
  const records = [first, ...others];
  await waitFor(() => allEffectsIn(fault.stack, records), 20_000);
  await sleep(300);

  const jobs = await Promise.all(
    records.map((record) => queue.getJob(`run-commands.jira.${record.delivery.id}`)),
  );
  // Every other issue got its reply while the refused one still waited out Retry-After (no pause of all jobs).
  expect(refusedWhenOthersDone).toEqual([]);
  expect(effectsPer(fault.stack, records)).toEqual(records.map(() => ONE_REPLY));
  expect(botEffects(fault.stack).stray).toEqual([]);
  expect(await rerunJobs(fault.stack, records)).toEqual([]);
  expect(jobs.map((job) => job?.attemptsMade)).toEqual(jobs.map(() => jobs[1]?.attemptsMade));
}, 40_000);

// 6 s is below TRACKER_TIMEOUT_MS (30 s by default): the slow answers arrive and each reply is written once. What
// is checked here is that a slow tracker holds worker slots only, and intake does not notice.
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
  expect(await rerunJobs(fault.stack, slow)).toEqual([]);
}, 40_000);
