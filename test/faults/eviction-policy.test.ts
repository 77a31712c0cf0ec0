import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { startRedis } from '../../scripts/lib/redis-process.ts';
import { createLogger } from '../../src/logger.ts';
import { checkEvictionPolicy } from '../../src/queue/connection.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger({ level: 'info', destination }), lines };
}

it.each([
  ['allkeys-lru', 1],
  ['noeviction', 0],
])('F7: Redis with maxmemory-policy %s → %i error line at start', async (policy, errors) => {
  const dir = mkdtempSync(join(tmpdir(), 'refinery-f7-'));
  const server = await startRedis({ dir, args: ['--maxmemory-policy', policy] });
  const redis = new Redis(server.url);
  const { log, lines } = capture();

  const seen = await checkEvictionPolicy(redis, log);

  redis.disconnect();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(seen).toBe(policy);
  expect(lines.filter((line) => line.includes('must be noeviction'))).toHaveLength(errors);
});
