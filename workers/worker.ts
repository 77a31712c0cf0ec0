import { hostname } from 'node:os';
import { type Job, Queue, Worker } from 'bullmq';
import { createRedisAuditStore } from '../src/audit/audit-store.ts';
import { createJobTrackers } from '../src/audit/job-audit.ts';
import type { Config } from '../src/config.ts';
import type { TrackerName } from '../src/domain/events.ts';
import { TrackerError } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import { instrumentTracker } from '../src/metrics/instrumented-tracker.ts';
import { measureJobs } from '../src/metrics/measure-jobs.ts';
import { createRedisMetricsSink } from '../src/metrics/metrics-sink.ts';
import { checkEvictionPolicy, createRedis } from '../src/queue/connection.ts';
import { createIntakeConsumer } from '../src/queue/intake-consumer.ts';
import { createItemLock, holdsLock } from '../src/queue/item-lock.ts';
import { QUEUE_NAME } from '../src/queue/jobs.ts';
import { learnIdentities, type UnreachableWarnings } from '../src/runtime/identities.ts';
import type { RulesStore } from '../src/runtime/rules-store.ts';
import { createTrackers, createTrelloLimiter, trelloOptions } from '../src/runtime/trackers.ts';
import { createOwnWebhooks } from '../src/trackers/own-webhooks.ts';
import { createTrelloWebhookAdmin } from '../src/trackers/trello/trello-webhook-admin.ts';
import { LockLostError } from '../src/trackers/write-guard.ts';
import { indexReplica } from './capabilities/linking-index.ts';
import { HANDLERS } from './handlers/index.ts';
import { startHeartbeat } from './heartbeat.ts';
import { startIntakeRelay } from './intake-relay.ts';
import type { JobContext } from './job-context.ts';
import { createProcessor } from './processor.ts';
import { registerSchedules } from './schedules.ts';

export interface RunningWorker {
  worker: Worker;
  close(): Promise<void>;
}

/** The worker role: consumes jobs and runs each through its handler. `warned`: see startApi. */
export async function startWorker(
  config: Config,
  log: Logger,
  rules: RulesStore,
  warned: UnreachableWarnings = new Set(),
): Promise<RunningWorker> {
  const cluster = { cluster: config.redisCluster };
  const connection = createRedis(config.redisUrl, 'worker', log, cluster);
  const client = createRedis(config.redisUrl, 'client', log, cluster);
  client.once('ready', () => void checkEvictionPolicy(client, log));
  // Counters go to Redis, where /metrics of any API process reads them: no scrape target per worker.
  const metrics = createRedisMetricsSink(client, config.queuePrefix);
  const audit = createRedisAuditStore({
    redis: client,
    keyPrefix: config.queuePrefix,
    retentionDays: config.auditRetentionDays,
  });
  const trackers = new Map(
    [...createTrackers({ config, log, redis: client })].map(([name, t]) => [
      name,
      instrumentTracker(t, metrics),
    ]),
  );
  const identities = learnIdentities(trackers, log, warned);
  let worker: Worker | undefined;
  // Every line about a job names it and the delivery that caused it, so one grep finds its whole story.
  const jobLog = (job: Job) =>
    log.child({ jobId: job.id, job: job.name, deliveryId: job.data?.event?.deliveryId });

  const context = (job: Job): JobContext => {
    const jobTrackers = createJobTrackers(job, { audit, config });
    return {
      log: jobLog(job).child({ attempt: job.attemptsMade + 1 }),
      jobId: job.id ?? '',
      config,
      rules: () => rules.current(),
      tracker(name: TrackerName) {
        const tracker = trackers.get(name);
        if (!tracker) throw new TrackerError('validation', name, `${name} is not configured on this service`);
        return jobTrackers.audited(tracker);
      },
      selfId: (name) => identities.get(name),
      selfMentions: (name) => identities.mentions(name),
      redis: client,
      keyPrefix: config.queuePrefix,
      now: () => new Date(),
      progress: (value) => job.updateProgress(value),
      audit,
      dryRun: jobTrackers.dryRun,
      attempt: { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 },
      metrics,
    };
  };

  worker = new Worker(
    QUEUE_NAME,
    measureJobs(
      createProcessor({
        handlers: HANDLERS,
        context,
        worker: () => worker!,
        // On the connection that waits for Redis: a release that fails fast during an outage would leave the
        // item locked until the lock expires.
        withItemLock: createItemLock({
          redis: connection,
          keyPrefix: config.queuePrefix,
          ttlMs: config.itemLockTtlMs,
        }),
        // On the connection that waits out an outage or a full Redis, like the pause itself: counting a 429 must not
        // fail the attempt the 429 was meant to spare.
        rateLimits: {
          redis: connection,
          keyPrefix: config.queuePrefix,
          giveUpMs: config.rateLimitGiveUpMs,
          maxDelayMs: config.rateLimitMaxDelayMs,
        },
        writeGuard: (job) => async () => {
          // BullMQ's own lock key: the worker that re-ran a stalled job holds it under another token.
          const owned = await holdsLock(client, `${job.queueQualifiedName}:${job.id}:lock`, job.token);
          if (!owned) throw new LockLostError(job.id ?? '');
        },
      }),
      metrics,
    ),
    {
      // Recorded on each job as processedBy, so an operator (and a test) sees which process ran it.
      name: `${hostname()}:${process.pid}`,
      connection,
      prefix: `{${config.queuePrefix}}`,
      concurrency: config.workerConcurrency,
      // BullMQ honours a manual rateLimit() (our pause on a tracker's 429) across workers only when a limiter is
      // configured; this one is far above any real throughput, so it never paces jobs by itself.
      limiter: { max: 1_000_000, duration: 1_000 },
      lockDuration: config.workerLockDurationMs,
      stalledInterval: config.workerStalledIntervalMs,
    },
  );
  worker.on('error', (error) => log.warn({ err: { message: error.message } }, 'Worker error'));
  worker.on('failed', (job, error) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      jobLog(job).error(
        { attempts: job.attemptsMade, err: { message: error.message } },
        'Job failed after its last attempt',
      );
    }
  });
  // The link index is loaded now rather than by the first linking job, which would otherwise wait for it.
  indexReplica({ redis: client, keyPrefix: config.queuePrefix })
    .sync()
    .catch((error: Error) => log.warn({ err: { message: error.message } }, 'Link index not loaded yet'));
  const trello = trelloOptions(config, log, createTrelloLimiter(config, client));
  // The relay's reads block, so it has a connection of its own; it waits for Redis like the worker's.
  const relayConnection = createRedis(config.redisUrl, 'worker', log, cluster);
  const queue = new Queue(QUEUE_NAME, { connection, prefix: `{${config.queuePrefix}}` });
  const relay = startIntakeRelay({
    consumer: createIntakeConsumer({
      redis: relayConnection,
      keyPrefix: config.queuePrefix,
      consumer: `${hostname()}:${process.pid}`,
      // A delivery a dead worker took is taken back after this, like its jobs.
      minIdleMs: config.workerLockDurationMs,
    }),
    queue,
    rules: () => rules.current(),
    selfId: (name) => identities.get(name),
    selfMentions: (name) => identities.mentions(name),
    retry: { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs },
    log,
    onOutcome: metrics.delivery,
    onDeclined: metrics.commandsDeclined,
    ownWebhooks: trello
      ? {
          trello: createOwnWebhooks(createTrelloWebhookAdmin(trello).list, {
            rereadMs: config.trelloWebhooksRereadMs,
          }),
        }
      : {},
  });
  await registerSchedules(config, rules.current(), log);
  // A reload may add, change or drop a board's cron.
  rules.onReload(async (reloaded) => void (await registerSchedules(config, reloaded, log)));
  // The heartbeat is what says "started" (the admin API, tests, deploy checks): only once schedules are in place.
  const heartbeat = startHeartbeat(client, config.queuePrefix, worker);
  log.info({ concurrency: config.workerConcurrency }, 'Worker started');
  return {
    worker,
    async close() {
      identities.stop();
      // Finishes the batch in hand; deliveries not taken stay in the stream for the next worker.
      await relay.stop();
      // Waits for the jobs in flight; new ones stay in Redis for the next worker.
      await worker?.close();
      await queue.close();
      await heartbeat.stop();
      await metrics.flush();
      connection.disconnect();
      relayConnection.disconnect();
      client.disconnect();
    },
  };
}
