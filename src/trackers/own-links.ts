import type { TrackerName } from '../domain/events.ts';
import type { RedisClient } from '../queue/connection.ts';

/**
 * Links the service just made or removed. Jira's `issuelink_*` deliveries name no actor, so the service cannot tell
 * its own from a person's by account; the pair of issues it linked a moment ago can. Kept briefly in Redis because
 * the worker that links and the API process that receives the echo are different processes.
 */
export interface OwnLinkMemo {
  remember(tracker: TrackerName, a: string, b: string): Promise<void>;
  /** Whether the service linked or unlinked these two items (either way round) in the last few minutes. */
  recent(tracker: TrackerName, a: string, b: string): Promise<boolean>;
}

/** Long enough for Jira's delivery and its retries of the first minutes; short enough that a person's later edit counts. */
const MEMO_TTL_MS = 10 * 60_000;

export function createOwnLinkMemo(redis: RedisClient, keyPrefix: string, ttlMs = MEMO_TTL_MS): OwnLinkMemo {
  const key = (tracker: TrackerName, a: string, b: string) =>
    `${keyPrefix}:own-link:${tracker}:${[a, b].sort().join(':')}`;
  return {
    async remember(tracker, a, b) {
      await redis.set(key(tracker, a, b), '1', 'PX', ttlMs);
    },
    async recent(tracker, a, b) {
      return (await redis.exists(key(tracker, a, b))) === 1;
    },
  };
}
