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
 * The user and password REDIS_URL gives (a cluster's come from its first node), in its user info or its query, as
 * ioredis reads both. The password ends at the last "@" before the host, as URL parsers read it: it may hold one.
 */
function credentials(node: string): { user: string; password: string } {
  const [, user = '', password = ''] = /^rediss?:\/\/([^:@/?#]*):?([^/?#]*)@/.exec(node) ?? [];
  const query = new URLSearchParams(node.split('?')[1] ?? '');
  return { user: user || (query.get('username') ?? ''), password: password || (query.get('password') ?? '') };
}

/**
 * A fix that runs a CONFIG SET, to paste into any shell (REDIS_URL may be in .env, not in the shell): addresses
 * without secrets, and --askpass to type the password rather than see it printed. CONFIG SET changes only the
 * node it reaches, so on a cluster `--cluster call` runs it on every node, REDIS_URL's nodes being only seeds.
 */
function configSetFix(url: string, cluster: boolean, setting: string, note = ''): string {
  const nodes = url.split(',');
  const [first = url] = nodes;
  const { user, password } = credentials(first);
  const auth = `${user && ` --user ${user}`}${password && ' --askpass'}`;
  if (!cluster)
    return `Run \`redis-cli -u ${redisAddress(first)}${auth} CONFIG SET ${setting}\` and set \`${setting}\`${note} in redis.conf`;
  const { hostname, port } = new URL(redisAddress(first));
  const tls = first.startsWith('rediss://') ? ' --tls' : '';
  return `CONFIG SET changes only the node it reaches: run \`redis-cli${auth}${tls} --cluster call ${hostname}:${port || 6379} CONFIG SET ${setting}\`, which runs it on every node of the cluster of ${nodes.map(redisAddress).join(', ')}, and set \`${setting}\`${note} in the redis.conf of each node`;
}

export function checkRedis(facts: RedisFacts | { error: string }, url: string, cluster = false): Check[] {
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
            configSetFix(url, cluster, 'maxmemory-policy noeviction'),
          ),
    );
  checks.push(
    facts.aofEnabled
      ? pass('redis', 'AOF persistence is on')
      : warn(
          'redis',
          'AOF persistence is off: a Redis restart loses the jobs of the last minutes',
          configSetFix(url, cluster, 'appendonly yes', ' (appendfsync everysec)'),
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
