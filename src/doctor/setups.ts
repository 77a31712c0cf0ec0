import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { RedisClient } from '../queue/connection.ts';
import { readRedisFacts } from '../queue/redis-facts.ts';
import type { Rules } from '../rules/rules-schema.ts';
import { jiraOptions, trelloOptions } from '../runtime/trackers.ts';
import { createJiraSetup } from '../trackers/jira/jira-setup.ts';
import type { OutboundLimiter } from '../trackers/rate-limit/outbound-limiter.ts';
import { createTrelloSetup } from '../trackers/trello/trello-setup.ts';
import type { DoctorReport } from './checklist.ts';
import { type DoctorSetups, environmentOf, runDoctor } from './run-doctor.ts';

/** The setup ports of the configured trackers, with the adapters' own options. */
export function createDoctorSetups(config: Config, log: Logger, limiter: OutboundLimiter): DoctorSetups {
  const jira = jiraOptions(config, log);
  const trello = trelloOptions(config, log, limiter);
  return {
    jira: jira && createJiraSetup(jira),
    trello: trello && createTrelloSetup(trello),
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
        // The API process asking holds the address itself.
        probePort: async () => 'ours',
        readRedis: () => readRedisFacts(redis),
        setups: () => createDoctorSetups(config, log, limiter),
        now: () => new Date(),
      })
    ).report;
}
