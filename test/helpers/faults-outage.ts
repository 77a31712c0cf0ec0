import { waitFor } from '../../scripts/lib/stack.ts';
import { allEffectsIn, replyEffects, runLoad, type SendRecord, type Tally, tally } from './faults-load.ts';
import type { FaultStack } from './faults-stack.ts';

export interface OutageOptions {
  /** Takes Redis away (stop, SIGKILL, SIGSTOP …). */
  breakRedis: () => Promise<void>;
  /** Brings it back. */
  healRedis: () => Promise<void>;
  outageMs: number;
  warmupMs?: number;
  afterMs?: number;
  senders?: number;
  drainTimeoutMs?: number;
}

export interface OutageResult extends Tally {
  records: SendRecord[];
  downAt: number;
  upAt: number;
  /** Answers both asked and given while Redis was away (before its heal began): status → count. */
  duringOutage: Record<string, number>;
  slowestAnswerDuringOutageMs: number;
  /** From Redis back to the first 202. */
  firstAckAfterUpS: number;
  /** From Redis back to every acknowledged delivery having its reply. */
  drainS: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Load before, during and after an outage; then waits until every acknowledged delivery had its effect. */
export async function runOutage(fault: FaultStack, options: OutageOptions): Promise<OutageResult> {
  const { stack } = fault;
  let downAt = 0;
  let healingAt = 0;
  let upAt = 0;
  const script = (async () => {
    await sleep(options.warmupMs ?? 1_500);
    downAt = Date.now();
    await options.breakRedis();
    await sleep(options.outageMs);
    healingAt = Date.now();
    await options.healRedis();
    upAt = Date.now();
    await sleep(options.afterMs ?? 2_000);
  })();
  const records = await runLoad({
    apiUrl: stack.apiUrl,
    next: () => fault.nextDelivery(),
    senders: options.senders ?? 4,
    pauseMs: 50,
    until: script,
    deadline: Date.now() + (options.warmupMs ?? 1_500) + options.outageMs + 20_000,
  });
  await waitFor(() => allEffectsIn(stack, records), options.drainTimeoutMs ?? 30_000).catch(() => false);
  const drainedAt = Date.now();
  // Late duplicates would show up shortly after the last reply.
  await sleep(1_000);
  const attempts = records.flatMap((record) => record.attempts);
  // Answered before the heal began: a restarted Redis takes connections before `healRedis` returns.
  const during = attempts.filter(
    (attempt) => attempt.at > downAt + 200 && attempt.at + attempt.ms < healingAt,
  );
  const overlapping = attempts.filter((attempt) => attempt.at < upAt && attempt.at + attempt.ms > downAt);
  const duringOutage: Record<string, number> = {};
  for (const attempt of during) duringOutage[attempt.status] = (duringOutage[attempt.status] ?? 0) + 1;
  const firstAck = Math.min(
    ...attempts.filter((a) => a.at >= upAt && (a.status === 202 || a.status === 200)).map((a) => a.at + a.ms),
  );
  return {
    ...(await tally(stack, records)),
    records,
    downAt,
    upAt,
    duringOutage,
    slowestAnswerDuringOutageMs: Math.max(0, ...overlapping.map((attempt) => attempt.ms)),
    firstAckAfterUpS: (firstAck - upAt) / 1_000,
    drainS: (drainedAt - upAt) / 1_000,
  };
}

/** Where the jobs of lost deliveries are: what to look at when a row fails. */
export async function describeLost(fault: FaultStack, result: OutageResult): Promise<string[]> {
  const queue = fault.queue();
  const lost = result.records.filter(
    (r) => r.acked && replyEffects(fault.stack, r.delivery.commentId).length === 0,
  );
  return Promise.all(
    lost.map(async (record) => {
      const job = await queue.getJob(`run-commands.jira.${record.delivery.id}`);
      const state = job ? await job.getState() : 'missing';
      const lock = await fault.client.pttl(`{${fault.stack.queuePrefix}}:tracker-jobs:${job?.id}:lock`);
      return `${record.delivery.id} ${state} attempts=${job?.attemptsMade} stalled=${job?.stalledCounter} by=${job?.processedBy} processedOn=${(job?.processedOn ?? 0) - result.upAt} lockTtl=${lock} ${job?.failedReason ?? ''} acked@${record.attempts.at(-1)!.at - result.upAt}ms`;
    }),
  );
}

/** One line per run, in the shape the reliability notes ask for. */
export function report(row: string, result: OutageResult): void {
  const { sent, acked, lost, doubled, extra, rerun, unacked, statuses } = result;
  process.stdout.write(
    `[fault ${row}] sent=${sent} acked=${acked} lost=${lost} doubled=${doubled} extra=${extra} rerun=${rerun} unacked=${unacked} ` +
      `statuses=${JSON.stringify(statuses)} during=${JSON.stringify(result.duringOutage)} ` +
      `slowest503=${result.slowestAnswerDuringOutageMs}ms firstAck=${result.firstAckAfterUpS.toFixed(1)}s ` +
      `drain=${result.drainS.toFixed(1)}s\n`,
  );
}
