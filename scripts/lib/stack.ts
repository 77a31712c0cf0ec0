import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisClient } from '../../src/queue/connection.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { unfinishedWork } from '../../src/queue/unfinished-work.ts';
import { type IssueWriteWindow, issueWriteWindows } from '../../src/sandbox/jira/issue-write-limit.ts';
import { createJiraSandbox, type JiraSandbox } from '../../src/sandbox/jira/jira-sandbox.ts';
import type { SandboxPart } from '../../src/sandbox/sandbox-part.ts';
import { type SandboxServer, startSandboxServer } from '../../src/sandbox/sandbox-server.ts';
import { trelloAct } from '../../src/sandbox/trello/act-client.ts';
import { createTrelloSandbox, type TrelloSandbox } from '../../src/sandbox/trello/trello-sandbox.ts';
import { freePort } from './redis-process.ts';
import { apiReady, type ServiceProcess, startServiceProcess, workerReady } from './service-process.ts';

export const STACK_JIRA_SECRET = 'sandbox-jira-webhook-secret';
export const STACK_TRELLO_SECRET = 'sandbox-trello-app-secret';

export interface StackOptions {
  redisUrl: string;
  /** Client for the stack's own reads (worker heartbeats); by default one it opens on redisUrl and closes. */
  redis?: RedisClient;
  workers?: number;
  /** Extra environment for the service processes (e.g. a rules file, DRY_RUN). */
  env?: Record<string, string>;
  logFile?: string;
  /** The Trello sandbox's enforced limits (default Trello's: 100 per token, 300 per key, per 10 s). */
  trelloRateLimit?: { perToken: number; perKey: number; windowMs: number };
  /**
   * The Jira sandbox's enforced per-issue write windows (default Jira's: 20 per 2 s and 100 per 30 s, or the count
   * `JIRA_ISSUE_WRITE_LIMIT` tells the service).
   */
  jiraIssueWriteLimit?: readonly IssueWriteWindow[];
}

export interface Stack {
  apiUrl: string;
  /** The stack's Redis client, for tests that look at what the service keeps there. */
  redis: RedisClient;
  sandbox: SandboxServer;
  jira: JiraSandbox;
  trello: TrelloSandbox;
  /** Acts as a person in Trello's UI (routes in src/sandbox/trello/trello-control-routes.ts). */
  trelloAct(
    action:
      | 'create-card'
      | 'comment'
      | 'edit-comment'
      | 'move-card'
      | 'archive-card'
      | 'delete-card'
      | 'edit-desc'
      | 'add-attachment'
      | 'delete-attachment'
      | 'add-checklist'
      | 'add-check-item'
      | 'check-item'
      | 'rename-checklist'
      | 'rename-check-item'
      | 'convert-check-item'
      | 'delete-checklist'
      | 'set-label',
    body: Record<string, string>,
  ): Promise<Record<string, unknown>>;
  queuePrefix: string;
  env: Record<string, string>;
  api: ServiceProcess;
  workers: ServiceProcess[];
  startWorker(): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** The sandbox trackers on loopback, and the environment that points the service at them and at Redis. */
export interface StackSandboxes {
  apiUrl: string;
  sandbox: SandboxServer;
  jira: JiraSandbox;
  trello: TrelloSandbox;
  queuePrefix: string;
  env: Record<string, string>;
}

/** The stack without its service: the sandboxes, and the service's environment (for processes or in-process). */
export async function startStackSandboxes(
  options: Pick<StackOptions, 'redisUrl' | 'env' | 'trelloRateLimit' | 'jiraIssueWriteLimit'>,
): Promise<StackSandboxes> {
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // As with Trello's window below, the sandbox enforces the per-issue count the service paces itself to.
  const jira = createJiraSandbox({
    webhook: { url: `${apiUrl}/webhooks/jira`, secret: STACK_JIRA_SECRET },
    issueWriteLimit:
      options.jiraIssueWriteLimit ?? issueWriteWindows(Number(options.env?.JIRA_ISSUE_WRITE_LIMIT ?? 20)),
  });
  // The sandbox enforces the same window the service's limiter is told about (tests shorten it).
  const windowMs = options.env?.TRELLO_RATE_WINDOW_MS ? Number(options.env.TRELLO_RATE_WINDOW_MS) : undefined;
  const trello = createTrelloSandbox({
    webhook: { url: `${apiUrl}/webhooks/trello`, secret: STACK_TRELLO_SECRET },
    rateLimit: options.trelloRateLimit ?? (windowMs ? { perToken: 100, perKey: 300, windowMs } : undefined),
  });
  const parts: SandboxPart[] = [jira, trello];
  const sandbox = await startSandboxServer(parts);
  const queuePrefix = `stack-${randomUUID().slice(0, 8)}`;
  const env: Record<string, string> = {
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    PUBLIC_URL: apiUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'info',
    TRACKER_STRICT_SCHEMAS: 'true',
    JOB_BACKOFF_MS: '200',
    // Tests seed boards (with the service's webhook) as they go: each is heard at its first delivery.
    TRELLO_WEBHOOKS_REREAD_MS: '0',
    JIRA_BASE_URL: `${sandbox.url}${jira.prefix}`,
    JIRA_EMAIL: jira.botCredentials.email,
    JIRA_API_TOKEN: jira.botCredentials.apiToken,
    JIRA_WEBHOOK_SECRET: STACK_JIRA_SECRET,
    TRELLO_API_URL: `${sandbox.url}${trello.prefix}`,
    TRELLO_API_KEY: 'sandbox-trello-key',
    TRELLO_API_TOKEN: 'sandbox-trello-token',
    TRELLO_API_SECRET: STACK_TRELLO_SECRET,
    ...options.env,
  };
  return { apiUrl, sandbox, jira, trello, queuePrefix, env };
}

/**
 * The whole product on loopback: sandbox trackers in this process, the real API and worker processes
 * (`node bin/service.ts`) talking to them and to Redis. End-to-end tests, the demo and benchmarks use it.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const ownsRedis = options.redis === undefined;
  const redis = options.redis ?? new Redis(options.redisUrl);
  const { apiUrl, sandbox, jira, trello, queuePrefix, env } = await startStackSandboxes(options);
  const start = (role: 'api' | 'worker') =>
    startServiceProcess({
      env: { ...env, ROLE: role },
      logFile: options.logFile,
      isReady: role === 'api' ? apiReady(apiUrl) : workerReady(redis, queuePrefix),
    });
  const api = await start('api');
  const workers: ServiceProcess[] = [];
  for (let i = 0; i < (options.workers ?? 1); i++) workers.push(await start('worker'));
  return {
    apiUrl,
    redis,
    sandbox,
    jira,
    trello,
    trelloAct: (action, body) => trelloAct(sandbox.url, action, body),
    queuePrefix,
    env,
    api,
    workers,
    async startWorker() {
      const worker = await start('worker');
      workers.push(worker);
      return worker;
    },
    async stop() {
      await Promise.all([api, ...workers].map((process) => process.stop()));
      await sandbox.close();
      if (ownsRedis) redis.disconnect();
    },
  };
}

/**
 * How long `waitFor` waits unless told: less than vitest's 20 s test timeout (vitest.config.ts), so a test whose
 * wait is in vain fails with what it awaited, not a bare "Test timed out". A test with a longer timeout of its own
 * passes a longer wait.
 */
export const DEFAULT_WAIT_MS = 15_000;

/**
 * Polls until `check` returns a value (not undefined/false), or fails naming what it awaited: `what`, or else the
 * check's own source.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = DEFAULT_WAIT_MS,
  what = String(check).replace(/\s+/g, ' ').slice(0, 300),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The stack's job queue, for tests and the demo that look at jobs; close it when done. */
export function stackQueue(stack: Pick<Stack, 'redis' | 'queuePrefix'>): Queue {
  return new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
}

/**
 * Waits until the service has nothing left to do: every webhook the sandboxes sent delivered, every delivery
 * relayed and no job waiting or running (`delayed`: nor waiting out a retry's backoff; `unfinishedWork`). A job
 * that wrote and finished while this looked sent a webhook the look did not cover, so the webhooks the sandboxes
 * sent are counted before and after, and a change means another look.
 */
export async function waitUntilIdle(
  stack: Pick<Stack, 'jira' | 'trello' | 'queuePrefix' | 'redis'>,
  options: { delayed: boolean; timeoutMs?: number },
): Promise<void> {
  const sent = () => stack.jira.deliveries.length + stack.trello.state().actions.length;
  const queue = stackQueue(stack);
  let left = '';
  try {
    await waitFor(
      async () => {
        const before = sent();
        await Promise.all([stack.jira.settled(), stack.trello.webhooksIdle()]);
        const { deliveries, jobs } = await unfinishedWork(
          { queue, redis: stack.redis, keyPrefix: stack.queuePrefix },
          options,
        );
        left = `${deliveries} deliveries to relay, ${jobs} jobs to run, ${sent() - before} webhooks sent meanwhile`;
        return deliveries + jobs === 0 && sent() === before;
      },
      options.timeoutMs,
      'the service to have nothing left to do',
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (last look: ${left})`);
  } finally {
    await queue.close();
  }
}
