import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RedisCluster, startRedisCluster } from '../../scripts/lib/redis-cluster.ts';
import { ensureRedisInstalled, type RedisProcess } from '../../scripts/lib/redis-process.ts';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { intakeStreamKey } from '../../src/queue/intake.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { unfinishedWork } from '../../src/queue/unfinished-work.ts';
import { allEffectsIn, makeDelivery, runLoad, type SendRecord, tally } from '../helpers/faults-load.ts';

// F16: the master holding the intake's hash slot (what the API writes every delivery to) dies under load (kill -9)
// and its replica takes over. The queue's slot may be on another master: workers go on running jobs meanwhile.
let dir: string;
let cluster: RedisCluster;
let client: Cluster;
let stack: Stack;
let template: Record<string, unknown>;
const logFile = () => join(dir, 'service.log');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  ensureRedisInstalled();
  dir = mkdtempSync(join(tmpdir(), 'redis-cluster-failover-'));
  cluster = await startRedisCluster({ dir, replicas: 1 });
  client = cluster.connect();
  stack = await startStack({
    redisUrl: cluster.url,
    redis: client,
    workers: 2,
    // A job whose completion the dead master took with it comes back through stalled-job recovery: shortened.
    env: {
      REDIS_CLUSTER: 'true',
      WORKER_CONCURRENCY: '2',
      WORKER_LOCK_DURATION_MS: '4000',
      WORKER_STALLED_INTERVAL_MS: '2000',
      ITEM_LOCK_TTL_MS: '5000',
    },
    logFile: logFile(),
  });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'OPS', name: 'Ops' }],
    issues: Array.from({ length: 10 }, (_, i) => ({
      projectKey: 'OPS',
      summary: `Chore ${i + 1}`,
      issuetype: 'Task',
      reporter: 'ada',
    })),
  });
  stack.jira.act.comment({ as: 'ada', issue: 'OPS-1', body: '/help' });
  await stack.jira.settled();
  template = stack.jira.deliveries.find((d) => d.event === 'comment_created')!.payload;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  client?.disconnect();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The master serving `key`'s slot and its replica, read from CLUSTER NODES. */
async function slotOwner(key: string): Promise<{ master: RedisProcess; replica: RedisProcess }> {
  const slot = Number(await client.cluster('KEYSLOT', key));
  const lines = String(await client.cluster('NODES'))
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  const serves = (fields: string[]) =>
    fields.slice(8).some((range) => {
      const [from, to = from] = range.split('-').map(Number);
      return slot >= from! && slot <= to!;
    });
  const master = lines.find((fields) => fields[2]!.includes('master') && serves(fields))!;
  const replica = lines.find((fields) => fields[3] === master[0])!;
  const node = (fields: string[]) =>
    cluster.nodes.find((n) => fields[1]!.startsWith(`127.0.0.1:${n.port}@`))!;
  return { master: node(master), replica: node(replica) };
}

it('F16: the master of the intake slot is SIGKILLed under load; its replica takes over and the service recovers', async () => {
  const { master, replica } = await slotOwner(intakeStreamKey(stack.queuePrefix));
  const watcher = new Redis(replica.port, { maxRetriesPerRequest: null });
  const issues = [...stack.jira.state.issues.values()];
  let turn = 0;
  let killedAt = 0;
  let failoverAt = 0;
  const script = (async () => {
    await sleep(2_000);
    killedAt = Date.now();
    await master.stop('SIGKILL');
    await waitFor(async () => ((await watcher.role()) as string[])[0] === 'master', 20_000);
    failoverAt = Date.now();
    await sleep(3_000);
  })();
  const records = await runLoad({
    apiUrl: stack.apiUrl,
    next: () => makeDelivery(template, issues[turn++ % issues.length]!, 'f16'),
    senders: 4,
    pauseMs: 50,
    until: script,
    deadline: Date.now() + 30_000,
  });
  await script;
  watcher.disconnect();
  const queue = new Queue(QUEUE_NAME, { connection: client, prefix: `{${stack.queuePrefix}}` });
  // Deliveries acknowledged just before the kill may be lost with the master (asynchronous replication, bounded
  // below), so "drained" means every effect arrived or nothing is left to run: no delivery waits in the intake
  // stream and no job in the queue. Jobs whose lock died with the master run again only after lock + stalled check,
  // so settling takes 15-28 s here: the window leaves room for a slower machine.
  const settled = async () => {
    const service = { queue, redis: client, keyPrefix: stack.queuePrefix };
    const { deliveries, jobs } = await unfinishedWork(service, { delayed: true });
    return deliveries + jobs === 0;
  };
  const drained = await waitFor(async () => allEffectsIn(stack, records) || (await settled()), 50_000).catch(
    () => false,
  );
  const drainedAt = Date.now();
  // Late duplicates would show up shortly after the last reply.
  await sleep(1_000);

  const result = await tally(stack, records);
  const [completed, failed] = [await queue.getJobs(['completed']), await queue.getJobs(['failed'])];
  await queue.close();
  const attempts = records.flatMap((record) => record.attempts);
  const ends = (attempt: SendRecord['attempts'][number]) => attempt.at + attempt.ms;
  const firstAck = Math.min(
    ...attempts.filter((a) => a.at > killedAt && (a.status === 202 || a.status === 200)).map(ends),
  );
  // The watcher polls the replica's role, so it may notice the promotion after the first 202: the window ends at
  // whichever comes first.
  const noMaster = attempts.filter((a) => a.at > killedAt + 200 && ends(a) < Math.min(failoverAt, firstAck));
  const ackedLastSecond = records.filter((record) => {
    const last = record.attempts.at(-1)!;
    return record.acked && ends(last) > killedAt - 1_000 && last.at < killedAt;
  }).length;
  const s = (ms: number) => (ms / 1_000).toFixed(1);
  process.stdout.write(
    `[fault F16] sent=${result.sent} acked=${result.acked} lost=${result.lost} doubled=${result.doubled} extra=${result.extra} rerun=${result.rerun} ` +
      `unavailable=${s(firstAck - killedAt)}s failover=${s(failoverAt - killedAt)}s ` +
      `drain=${s(drainedAt - failoverAt)}s statuses=${JSON.stringify(result.statuses)} ` +
      `slowest503=${Math.max(0, ...attempts.filter((a) => a.status === 503).map((a) => a.ms))}ms ackedLastSecond=${ackedLastSecond} ` +
      `retriedJobs=${completed.filter((job) => job.attemptsMade > 1).length}\n`,
  );

  expect(Object.keys(result.statuses).filter((status) => !['200', '202', '503'].includes(status))).toEqual(
    [],
  );
  // A request that meets the dead master waits up to intake's 2 s timeout: it ends as 503, or as 202 if the replica
  // took over meanwhile. Every one that ended while the slot had no master was refused with 503.
  expect(result.statuses['503']).toBeGreaterThan(0);
  expect(noMaster.every((attempt) => attempt.status === 503)).toBe(true);
  expect(result.unacked).toBe(0);
  expect(drained).toBe(true);
  expect(result.lost).toBeLessThanOrEqual(ackedLastSecond);
  expect(result.doubled).toBe(0);
  expect(result.extra).toBe(0);
  expect(result.rerun).toBe(0);
  expect(failed.map((job) => job.failedReason)).toEqual([]);

  // Recovered without a restart: the same processes, and each worker ran jobs after the failover.
  expect([stack.api, ...stack.workers].map((p) => p.child.exitCode)).toEqual([null, null, null]);
  const ranAfter = new Set(
    completed.filter((job) => (job.processedOn ?? 0) > failoverAt).map((job) => job.processedBy),
  );
  expect(ranAfter.size).toBe(2);
  expect(readFileSync(logFile(), 'utf8').match(/.*Request failed.*/g) ?? []).toEqual([]);
}, 120_000);
