import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { freePort, type RedisProcess, startRedis } from './redis-process.ts';

const run = promisify(execFile);

export interface RedisClusterOptions {
  dir: string;
  /** Masters (default 3, the fewest `redis-cli --cluster create` accepts). */
  masters?: number;
  /** Replicas per master (default 0); each fails over for its master when that one dies. */
  replicas?: number;
  timeoutMs?: number;
}

export interface RedisCluster {
  nodes: RedisProcess[];
  /** Every node's URL, comma-separated: what REDIS_URL holds with REDIS_CLUSTER=true. */
  url: string;
  ports: number[];
  /** A client for the test's own reads; connection errors are left to its retries, not raised as events. */
  connect(): Cluster;
  /** Each node's `INFO errorstats` lines (e.g. `errorstat_CROSSSLOT:count=2`), keyed by port. */
  errorStats(): Promise<Map<number, string[]>>;
  stop(): Promise<void>;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The node sees the whole cluster up, and a replica has its master's data (ready to take over). */
async function ready(port: number): Promise<boolean> {
  if (!(await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
  const replication = await cli(port, 'INFO', 'replication');
  return replication.includes('role:master') || replication.includes('master_link_status:up');
}

/** A node also listens on its port + 10000 (the cluster bus); a taken bus port makes it exit after start. */
async function freeNodePort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await canListen(port + 10_000))) return port;
  }
}

const NODE_ARGS = (dir: string) => [
  '--cluster-enabled',
  'yes',
  '--cluster-config-file',
  join(dir, 'nodes.conf'),
  '--cluster-node-timeout',
  '2000',
  '--appendonly',
  'no',
  '--logfile',
  join(dir, 'redis.log'),
];

/**
 * Started, in cluster mode, and still up once the bus is bound. On this shared machine fresh redis-servers
 * are sometimes sent SIGTERM right after start by something outside this repo (seen only under concurrent
 * vitest runs): the node is started again, after a pause, on another port.
 */
async function startNode(dir: string): Promise<RedisProcess> {
  let reason = '';
  for (let attempt = 1; attempt <= 5; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    try {
      const node = await startRedis({ dir, port: await freeNodePort(), args: NODE_ARGS(dir) });
      const id = await cli(node.port, 'CLUSTER', 'MYID').catch((error: Error) => error.message);
      if (/^[0-9a-f]{40}\s*$/.test(id) && node.child.exitCode === null) return node;
      await node.stop();
      reason = `${id}\n${readFileSync(join(dir, 'redis.log'), 'utf8').slice(-1_500)}`;
    } catch (error) {
      reason = (error as Error).message;
    }
  }
  throw new Error(`Redis Cluster node did not stay up: ${reason}`);
}

/**
 * A Redis Cluster of private redis-servers on loopback, one directory per node under `dir`. In-memory only:
 * it exists to prove every script, MULTI and pipeline keeps its keys in one slot, and (with replicas) that the
 * service rides out a master's failover, not to survive restarts.
 */
export async function startRedisCluster(options: RedisClusterOptions): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const nodes: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++)
      nodes.push(await startNode(join(options.dir, `node-${i}`)));
    const ports = nodes.map((node) => node.port);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    for (const port of ports) {
      while (!(await ready(port))) {
        if (Date.now() > deadline) throw new Error(`Redis Cluster node ${port} not ok in time`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return {
      nodes,
      ports,
      url: ports.map((port) => `redis://127.0.0.1:${port}`).join(','),
      connect() {
        const client = new Cluster(
          ports.map((port) => ({ host: '127.0.0.1', port })),
          { redisOptions: { maxRetriesPerRequest: null } },
        );
        client.on('error', () => undefined);
        return client;
      },
      async errorStats() {
        const stats = new Map<number, string[]>();
        for (const port of ports) {
          const lines = (await cli(port, 'INFO', 'errorstats')).split(/\r?\n/);
          stats.set(
            port,
            lines.filter((line) => line.startsWith('errorstat_')),
          );
        }
        return stats;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
