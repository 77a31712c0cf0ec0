import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RedisProcess, startRedis } from '../../scripts/lib/redis-process.ts';
import { waitFor } from '../../scripts/lib/stack.ts';
import { createLogger } from '../../src/logger.ts';
import { createRedis, OUT_OF_MEMORY, type RedisClient } from '../../src/queue/connection.ts';

const log = createLogger({ level: 'silent' });
let server: RedisProcess;
let admin: Redis;
let dir: string;
const clients: RedisClient[] = [];

// A private server: filling the suite's shared Redis would fail everyone else's writes.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'refinery-oom-'));
  server = await startRedis({ dir });
  admin = new Redis(server.url);
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  admin.disconnect();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

function connect(role: 'producer' | 'worker'): RedisClient {
  const client = createRedis(server.url, role, log);
  clients.push(client);
  return client;
}

it('a full Redis (noeviction): the producer fails fast (intake answers 503), a worker waits and then writes', async () => {
  const producer = connect('producer');
  const worker = connect('worker');
  await waitFor(() => producer.status === 'ready' && worker.status === 'ready', 5_000);
  let reconnects = 0;
  worker.on('reconnecting', () => {
    reconnects += 1;
  });
  await admin.config('SET', 'maxmemory', '1');

  await expect(producer.set('oom:producer', '1')).rejects.toThrow(OUT_OF_MEMORY);
  let written: string | undefined;
  const pending = worker.set('oom:worker', '1').then((reply) => {
    written = reply;
  });
  await waitFor(() => reconnects >= 2, 10_000);
  expect(written).toBeUndefined();
  await admin.config('SET', 'maxmemory', '0');
  await pending;

  expect(written).toBe('OK');
  expect(await admin.get('oom:worker')).toBe('1');
}, 15_000);
