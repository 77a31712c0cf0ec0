import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type RedisProcess, startRedis } from '../../scripts/lib/redis-process.ts';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { type Delivery, makeDelivery } from './faults-load.ts';

export interface FaultStackOptions {
  label: string;
  workers?: number;
  env?: Record<string, string>;
  /** Extra redis-server arguments, e.g. ['--appendfsync', 'always']. */
  redisArgs?: string[];
  issues?: number;
  /** The Redis URL the API and worker processes get (default: the private Redis itself), e.g. a proxy's. */
  serviceRedisUrl?: (redis: RedisProcess) => Promise<string>;
}

export interface FaultStack {
  stack: Stack;
  redis: RedisProcess;
  /** The test's own client: retries while Redis is away, so polling survives an outage. */
  client: Redis;
  dir: string;
  /** Where the service processes' JSON log lines go (appended across runs). */
  logFile: string;
  issueKeys: string[];
  /** A real comment_created payload the sandbox sent, to clone per delivery. */
  template: Record<string, unknown>;
  /** A fresh `/help` delivery, round-robin over the seeded issues. */
  nextDelivery(): Delivery;
  /** Starts the private redis-server again on the same port and directory (AOF replay). */
  restartRedis(): Promise<void>;
  queue(): Queue;
  stop(): Promise<void>;
}

export const PERSON = 'ada';

/**
 * One private redis-server per fault test file (stopping it disturbs nobody else), the real API and worker
 * processes, a Jira sandbox seeded with issues, and one real `/help` comment whose delivery is the template
 * every generated delivery is cloned from.
 */
export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const dir = mkdtempSync(join(tmpdir(), `refinery-fault-${options.label}-`));
  let redis = await startRedis({ dir, args: options.redisArgs });
  const client = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  client.on('error', () => undefined);
  const logFile = join(tmpdir(), `refinery-fault-${options.label}.log`);
  const stack = await startStack({
    redisUrl: options.serviceRedisUrl ? await options.serviceRedisUrl(redis) : redis.url,
    redis: client,
    workers: options.workers ?? 1,
    // A job taken by a worker just before Redis died comes back through stalled-job recovery, after at most
    // lock duration + stalled interval (60 s with the defaults): shortened so runs stay bounded.
    env: {
      LOG_LEVEL: 'info',
      WORKER_LOCK_DURATION_MS: '10000',
      WORKER_STALLED_INTERVAL_MS: '5000',
      ...options.env,
    },
    logFile,
  });
  const issueCount = options.issues ?? 20;
  stack.jira.seed({
    people: [{ accountId: PERSON, displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'OPS', name: 'Ops' }],
    issues: Array.from({ length: issueCount }, (_, i) => ({
      projectKey: 'OPS',
      summary: `Chore ${i + 1}`,
      issuetype: 'Task',
      reporter: PERSON,
    })),
  });
  stack.jira.act.comment({ as: PERSON, issue: 'OPS-1', body: '/help' });
  await stack.jira.settled();
  await waitFor(() => stack.jira.writes.length > 0, 20_000);
  const template = stack.jira.deliveries.find(
    (delivery) =>
      delivery.event === 'comment_created' &&
      (delivery.payload.comment as { author?: { accountId?: string } }).author?.accountId === PERSON,
  )!.payload;
  const queues: Queue[] = [];
  const issues = [...stack.jira.state.issues.values()];
  let turn = 0;
  return {
    stack,
    get redis() {
      return redis;
    },
    client,
    dir,
    logFile,
    issueKeys: Array.from({ length: issueCount }, (_, i) => `OPS-${i + 1}`),
    template,
    nextDelivery() {
      const issue = issues[turn++ % issues.length]!;
      return makeDelivery(template, issue, options.label);
    },
    async restartRedis() {
      redis = await startRedis({ dir, port: redis.port, args: options.redisArgs });
    },
    queue() {
      const queue = new Queue(QUEUE_NAME, { connection: client, prefix: `{${stack.queuePrefix}}` });
      queue.on('error', () => undefined);
      queues.push(queue);
      return queue;
    },
    async stop() {
      await stack.stop();
      for (const queue of queues) await queue.close().catch(() => undefined);
      client.disconnect();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
