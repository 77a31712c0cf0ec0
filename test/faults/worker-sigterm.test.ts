import type { Job } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { allEffectsIn, replyEffects, runLoad, sendLikeJira, tally } from '../helpers/faults-load.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;
const GRACE_MS = 6_000;

beforeAll(async () => {
  fault = await startFaultStack({
    label: 'worker-sigterm',
    workers: 2,
    // Short enough that a job left behind by a stopped worker is recovered (and counted as stalled) within the
    // test instead of looking lost; the grace is well above the 1.5 s jobs of the deploy case.
    env: {
      WORKER_CONCURRENCY: '4',
      WORKER_LOCK_DURATION_MS: '5000',
      WORKER_STALLED_INTERVAL_MS: '2500',
      ITEM_LOCK_TTL_MS: '5000',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    },
  });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Jira answers the issue calls (comment reads and writes) after a delay, handling them only then. */
function slowJira(method: 'GET' | 'POST', delayMs: number, count: number): void {
  fault.stack.jira.injectFault({ pathPrefix: '/rest/api/3/issue/', method, status: 0, delayMs, count });
}

it('F10: a worker SIGTERMed with jobs in flight finishes them, exits 0, and the others take the rest', async () => {
  const { stack } = fault;
  const queue = fault.queue();
  // Every reply POST takes 1.5 s, so the worker has jobs in flight when the signal comes.
  slowJira('POST', 1_500, 100_000);
  const victim = stack.workers[0]!;
  const victimName = `:${victim.child.pid}`;
  const ownedByVictim = (job: Job) => job.processedBy?.endsWith(victimName) === true;
  let inFlight: Job[] = [];
  let killedAt = 0;
  let exitedAt = 0;
  let exitCode: number | null = null;
  const script = (async () => {
    await sleep(2_000);
    inFlight = await waitFor(async () => {
      const mine = (await queue.getActive()).filter(ownedByVictim);
      return mine.length >= 2 && mine;
    }, 20_000);
    killedAt = Date.now();
    victim.child.kill('SIGTERM');
    exitCode = await victim.exited;
    exitedAt = Date.now();
    // A deploy starts the new version; the load goes on meanwhile.
    await stack.startWorker();
    await sleep(1_500);
  })();
  const records = await runLoad({
    apiUrl: stack.apiUrl,
    next: () => fault.nextDelivery(),
    // About 3 deliveries a second against 8 job slots: the backlog stays short and drains in seconds.
    senders: 2,
    pauseMs: 600,
    until: script,
    deadline: Date.now() + 45_000,
  });
  await script;
  await waitFor(() => allEffectsIn(stack, records), 25_000).catch(() => false);
  const drainS = (Date.now() - exitedAt) / 1_000;
  // Late duplicates would show up shortly after the last reply.
  await sleep(1_000);

  const result = await tally(stack, records);
  const jobs = await Promise.all(
    records.map(async (record) => (await queue.getJob(`run-commands.jira.${record.delivery.id}`))!),
  );
  const stalled = jobs.reduce((sum, job) => sum + (job?.stalledCounter ?? 0), 0);
  const finishedInFlight = await Promise.all(inFlight.map(async (job) => (await queue.getJob(job.id!))!));
  const victimJobs = jobs.filter((job) => job && ownedByVictim(job));
  const startedAfterSignal = victimJobs.filter((job) => (job.processedOn ?? 0) > killedAt).length;
  const shutdownS = (exitedAt - killedAt) / 1_000;
  process.stdout.write(
    `[fault F10] sent=${result.sent} acked=${result.acked} lost=${result.lost} doubled=${result.doubled} extra=${result.extra} rerun=${result.rerun} ` +
      `unacked=${result.unacked} stalled=${stalled} inFlightAtSignal=${inFlight.length} exit=${exitCode} ` +
      `shutdown=${shutdownS.toFixed(1)}s drain=${drainS.toFixed(1)}s victimJobs=${victimJobs.length} startedAfterSignal=${startedAfterSignal} ` +
      `statuses=${JSON.stringify(result.statuses)}\n`,
  );
  expect(result.acked).toBeGreaterThan(10);
  expect(result.unacked).toBe(0);
  expect(result.lost).toBe(0);
  expect(result.doubled).toBe(0);
  expect(result.extra).toBe(0);
  expect(result.rerun).toBe(0);
  expect(exitCode).toBe(0);
  expect(shutdownS).toBeLessThan(GRACE_MS / 1_000);
  expect(stalled).toBe(0);
  // The jobs it had when the signal came were finished by the stopping worker itself, before it exited.
  for (const job of finishedInFlight) {
    expect(job.processedBy).toMatch(new RegExp(`${victimName}$`));
    expect(job.failedReason).toBeUndefined();
    expect(job.finishedOn).toBeLessThanOrEqual(exitedAt);
  }
  expect(jobs.filter((job) => (job.processedOn ?? 0) > exitedAt).every((job) => !ownedByVictim(job))).toBe(
    true,
  );
  expect(jobs.some((job) => (job.processedOn ?? 0) > exitedAt)).toBe(true);
}, 60_000);

it('F10: a job that outlasts the grace period: the worker exits 1 at the deadline, another worker re-runs the job once', async () => {
  const { stack } = fault;
  const queue = fault.queue();
  // The reply's first GET hangs far beyond the grace; nothing is written before it.
  slowJira('GET', 2 * GRACE_MS, 1);
  const record = await sendLikeJira(stack.apiUrl, fault.nextDelivery(), Date.now() + 5_000);
  const job = await waitFor(
    async () => (await queue.getActive()).find((active) => active.processedBy),
    10_000,
  );
  const victim = stack.workers.find((worker) => job.processedBy?.endsWith(`:${worker.child.pid}`))!;

  const killedAt = Date.now();
  victim.child.kill('SIGTERM');
  const exitCode = await victim.exited;
  const shutdownS = (Date.now() - killedAt) / 1_000;
  const finished = await waitFor(async () => {
    const current = await queue.getJob(job.id!);
    return current?.finishedOn ? current : undefined;
  }, 30_000);
  await sleep(1_000);

  const recoveryS = ((finished.finishedOn ?? 0) - killedAt) / 1_000;
  process.stdout.write(
    `[fault F10 grace] exit=${exitCode} shutdown=${shutdownS.toFixed(1)}s grace=${GRACE_MS / 1_000}s ` +
      `recovery=${recoveryS.toFixed(1)}s stalled=${finished.stalledCounter} by=${finished.processedBy} ` +
      `replies=${replyEffects(stack, record.delivery.commentId).length}\n`,
  );
  expect(record.acked).toBe(true);
  expect(exitCode).toBe(1);
  expect(shutdownS).toBeGreaterThanOrEqual(GRACE_MS / 1_000 - 0.5);
  expect(shutdownS).toBeLessThan(GRACE_MS / 1_000 + 5);
  expect(finished.processedBy).not.toMatch(new RegExp(`:${victim.child.pid}$`));
  expect(finished.failedReason).toBeUndefined();
  expect(finished.stalledCounter).toBe(1);
  expect(replyEffects(stack, record.delivery.commentId)).toEqual(['comment.created']);
}, 60_000);
