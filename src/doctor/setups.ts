import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { RedisClient } from '../queue/connection.ts';
import { readRedisFacts } from '../queue/redis-facts.ts';
import type { Rules } from '../rules/rules-schema.ts';
import { createJiraSetup } from '../trackers/jira/jira-setup.ts';
import type { OutboundLimiter } from '../trackers/rate-limit/outbound-limiter.ts';
import { createTrelloSetup } from '../trackers/trello/trello-setup.ts';
import type { DoctorReport } from './checklist.ts';
import { type DoctorSetups, environmentOf, runDoctor } from './run-doctor.ts';

/** The setup ports of the configured trackers, with the service's own timeouts and schema strictness. */
export function createDoctorSetups(config: Config, log: Logger, limiter: OutboundLimiter): DoctorSetups {
  const onSchemaMismatch = config.strictTrackerSchemas ? 'throw' : 'warn';
  return {
    jira: config.jira
      ? createJiraSetup({
          baseUrl: config.jira.baseUrl,
          email: config.jira.email,
          apiToken: config.jira.apiToken,
          log,
          onSchemaMismatch,
          requestTimeoutMs: config.trackerTimeoutMs,
        })
      : undefined,
    trello: config.trello
      ? createTrelloSetup({
          apiUrl: config.trello.apiUrl,
          apiKey: config.trello.apiKey,
          apiToken: config.trello.apiToken,
          log,
          limiter,
          timeoutMs: config.trackerTimeoutMs,
        })
      : undefined,
  };
}

export interface ProcessDoctorOptions {
  config: Config;
  log: Logger;
  redis: RedisClient;
  limiter: OutboundLimiter;
  rules: () => Rules;
}

/** The checklist as a running API process sees it: its own configuration, rules, Redis and limiter. */
export function createProcessDoctor(options: ProcessDoctorOptions): () => Promise<DoctorReport> {
  const { config, log, redis, limiter } = options;
  return async () =>
    (
      await runDoctor({
        env: environmentOf(config),
        rules: { ok: true, rules: options.rules() },
        readRedis: () => readRedisFacts(redis),
        setups: () => createDoctorSetups(config, log, limiter),
        now: () => new Date(),
      })
    ).report;
}
