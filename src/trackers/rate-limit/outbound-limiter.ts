import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '../../queue/connection.ts';
import { HOLD_WINDOW_SCRIPT, SHUT_SCRIPT, SLIDING_WINDOW_SCRIPT } from './sliding-window-script.ts';

/** One budget: at most `limit` requests in any `windowMs` for each subject the rule is applied to. */
export interface RateRule {
  name: string;
  limit: number;
  windowMs: number;
}

/** Client-side pacing shared by every process through Redis, so the tracker rarely answers 429. */
export interface OutboundLimiter {
  /**
   * Waits until every named window has room, then takes one slot in each. A key is `<rule name>:<subject>`,
   * e.g. `token:<sha256 of the token>`; the subject must never be a credential itself (see `hashSubject`).
   */
  acquire(keys: readonly string[]): Promise<void>;
  /**
   * Fills one window for `ms`, so every process's next request of it waits that long: the tracker refused a request
   * of that window and said when to come back.
   */
  hold?(key: string, ms: number): Promise<void>;
  /**
   * A 429 asked every request of a site (a Jira site, a Trello token: `subject`) to wait `ms`: recorded for every
   * process when longer than `shutFromMs`, so their jobs learn it here instead of each from a refused request.
   */
  shut?(subject: string, ms: number): Promise<void>;
  /** Throws `SiteShutError` while the subject is shut; called before each request of it. */
  checkShut?(subject: string): Promise<void>;
}

export interface OutboundLimiterOptions {
  redis: RedisClient;
  /** Shared by all processes; wrapped in a `{hash tag}` unless it has one, so one script's keys share a slot. */
  keyPrefix: string;
  rules: readonly RateRule[];
  /** Longest a single acquire may wait before it gives up with `OutboundLimitTimeoutError`. */
  maxWaitMs?: number;
  /** Clock for the windows; by default the Redis server's clock, which every process agrees on. */
  now?: () => number;
  /**
   * Shorter waits of a whole site are not recorded (RATE_LIMIT_GIVE_UP_MS): the queue's pause holds every job that
   * long already. Without it, none are.
   */
  shutFromMs?: number;
}

/** Thrown when the budget stays exhausted longer than `maxWaitMs`; adapters turn it into a rate-limit error. */
export class OutboundLimitTimeoutError extends Error {
  readonly retryAfterMs: number;
  /** The windows the request waited on, one of them full. */
  readonly keys: readonly string[];

  constructor(retryAfterMs: number, keys: readonly string[] = []) {
    super(`Outbound rate limit still exhausted; next slot in ${retryAfterMs} ms`);
    this.name = 'OutboundLimitTimeoutError';
    this.retryAfterMs = retryAfterMs;
    this.keys = keys;
  }
}

/** A request not sent: an earlier 429 asked every request of its site to wait, and that wait is not over. */
export class SiteShutError extends OutboundLimitTimeoutError {
  constructor(retryAfterMs: number, subject: string) {
    super(retryAfterMs, [`shut:${subject}`]);
    const until = new Date(Date.now() + retryAfterMs).toISOString();
    this.message = `an earlier 429 asked every request of the site to wait until ${until} (${(retryAfterMs / 1000).toFixed(1)} s from now); not sent`;
    this.name = 'SiteShutError';
  }
}

const DEFAULT_MAX_WAIT_MS = 60_000;

/** A stable, non-reversible subject for a credential: limiter keys end up in Redis and its monitoring. */
export function hashSubject(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function createOutboundLimiter(options: OutboundLimiterOptions): OutboundLimiter {
  const { redis, rules } = options;
  const prefix = /\{[^}]+\}/.test(options.keyPrefix) ? options.keyPrefix : `{${options.keyPrefix}}`;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const instance = randomUUID();
  let sequence = 0;

  function ruleFor(key: string): RateRule {
    const name = key.slice(0, key.indexOf(':'));
    const rule = rules.find((candidate) => candidate.name === name);
    if (!rule) throw new Error(`No rate rule named "${name}" for limiter key`);
    return rule;
  }

  async function tryTake(keys: readonly string[]): Promise<number> {
    const args: (string | number)[] = [options.now ? options.now() : -1, `${instance}:${sequence++}`];
    for (const key of keys) {
      const rule = ruleFor(key);
      args.push(rule.limit, rule.windowMs);
    }
    const redisKeys = keys.map((key) => `${prefix}:${key}`);
    return Number(await redis.eval(SLIDING_WINDOW_SCRIPT, redisKeys.length, ...redisKeys, ...args));
  }

  return {
    async acquire(keys) {
      const started = Date.now();
      for (;;) {
        const waitMs = await tryTake(keys);
        if (waitMs <= 0) return;
        const waited = Date.now() - started;
        if (waited + waitMs > maxWaitMs) throw new OutboundLimitTimeoutError(waitMs, keys);
        // A little jitter so processes woken by the same expiry do not all retry in the same millisecond.
        await sleep(waitMs + Math.floor(Math.random() * 5));
      }
    },
    async hold(key, ms) {
      const rule = ruleFor(key);
      await redis.eval(
        HOLD_WINDOW_SCRIPT,
        1,
        `${prefix}:${key}`,
        options.now ? options.now() : -1,
        `${instance}:${sequence++}`,
        rule.limit,
        rule.windowMs,
        Math.ceil(ms),
      );
    },
    async shut(subject, ms) {
      const { shutFromMs } = options;
      if (shutFromMs === undefined || ms <= shutFromMs) return;
      const until = new Date(Date.now() + ms).toISOString();
      await redis.eval(SHUT_SCRIPT, 1, `${prefix}:shut:${subject}`, Math.ceil(ms), until);
    },
    async checkShut(subject) {
      // Only a help, as the 429 itself tells the job to wait: with Redis away, or failing, the request goes
      // rather than waiting for Redis (each one up to its command timeout).
      if (redis.status !== 'ready') return;
      const leftMs = await redis.pttl(`${prefix}:shut:${subject}`).catch(() => 0);
      if (leftMs > 0) throw new SiteShutError(leftMs, subject);
    },
  };
}
