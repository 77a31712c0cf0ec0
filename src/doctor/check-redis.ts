import { redisAddress } from '../queue/connection.ts';
import { type Check, fail, pass, warn } from './checklist.ts';

/** What the doctor reads from Redis (INFO server, persistence, memory and CONFIG GET maxmemory-policy). */
export interface RedisFacts {
  version: string;
  evictionPolicy?: string;
  aofEnabled: boolean;
  usedMemory: number;
  maxMemory: number;
}

const MIN_VERSION = [6, 2];
const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;

function olderThan(version: string, minimum: number[]): boolean {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < minimum.length; i++) {
    const have = parts[i] ?? 0;
    const want = minimum[i] ?? 0;
    if (have !== want) return have < want;
  }
  return false;
}

/** Parses the `key:value` lines of INFO. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) out[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return out;
}

/**
 * redis-cli for the Redis of REDIS_URL, to paste into any shell (REDIS_URL may be in .env, not in the shell): the
 * first node's address without secrets, and --askpass to type the password rather than see it printed.
 */
function redisCli(url: string): string {
  const [node = url] = url.split(',');
  const [, user = '', password = ''] = /^rediss?:\/\/([^:@/?#]*):?([^/?#]*)@/.exec(node) ?? [];
  const auth = `${user && ` --user ${user}`}${password && ' --askpass'}`;
  return `redis-cli -u ${redisAddress(node)}${auth}`;
}

export function checkRedis(facts: RedisFacts | { error: string }, url: string): Check[] {
  if ('error' in facts)
    return [
      fail(
        'redis',
        `Redis at ${redisAddress(url)} cannot be reached: ${facts.error}`,
        'Start Redis, or set REDIS_URL to a reachable one (redis://host:6379, rediss:// for TLS)',
      ),
    ];
  const checks: Check[] = [];
  checks.push(
    olderThan(facts.version, MIN_VERSION)
      ? fail(
          'redis',
          `Redis ${facts.version} is older than ${MIN_VERSION.join('.')}`,
          'Upgrade Redis to 6.2 or newer (7.x recommended)',
        )
      : pass('redis', `Redis ${facts.version}`),
  );
  if (facts.evictionPolicy === undefined)
    checks.push(
      warn(
        'redis',
        'The eviction policy cannot be read (CONFIG is disabled on this Redis)',
        "Check in your provider's console that maxmemory-policy is noeviction",
      ),
    );
  else
    checks.push(
      facts.evictionPolicy === 'noeviction'
        ? pass('redis', 'Eviction policy is noeviction')
        : fail(
            'redis',
            `Eviction policy is ${facts.evictionPolicy}: Redis may drop queued jobs and dedupe records when full`,
            `Run \`${redisCli(url)} CONFIG SET maxmemory-policy noeviction\` and set \`maxmemory-policy noeviction\` in redis.conf`,
          ),
    );
  checks.push(
    facts.aofEnabled
      ? pass('redis', 'AOF persistence is on')
      : warn(
          'redis',
          'AOF persistence is off: a Redis restart loses the jobs of the last minutes',
          `Run \`${redisCli(url)} CONFIG SET appendonly yes\` and set \`appendonly yes\` (appendfsync everysec) in redis.conf`,
        ),
  );
  if (facts.maxMemory === 0)
    checks.push(pass('redis', `Memory: ${mb(facts.usedMemory)} used, no maxmemory limit`));
  else {
    const share = facts.usedMemory / facts.maxMemory;
    const title = `Memory: ${mb(facts.usedMemory)} of ${mb(facts.maxMemory)} used (${Math.round(share * 100)}%)`;
    const fix =
      'Raise maxmemory (redis.conf or your plan), or lower AUDIT_RETENTION_DAYS and DEDUPE_TTL_SECONDS';
    checks.push(
      share >= 0.95
        ? fail('redis', title, fix)
        : share >= 0.8
          ? warn('redis', title, fix)
          : pass('redis', title),
    );
  }
  return checks;
}
