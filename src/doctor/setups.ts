import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createJiraSetup } from '../trackers/jira/jira-setup.ts';
import type { OutboundLimiter } from '../trackers/rate-limit/outbound-limiter.ts';
import { createTrelloSetup } from '../trackers/trello/trello-setup.ts';
import type { DoctorSetups } from './run-doctor.ts';

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
