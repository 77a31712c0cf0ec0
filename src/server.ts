import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { createRedisUserStore } from './console/users.ts';
import { ListenError, listenProblem } from './errors.ts';
import { createAdminRuntime } from './http/admin/admin-runtime.ts';
import { buildApp } from './http/app.ts';
import { createRedisSessionStore } from './http/console/sessions.ts';
import type { Logger } from './logger.ts';
import { checkEvictionPolicy, createRedis, pingRedis } from './queue/connection.ts';
import { createIntake } from './queue/intake.ts';
import { QUEUE_NAME } from './queue/jobs.ts';
import { carryLegacyDedupeRecords } from './queue/legacy-dedupe.ts';
import { createConsoleServices } from './read-model/index.ts';
import { listenAddress } from './runtime/address.ts';
import { learnIdentities, type UnreachableWarnings } from './runtime/identities.ts';
import type { RulesStore } from './runtime/rules-store.ts';
import { createTrackers } from './runtime/trackers.ts';
import { createOwnLinkMemo } from './trackers/own-links.ts';

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * The API role: webhook intake, health, admin. Stateless; every shared fact lives in Redis. `warned` is shared with
 * the worker of the same service (ROLE=all).
 */
export async function startApi(
  config: Config,
  log: Logger,
  rules: RulesStore,
  warned: UnreachableWarnings = new Set(),
): Promise<RunningApi> {
  const cluster = { cluster: config.redisCluster };
  const producer = createRedis(config.redisUrl, 'producer', log, cluster);
  const client = createRedis(config.redisUrl, 'client', log, cluster);
  client.once('ready', () => void checkEvictionPolicy(client, log));
  const queue = new Queue(QUEUE_NAME, { connection: producer, prefix: `{${config.queuePrefix}}` });
  queue.on('error', (error) => log.warn({ err: { message: error.message } }, 'Queue error'));
  const ownLinks = createOwnLinkMemo(client, config.queuePrefix);
  const trackers = createTrackers({ config, log, redis: client });
  const identities = learnIdentities(trackers, log, warned);
  const intake = createIntake({
    queue,
    redis: producer,
    keyPrefix: config.queuePrefix,
    dedupeTtlSeconds: config.dedupeTtlSeconds,
    retry: { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs },
  });
  const legacyRecords = carryLegacyDedupeRecords({
    redis: client,
    keyPrefix: config.queuePrefix,
    dedupeTtlSeconds: config.dedupeTtlSeconds,
    log,
  });
  if (config.jira && config.jira.webhookSecrets.length === 0) {
    log.warn(
      config.jira.unsignedUrlToken
        ? 'JIRA_WEBHOOK_SECRET is not set: unsigned Jira deliveries are accepted when their URL carries JIRA_WEBHOOK_URL_TOKEN'
        : 'JIRA_WEBHOOK_SECRET is not set: every Jira delivery is refused (401) until it is',
    );
  }
  const runtime = createAdminRuntime({ config, log, queue, intake, redis: client, trackers, rules });
  const consoleServices = createConsoleServices({
    redis: client,
    keyPrefix: config.queuePrefix,
    audit: runtime.admin.audit,
    queue,
    intake,
  });
  const app = await buildApp({
    config,
    log,
    intake,
    selfId: (tracker) => identities.get(tracker),
    ownLinks,
    isRedisReady: () => pingRedis(producer),
    // A signed delivery older than its dedupe record could be replayed as new once the record expired.
    maxDeliveryAgeMs: config.dedupeTtlSeconds * 1000,
    ...runtime,
    // Always served: it stays off (says how to add people) until `npm run console -- add-user` adds someone.
    console: {
      users: createRedisUserStore(client, config.queuePrefix),
      sessions: createRedisSessionStore(client, config.queuePrefix),
      readModel: consoleServices.readModel,
      actions: consoleServices.actions,
    },
  });
  const url = await app
    .listen({ port: config.port, host: config.host })
    .catch((error: NodeJS.ErrnoException) => {
      const why = listenProblem(error.code, config.port);
      throw why ? new ListenError(listenAddress(config.host, config.port), why) : error;
    });
  log.info({ url }, 'API listening');
  return {
    app,
    url,
    async close() {
      legacyRecords.stop();
      identities.stop();
      await app.close();
      // Counts wait in memory up to half a second before they are written: the last deliveries' too.
      await runtime.metrics.sink.flush();
      await queue.close();
      producer.disconnect();
      client.disconnect();
    },
  };
}
