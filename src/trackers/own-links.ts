import type { TrackerName } from '../domain/events.ts';

/** What the service did to the pair: only the echo of that is its own; the opposite is a person's correction. */
export type OwnLinkChange = 'link.created' | 'link.deleted';

import type { RedisClient } from '../queue/connection.ts';

/**
 * Links the service just made or removed. Jira's `issuelink_*` deliveries name no actor, so the service cannot tell
 * its own from a person's by account; the pair of issues it linked a moment ago can. Kept briefly in Redis because
 * the worker that links and the API process that receives the echo are different processes.
 */
export interface OwnLinkMemo {
  remember(tracker: TrackerName, a: string, b: string, change: OwnLinkChange): Promise<void>;
  /**
   * Whether the service made this change to these two items (either way round) in the last few minutes: a person
   * removing a link the service just made is not its echo.
   */
  recent(tracker: TrackerName, a: string, b: string, change: OwnLinkChange): Promise<boolean>;
}

/** Long enough for Jira's delivery and its retries of the first minutes; short enough that a person's later edit counts. */
const MEMO_TTL_MS = 10 * 60_000;

export function createOwnLinkMemo(redis: RedisClient, keyPrefix: string, ttlMs = MEMO_TTL_MS): OwnLinkMemo {
  const key = (tracker: TrackerName, a: string, b: string, change: OwnLinkChange) =>
    `${keyPrefix}:own-link:${tracker}:${[a, b].sort().join(':')}:${change}`;
  return {
    async remember(tracker, a, b, change) {
      await redis.set(key(tracker, a, b, change), '1', 'PX', ttlMs);
    },
    async recent(tracker, a, b, change) {
      return (await redis.exists(key(tracker, a, b, change))) === 1;
    },
  };
}
