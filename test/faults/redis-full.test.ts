import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { describeLost, runOutage } from '../helpers/faults-outage.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

const OOM = "OOM command not allowed when used memory > 'maxmemory'";
const HEADROOM = 1_048_576;

let fault: FaultStack;

beforeAll(async () => {
  // Short lock and stall check: a job whose completion Redis refused comes back soon after memory is freed.
  fault = await startFaultStack({
    label: 'full',
    env: { WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '2000' },
  });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

async function infoField(field: string): Promise<number> {
  return Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(await fault.client.info())?.[1]);
}

/** An overwrite of one tiny key: refused once Redis is full, and takes no room of its own. */
function refusesWrites(): Promise<boolean> {
  return fault.client.set('fault:full-probe', '1').then(
    () => false,
    (error: Error) => error.message.includes(OOM),
  );
}

/** Service log lines since `since` that mention the OOM refusal, by process name. */
function oomLogLines(since: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(fault.logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{') || !line.includes('OOM command not allowed')) continue;
    const entry = JSON.parse(line) as { time: number; name: string };
    if (entry.time >= since) counts[entry.name] = (counts[entry.name] ?? 0) + 1;
  }
  return counts;
}

it('F6: Redis full (noeviction) answers 503 never 500, evicts nothing, and runs every acked delivery once when raised', async () => {
  const startedAt = Date.now();
  const workerPids = fault.stack.workers.map((worker) => worker.child.pid);
  const queue = fault.queue();
  let fullAfterMs = 0;

  const result = await runOutage(fault, {
    // Longer than the stack's whole retry budget (6 attempts, backoff from 200 ms): a worker that failed jobs on
    // OOM instead of waiting would lose them here.
    outageMs: 10_000,
    // Jobs whose lock ran out while Redis refused writes come back after lock + stalled check (15 s here).
    drainTimeoutMs: 60_000,
    breakRedis: async () => {
      const setAt = Date.now();
      const limit = (await infoField('used_memory')) + HEADROOM;
      await fault.client.config('SET', 'maxmemory', String(limit));
      // The senders' own deliveries (and the worker's results) fill the last megabyte.
      await waitFor(refusesWrites, 30_000);
      fullAfterMs = Date.now() - setAt;
    },
    healRedis: async () => {
      await fault.client.config('SET', 'maxmemory', '0');
    },
  });

  const refusals = result.records.flatMap((record) => record.attempts.flatMap((a) => a.refusal ?? []));
  const completed = await queue.getCompleted();
  const rerun = completed.filter((job) => job.attemptsMade > 1 || job.stalledCounter > 0).length;
  const failed = await queue.getFailedCount();
  const evicted = await infoField('evicted_keys');
  const oomLogs = oomLogLines(startedAt);
  process.stdout.write(
    `[fault F6] sent=${result.sent} acked=${result.acked} lost=${result.lost} doubled=${result.doubled} extra=${result.extra} rerun=${result.rerun} ` +
      `unacked=${result.unacked} statuses=${JSON.stringify(result.statuses)} fullAfter=${fullAfterMs}ms ` +
      `slowest=${result.slowestAnswerDuringOutageMs}ms ` +
      `evicted_keys=${evicted} oomLogLines=${JSON.stringify(oomLogs)} rerunJobs=${rerun} failedJobs=${failed} ` +
      `firstAck=${result.firstAckAfterUpS.toFixed(1)}s drain=${result.drainS.toFixed(1)}s\n`,
  );
  if (result.lost > 0) console.log(await describeLost(fault, result));

  expect(result.statuses['503']).toBeGreaterThan(0);
  expect(Object.keys(result.statuses).filter((status) => !['200', '202', '503'].includes(status))).toEqual(
    [],
  );
  expect(new Set(refusals.map((refusal) => refusal.retryAfter))).toEqual(new Set(['5']));
  expect(new Set(refusals.map((refusal) => JSON.parse(refusal.body).message))).toEqual(
    new Set(['Queue unavailable, retry later']),
  );
  // The operator's reason is in the API's log, not in the answer to the sender.
  expect(oomLogs['refinery-api']).toBeGreaterThan(0);
  expect(evicted).toBe(0);
  expect(result.acked).toBeGreaterThan(20);
  expect(result.lost).toBe(0);
  expect(result.doubled).toBe(0);
  expect(result.extra).toBe(0);
  expect(result.rerun).toBe(0);
  expect(failed).toBe(0);
  expect(fault.stack.workers.map((worker) => worker.child.pid)).toEqual(workerPids);
  expect(fault.stack.workers.every((worker) => worker.child.exitCode === null)).toBe(true);
}, 150_000);
