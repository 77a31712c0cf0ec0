import { ADMIN_PREFIX, type Config } from '../config.ts';
import type { TrackerName } from '../domain/events.ts';
import type { Logger } from '../logger.ts';
import type { RedisClient } from '../queue/connection.ts';
import { createItemLock } from '../queue/item-lock.ts';
import { createJiraTracker, type JiraTrackerOptions } from '../trackers/jira/jira-tracker.ts';
import { createOwnLinkMemo } from '../trackers/own-links.ts';
import { createOutboundLimiter, type OutboundLimiter } from '../trackers/rate-limit/outbound-limiter.ts';
import type { Tracker } from '../trackers/tracker.ts';
import { createTrelloTracker, type TrelloTrackerOptions } from '../trackers/trello/trello-tracker.ts';

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
 * Jira Cloud's published limits (developer.atlassian.com/cloud/jira/platform/rate-limiting): writes to one issue, 20
 * per 2 s and 100 per 30 s; per endpoint and method, 50 (PUT, DELETE) or 100 (GET, POST) requests a second, a budget
 * the site's other apps and tokens share, so ours stays well below it. Jira counts a write when it arrives, after our
 * limiter let it go, a Redis check and the trip to Jira, which is not always equally long (a new TLS connection alone
 * takes a few hundred ms; on a busy machine one write reached the sandbox 134 ms after its turn, the next 3 ms): the
 * issue windows are longer than Jira's by 2 %, and at least 500 ms. `issueWrites` is the count per 2 s (Jira's 20;
 * tests lower it, and the 30 s count with it).
 */
export function jiraRateRules(issueWrites = 20) {
  const padded = (windowMs: number) => windowMs + Math.max(500, Math.round(windowMs * 0.02));
  return [
    { name: 'jira-burst', limit: 20, windowMs: 1_000 },
    { name: 'jira-issue', limit: issueWrites, windowMs: padded(2_000) },
    { name: 'jira-issue-30s', limit: issueWrites * 5, windowMs: padded(30_000) },
  ];
}

export interface TrackerFactoryOptions {
  config: Config;
  log: Logger;
  /** Holds the shared outbound rate-limit windows. */
  redis: RedisClient;
}

/** The Jira adapter's options as the configuration sets them (the tracker port and the doctor's setup port). */
export function jiraOptions(config: Config, log: Logger): JiraTrackerOptions | undefined {
  if (!config.jira) return undefined;
  return {
    baseUrl: config.jira.baseUrl,
    email: config.jira.email,
    apiToken: config.jira.apiToken,
    log,
    onSchemaMismatch: config.strictTrackerSchemas ? 'throw' : 'warn',
    requestTimeoutMs: config.trackerTimeoutMs,
    fieldRefreshMs: config.jiraFieldRefreshMs,
  };
}

export function trelloOptions(
  config: Config,
  log: Logger,
  limiter: OutboundLimiter,
): TrelloTrackerOptions | undefined {
  if (!config.trello) return undefined;
  return {
    apiUrl: config.trello.apiUrl,
    apiKey: config.trello.apiKey,
    apiToken: config.trello.apiToken,
    log,
    limiter,
    timeoutMs: config.trackerTimeoutMs,
    jiraSiteUrl: config.jira?.baseUrl,
  };
}

/** Trello's shared windows in Redis: every process (adapter, webhook admin, doctor) spends one budget per token and key. */
export function createTrelloLimiter(config: Config, redis: RedisClient): OutboundLimiter {
  return createOutboundLimiter({
    redis,
    keyPrefix: `{${config.queuePrefix}:ratelimit}`,
    rules: trelloRateRules(config.trelloRateWindowMs),
    shutFromMs: config.rateLimitGiveUpMs,
  });
}

/** One adapter per configured tracker; an unconfigured tracker is simply absent. Adapters tag their own log lines. */
export function createTrackers({ config, log, redis }: TrackerFactoryOptions): Map<TrackerName, Tracker> {
  const trackers = new Map<TrackerName, Tracker>();
  const { publicUrl } = config;
  const jira = jiraOptions(config, log);
  if (jira) {
    trackers.set(
      'jira',
      createJiraTracker({
        ...jira,
        resolution: config.jira?.resolution,
        limiter: createOutboundLimiter({
          redis,
          keyPrefix: `{${config.queuePrefix}:ratelimit}`,
          rules: jiraRateRules(config.jiraIssueWriteLimit),
          shutFromMs: config.rateLimitGiveUpMs,
        }),
        ownLinks: createOwnLinkMemo(redis, config.queuePrefix),
        // The audit log keeps every write in full, so a post cut to Jira's limit points there.
        overflowUrl: publicUrl
          ? (ref) => `${publicUrl}${ADMIN_PREFIX}/audit?tracker=jira&item=${encodeURIComponent(ref.key)}`
          : undefined,
      }),
    );
  }
  const trello = trelloOptions(config, log, createTrelloLimiter(config, redis));
  if (trello) {
    const boardLock = createItemLock({ redis, keyPrefix: `${config.queuePrefix}:trello-board` });
    trackers.set('trello', createTrelloTracker({ ...trello, boardLock }));
  }
  return trackers;
}
