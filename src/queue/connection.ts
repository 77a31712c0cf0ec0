import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

/**
 * Every shared client is one of these: a single Redis, or a Redis Cluster (REDIS_CLUSTER=true). Code that
 * sends several keys in one script, MULTI or pipeline must give them one hash tag, or a Cluster refuses it.
 */
export type RedisClient = Redis | Cluster;

/** SCAN walks one node's keys: on a Cluster, every master's. */
export const masters = (redis: RedisClient): Redis[] =>
  redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];

/**
 * Connections have roles (BullMQ production guide): the API's producer fails fast so a webhook gets a 503
 * and the tracker retries; a worker's connection waits for Redis forever and resumes by itself.
 */
export type RedisRole = 'producer' | 'worker' | 'client';

/** How Redis refuses a write once it is full (maxmemory reached under `noeviction`). */
export const OUT_OF_MEMORY = 'OOM command not allowed';

/**
 * A full Redis is, for a worker, one more outage to wait out: ioredis reconnects and sends the refused command
 * again (every 200 ms) until memory is freed. Failing instead would spend the job's attempts in seconds and
 * leave an acknowledged delivery as a failed job. The producer still fails fast, so intake answers 503.
 */
const waitOutFullRedis = (error: Error) => (error.message.startsWith(OUT_OF_MEMORY) ? 2 : false);

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  producer: {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    connectTimeout: 2_000,
  },
  worker: { maxRetriesPerRequest: null, enableReadyCheck: false, reconnectOnError: waitOutFullRedis },
  client: { maxRetriesPerRequest: 3, commandTimeout: 5_000 },
};

/**
 * On a Cluster, ioredis gives a command up after `maxRedirections` tries 100 ms apart (about 1.6 s), well inside
 * a failover (node-timeout, 15 s by default): a worker would spend job attempts on it. Its connection waits
 * about 10 minutes instead, like it waits for a single Redis to come back.
 */
const CLUSTER_ROLE_OPTIONS: Record<RedisRole, Partial<ClusterOptions>> = {
  producer: {},
  worker: { maxRedirections: 6_000 },
  client: {},
};

export interface CreateRedisOptions {
  /** `url` seeds a Redis Cluster: one node URL, or several separated by commas. */
  cluster?: boolean;
}

const retryDelay = (attempt: number) => Math.min(attempt * 200, 2_000);

/** Seed nodes of a cluster from `redis://[user:password@]host:port` URLs; credentials come from the first. */
export function clusterSeeds(urls: string): {
  nodes: { host: string; port: number }[];
  options: RedisOptions;
} {
  const parsed = urls.split(',').map((url) => new URL(url.trim()));
  const first = parsed[0]!;
  return {
    nodes: parsed.map((url) => ({ host: url.hostname, port: Number(url.port || 6379) })),
    options: {
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  };
}

function createCluster(urls: string, role: RedisRole): Cluster {
  const { enableOfflineQueue, enableReadyCheck, ...nodeOptions } = ROLE_OPTIONS[role];
  const seeds = clusterSeeds(urls);
  const clusterOptions: ClusterOptions = {
    enableOfflineQueue,
    enableReadyCheck,
    lazyConnect: false,
    clusterRetryStrategy: retryDelay,
    redisOptions: { ...seeds.options, ...nodeOptions },
    ...CLUSTER_ROLE_OPTIONS[role],
  };
  return new Cluster(seeds.nodes, clusterOptions);
}

export function createRedis(
  url: string,
  role: RedisRole,
  log: Logger,
  { cluster = false }: CreateRedisOptions = {},
): RedisClient {
  const redis: RedisClient = cluster
    ? createCluster(url, role)
    : new Redis(url, { ...ROLE_OPTIONS[role], lazyConnect: false, retryStrategy: retryDelay });
  let lastError = '';
  // Without a listener ioredis prints every reconnect failure as an unhandled error event.
  redis.on('error', (error: Error) => {
    if (error.message !== lastError)
      log.warn({ role, err: { message: error.message } }, 'Redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) log.info({ role }, 'Redis connection restored');
    lastError = '';
  });
  return redis;
}

/** A connection that is opened by `connect()` and never retries: for one-shot probes (the healthcheck). */
export function createProbeRedis(url: string, { cluster = false }: CreateRedisOptions = {}): RedisClient {
  const options: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000 };
  if (!cluster) return new Redis(url, options);
  const seeds = clusterSeeds(url);
  return new Cluster(seeds.nodes, {
    lazyConnect: true,
    clusterRetryStrategy: () => null,
    redisOptions: { ...seeds.options, ...options },
  });
}

/**
 * A probe connection, connected; or the socket's own reason (ECONNREFUSED, a TLS problem), which says more than the
 * "Connection is closed" of connect().
 */
export async function connectProbeRedis(url: string, options: CreateRedisOptions = {}): Promise<RedisClient> {
  const probe = createProbeRedis(url, options);
  let socketError: Error | undefined;
  probe.on('error', (error: Error) => {
    socketError = error;
  });
  try {
    await probe.connect();
    return probe;
  } catch (error) {
    probe.disconnect();
    throw socketError ?? error;
  }
}

/** Query parameters ioredis takes as connection options that name the account. */
const ACCOUNT_PARAMS = ['username', 'password'];

/**
 * REDIS_URL as people may read it (terminal, doctor, admin API): each node's address without user and password. The
 * user info ends at the authority's last "@", as URL parsers (and so ioredis) read it: a password may hold one.
 * ioredis also reads `?username=` and `?password=` as options: those go too.
 */
export function redisAddress(url: string): string {
  return url
    .split(',')
    .map((node) => {
      const bare = node.replace(/(rediss?:\/\/)[^/?#\s]*@/, '$1');
      const query = bare.indexOf('?');
      if (query === -1) return bare;
      const params = new URLSearchParams(bare.slice(query + 1));
      for (const name of ACCOUNT_PARAMS) params.delete(name);
      const kept = params.toString();
      return kept ? `${bare.slice(0, query)}?${kept}` : bare.slice(0, query);
    })
    .join(',');
}

/** True when Redis answers a PING within the timeout: what readiness probes report. */
export async function pingRedis(redis: RedisClient, timeoutMs = 1_000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((answer) => answer === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Redis must not evict: an evicted job or dedupe record is a lost or doubled event. Checked once the
 * connection is up, and loudly, since a managed Redis often ships with an LRU policy.
 */
export async function checkEvictionPolicy(redis: RedisClient, log: Logger): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy !== undefined && policy !== 'noeviction') {
      log.error(
        { policy },
        'Redis maxmemory-policy must be noeviction: jobs and dedupe records can be evicted',
      );
    }
    return policy;
  } catch {
    // Managed services may forbid CONFIG; the operator's own settings are then the only guard.
    return undefined;
  }
}
