import { ADMIN_PREFIX, type Config } from '../config.ts';
import type { TrackerName } from '../domain/events.ts';
import type { Logger } from '../logger.ts';
import type { RedisClient } from '../queue/connection.ts';
import { createJiraTracker } from '../trackers/jira/jira-tracker.ts';
import { createOwnLinkMemo } from '../trackers/own-links.ts';
import { createOutboundLimiter } from '../trackers/rate-limit/outbound-limiter.ts';
import type { Tracker } from '../trackers/tracker.ts';
import { createTrelloTracker } from '../trackers/trello/trello-tracker.ts';

/**
 * Trello's published limits, 100 requests / 10 s per token and 300 / 10 s per key, shared by every process.
 * A request leaves our limiter a little before Trello counts it, and not always equally late; a small margin
 * on the count and the window keeps arrivals inside Trello's own window, so 429s stay at zero.
 */
export function trelloRateRules(windowMs = 10_000) {
  const paddedWindowMs = windowMs + Math.max(100, Math.round(windowMs * 0.02));
  return [
    { name: 'token', limit: 97, windowMs: paddedWindowMs },
    { name: 'key', limit: 291, windowMs: paddedWindowMs },
  ];
}

/**
 * Jira's burst limit counts per endpoint and method, its per-issue write limit per issue; Atlassian publishes no
 * numbers for either, so these are cautious guesses (a scoring job writes an issue about three times).
 */
export function jiraRateRules() {
  return [
    { name: 'jira-burst', limit: 20, windowMs: 1_000 },
    { name: 'jira-issue', limit: 10, windowMs: 10_000 },
  ];
}

export interface TrackerFactoryOptions {
  config: Config;
  log: Logger;
  /** Holds the shared outbound rate-limit windows. */
  redis: RedisClient;
}

/** One adapter per configured tracker; an unconfigured tracker is simply absent. Adapters tag their own log lines. */
export function createTrackers({ config, log, redis }: TrackerFactoryOptions): Map<TrackerName, Tracker> {
  const trackers = new Map<TrackerName, Tracker>();
  const onSchemaMismatch = config.strictTrackerSchemas ? 'throw' : 'warn';
  const { publicUrl } = config;
  if (config.jira) {
    trackers.set(
      'jira',
      createJiraTracker({
        baseUrl: config.jira.baseUrl,
        email: config.jira.email,
        apiToken: config.jira.apiToken,
        log,
        onSchemaMismatch,
        requestTimeoutMs: config.trackerTimeoutMs,
        resolution: config.jira.resolution,
        limiter: createOutboundLimiter({
          redis,
          keyPrefix: `{${config.queuePrefix}:ratelimit}`,
          rules: jiraRateRules(),
        }),
        ownLinks: createOwnLinkMemo(redis, config.queuePrefix),
        // The audit log keeps every write in full, so a post cut to Jira's limit points there.
        overflowUrl: publicUrl
          ? (ref) => `${publicUrl}${ADMIN_PREFIX}/audit?tracker=jira&item=${encodeURIComponent(ref.key)}`
          : undefined,
      }),
    );
  }
  if (config.trello) {
    const limiter = createOutboundLimiter({
      redis,
      keyPrefix: `{${config.queuePrefix}:ratelimit}`,
      rules: trelloRateRules(config.trelloRateWindowMs),
    });
    trackers.set(
      'trello',
      createTrelloTracker({
        apiUrl: config.trello.apiUrl,
        apiKey: config.trello.apiKey,
        apiToken: config.trello.apiToken,
        log,
        limiter,
        timeoutMs: config.trackerTimeoutMs,
      }),
    );
  }
  return trackers;
}
