import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RedisCluster, startRedisCluster } from '../../scripts/lib/redis-cluster.ts';
import { ensureRedisInstalled } from '../../scripts/lib/redis-process.ts';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createLinkRecords, linkIndexSize } from '../../src/linking/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createIntake } from '../../src/queue/intake.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { carryLegacyDedupeRecords, migrateLegacyDedupeRecords } from '../../src/queue/legacy-dedupe.ts';
import { createConsoleServices } from '../../src/read-model/index.ts';
import { readHeartbeats } from '../../workers/heartbeat.ts';
import { makeDelivery, post, replyEffects } from '../helpers/faults-load.ts';
import { dedupeRecord, uniquePrefix } from '../helpers/redis.ts';
import { ADA_APP_AND_HELP_DESK } from '../helpers/seeds.ts';

// The service on a real 3-master Redis Cluster: the API and two workers must keep every script, MULTI and
// pipeline within one slot, or the cluster answers CROSSSLOT (and ioredis refuses cross-slot pipelines).
let dir: string;
let cluster: RedisCluster;
let client: Cluster;
let stack: Stack;
let queue: Queue;
const logFile = () => join(dir, 'service.log');

beforeAll(async () => {
  ensureRedisInstalled();
  dir = mkdtempSync(join(tmpdir(), 'redis-cluster-e2e-'));
  cluster = await startRedisCluster({ dir });
  client = new Cluster(
    cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
    { redisOptions: { maxRetriesPerRequest: null } },
  );
  client.on('error', () => undefined);
  stack = await startStack({
    redisUrl: cluster.url,
    redis: client,
    workers: 2,
    env: { REDIS_CLUSTER: 'true', WORKER_CONCURRENCY: '2' },
    logFile: logFile(),
  });
  queue = new Queue(QUEUE_NAME, { connection: client, prefix: `{${stack.queuePrefix}}` });
  stack.jira.seed(ADA_APP_AND_HELP_DESK);
}, 60_000);
afterAll(async () => {
  await queue?.close();
  await stack?.stop();
  client?.disconnect();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const bot = () => stack.jira.botCredentials.accountId;
const issueId = (key: string) => [...stack.jira.state.issues.values()].find((i) => i.key === key)!.id;
const botComments = (key: string) =>
  stack.jira.state.comments.filter((c) => c.issueId === issueId(key) && c.authorId === bot());

it('one API and two workers on a 3-master Redis Cluster: item, link and /help end to end, no CROSSSLOT', async () => {
  const nodes = (await client.cluster('SHARDS')) as unknown[];
  expect(nodes).toHaveLength(3);
  expect((await readHeartbeats(client, stack.queuePrefix)).map((beat) => beat.pid).sort()).toEqual(
    stack.workers.map((worker) => worker.child.pid).sort(),
  );

  const item = stack.jira.act.createIssue({
    as: 'ada',
    project: 'APP',
    summary: 'Password reset email never arrives',
    description: 'Users request a password reset link but the email is not delivered.',
    issuetype: 'Story',
  });
  stack.jira.act.createIssue({
    as: 'ada',
    project: 'APP',
    summary: 'Dark mode for the settings page',
    description: 'Offer a dark theme toggle on the settings page.',
    issuetype: 'Story',
  });
  await waitFor(async () => (await linkIndexSize(client, stack.queuePrefix)) === 2, 30_000);
  const itemJobs = ['check-acceptance', 'score-item', 'index-item'];
  await waitFor(async () => {
    const done = await queue.getJobs(['completed']);
    return itemJobs.every((name) =>
      done.some((job) => job.name === name && job.data.event.item.key === item.key),
    );
  }, 30_000);

  const ticket = stack.jira.act.createIssue({
    as: 'ada',
    project: 'HELP',
    summary: 'Password reset email not arriving',
    description: 'I asked for a password reset twice and the reset email never arrived in my inbox.',
    issuetype: 'Task',
  });
  const links = createLinkRecords(client, stack.queuePrefix);
  const [link] = await waitFor(async () => {
    const found = await links.itemsOf({ tracker: 'jira', id: issueId(ticket.key) });
    return found.length > 0 ? found : undefined;
  }, 30_000);
  expect(link!.item.key).toBe(item.key);

  const comment = stack.jira.act.comment({ as: 'ada', issue: item.key, body: 'How does this work?\n/help' });
  const replies = () =>
    botComments(item.key).filter((c) => JSON.stringify(c.body).includes('backlog-refinery commands'));
  await waitFor(() => replies().length > 0, 30_000);
  await stack.jira.settled();
  await waitFor(async () => (await queue.getActiveCount()) + (await queue.getWaitingCount()) === 0, 30_000);
  expect(replies()).toHaveLength(1);

  // Deliveries arriving together share intake's pipelines: only one hash tag for their dedupe keys lets a
  // cluster take them. Each is sent twice in the same burst: one 202 and one duplicate apiece.
  const template = stack.jira.deliveries.find(
    (d) => d.event === 'comment_created' && (d.payload.comment as { id?: string }).id === comment.id,
  )!.payload;
  const burst = Array.from({ length: 20 }, () =>
    makeDelivery(template, { id: issueId(item.key), key: item.key }, 'cluster'),
  );
  const answers = await Promise.all([...burst, ...burst].map((delivery) => post(stack.apiUrl, delivery)));
  expect(answers.filter((answer) => answer.status === 202)).toHaveLength(burst.length);
  expect(answers.filter((answer) => answer.status === 200)).toHaveLength(burst.length);
  await waitFor(() => burst.every((delivery) => replyEffects(stack, delivery.commentId).length > 0), 30_000);
  await waitFor(async () => (await queue.getActiveCount()) + (await queue.getWaitingCount()) === 0, 30_000);
  expect(burst.map((delivery) => replyEffects(stack, delivery.commentId))).toEqual(
    burst.map(() => ['comment.created']),
  );

  // The console reads through the same cluster: its replica, scripts and pipelines stay within one slot each.
  const console_ = createConsoleServices({
    redis: client,
    keyPrefix: stack.queuePrefix,
    audit: createRedisAuditStore({ redis: client, keyPrefix: stack.queuePrefix, retentionDays: 30 }),
    queue,
    intake: createIntake({
      queue,
      redis: client,
      keyPrefix: stack.queuePrefix,
      dedupeTtlSeconds: 60,
      retry: { attempts: 1, backoffMs: 100 },
    }),
  });
  const row = await waitFor(
    async () => (await console_.readModel.backlog({ q: 'password' })).rows[0],
    30_000,
  );
  expect(row.key).toBe(item.key);
  expect(row.customers).toBe(1);
  expect((await console_.readModel.item({ tracker: 'jira', idOrKey: item.key }))?.tickets).toHaveLength(1);
  expect(await console_.readModel.triageCount()).toBe(0);
  expect((await console_.readModel.operations()).deliveries).toHaveLength(24);

  const completed = await queue.getJobs(['completed']);
  const commandJob = completed.find(
    (job) => job.name === 'run-commands' && job.data.event.comment.id === comment.id,
  );
  expect(await dedupeRecord(client, stack.queuePrefix, commandJob!.data.event.deliveryId)).toBeDefined();
  expect(await queue.getJobs(['failed'])).toEqual([]);

  const processedBy = new Set(completed.map((job) => job.processedBy));
  process.stdout.write(`[cluster] jobs completed by ${processedBy.size} worker process(es)\n`);
  const errors = [...(await cluster.errorStats()).values()].flat();
  const log = readFileSync(logFile(), 'utf8');
  expect(errors.filter((line) => /CROSSSLOT/i.test(line))).toEqual([]);
  expect(log.match(/.*(CROSSSLOT|same slot).*/gi) ?? []).toEqual([]);
}, 60_000);

it("the previous release's dedupe records move into the buckets on a Cluster too (SCAN on every master)", async () => {
  const prefix = uniquePrefix('legacy');
  await client.set(`{${prefix}:intake}:dedupe:jira.before`, `${Date.now()} hash-before`, 'EX', 3_600);
  await client.set(`{${prefix}:intake}:body:jira.hash-before`, 'jira.before', 'EX', 3_600);
  const intake = createIntake({
    queue,
    redis: client,
    keyPrefix: prefix,
    dedupeTtlSeconds: 3_600,
    retry: { attempts: 1, backoffMs: 100 },
  });

  expect(
    await migrateLegacyDedupeRecords({ redis: client, keyPrefix: prefix, dedupeTtlSeconds: 3_600 }),
  ).toBe(2);
  expect(
    await intake.accept({
      tracker: 'jira',
      deliveryKey: 'jira.replayed',
      bodyHash: 'hash-before',
      body: '{}',
    }),
  ).toEqual({ outcome: 'replay', originalKey: 'jira.before' });
});

it('an API process moves them on a Cluster with the client it has just created', async () => {
  const prefix = uniquePrefix('legacy');
  await client.set(`{${prefix}:intake}:dedupe:jira.early`, `${Date.now()} hash-early`, 'EX', 3_600);
  const fresh = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
  try {
    const carrying = carryLegacyDedupeRecords({
      redis: fresh,
      keyPrefix: prefix,
      dedupeTtlSeconds: 3_600,
      log: createLogger({ level: 'silent' }),
    });
    await carrying.firstPass;
    carrying.stop();
  } finally {
    fresh.disconnect();
  }

  expect(await dedupeRecord(client, prefix, 'jira.early', 3_600)).toMatchObject({
    value: expect.stringMatching(/ hash-early$/),
  });
});
