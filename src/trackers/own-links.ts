import type { TrackerName } from '../domain/events.ts';
import type { RedisClient } from '../queue/connection.ts';

/** What the service did to the pair: only the echo of that is its own; the opposite is a person's correction. */
export type OwnLinkChange = 'link.created' | 'link.deleted';

/**
 * Links the service just made or removed. Jira's `issuelink_*` deliveries name no actor, so the service cannot tell
 * its own from a person's by account; the pair of issues it linked a moment ago can. Kept briefly in Redis because
 * the worker that links and the API process that receives the echo are different processes.
 */
export interface OwnLinkMemo {
  /** The service is about to make `count` such changes (Jira sends one delivery per issue link). */
  remember(tracker: TrackerName, a: string, b: string, change: OwnLinkChange, count?: number): Promise<void>;
  /**
   * Whether a delivery is the echo of a change the service made to these two items (either way round) in the
   * last few minutes. Each echo uses one up: a person making the same change again later is not taken for the
   * service, nor is a person removing a link the service just made.
   */
  takeEcho(tracker: TrackerName, a: string, b: string, change: OwnLinkChange): Promise<boolean>;
}

/** Long enough for Jira's delivery and its retries of the first minutes; short enough that a person's later edit counts. */
const MEMO_TTL_MS = 10 * 60_000;

const TAKE = `
local left = tonumber(redis.call('GET', KEYS[1]) or '0')
if left <= 0 then return 0 end
if left == 1 then redis.call('DEL', KEYS[1]) else redis.call('DECR', KEYS[1]) end
return 1`;

export function createOwnLinkMemo(redis: RedisClient, keyPrefix: string, ttlMs = MEMO_TTL_MS): OwnLinkMemo {
  const key = (tracker: TrackerName, a: string, b: string, change: OwnLinkChange) =>
    `${keyPrefix}:own-link:${tracker}:${[a, b].sort().join(':')}:${change}`;
  return {
    async remember(tracker, a, b, change, count = 1) {
      await redis
        .multi()
        .incrby(key(tracker, a, b, change), count)
        .pexpire(key(tracker, a, b, change), ttlMs)
        .exec();
    },
    async takeEcho(tracker, a, b, change) {
      return (await redis.eval(TAKE, 1, key(tracker, a, b, change))) === 1;
    },
  };
}
