import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startRedis } from '../../scripts/lib/redis-process.ts';
import { defaultDataDir, readDocs } from '../../src/cli/linking.ts';
import { seededRandom } from '../../src/domain/linking/prng.ts';
import { createIndexReplica, createLinkIndexStore, type IndexedItem } from '../../src/linking/index.ts';

/**
 * Query latency through the shared index as a worker sees it: 100k items written through the store into a
 * private Redis, a fresh replica built from it (a process start), then queries with real ticket texts, each
 * preceded by the change-log catch-up, once with no writes in between and once with one write per query;
 * the catch-up alone is what the shared index adds to the engine's own query time.
 * Run: node_modules/.bin/node test/linking/replica-latency.ts
 */
const ITEMS = Number(process.env.ITEMS ?? 100_000);
const QUERIES = 500;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p99 ${percentile(sorted, 0.99).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`;
};

const dir = mkdtempSync(path.join(tmpdir(), 'replica-latency-'));
const server = await startRedis({ dir });
const writer = new Redis(server.url);
const reader = new Redis(server.url);
try {
  const source = readDocs(path.join(defaultDataDir(), 'backlog.jsonl'));
  const queries = readDocs(path.join(defaultDataDir(), 'queries.jsonl')).slice(0, QUERIES);
  const random = seededRandom(7);
  const pick = () => source[Math.floor(random() * source.length)]!;
  const store = createLinkIndexStore(writer, 'latency');
  const start = Date.parse('2010-01-01T00:00:00Z');
  const item = (i: number): IndexedItem => {
    const a = pick();
    const b = pick();
    return {
      ref: { tracker: 'jira', id: String(i), key: `SYN-${i}` },
      title: `${a.title} ${b.title.split(/\s+/).slice(0, 2).join(' ')}`,
      description: `${a.description.slice(0, a.description.length / 2)}${b.description.slice(b.description.length / 2)}`,
      created: new Date(start + i * 60_000).toISOString(),
      url: `https://example.atlassian.net/browse/SYN-${i}`,
    };
  };
  let t = performance.now();
  for (let i = 0; i < ITEMS; i += 1_000) {
    await Promise.all(Array.from({ length: Math.min(1_000, ITEMS - i) }, (_, j) => store.put(item(i + j))));
  }
  console.log(`wrote ${ITEMS} items through the store in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const replica = createIndexReplica(reader, 'latency');
  t = performance.now();
  await replica.sync();
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(
    `replica built from Redis in ${((performance.now() - t) / 1000).toFixed(1)} s, heap ${heap.toFixed(0)} MB`,
  );

  const quiet: number[] = [];
  for (const query of queries) {
    const begin = performance.now();
    await replica.query(query, { limit: 4 });
    quiet.push(performance.now() - begin);
  }
  console.log(`query, no changes pending (${queries.length}): ${summary(quiet)}`);

  const catchUp: number[] = [];
  for (let n = 0; n < queries.length; n++) {
    const begin = performance.now();
    await replica.sync();
    catchUp.push(performance.now() - begin);
  }
  console.log(`change-log catch-up alone, nothing pending (${queries.length}): ${summary(catchUp)}`);

  const busy: number[] = [];
  for (const [n, query] of queries.entries()) {
    await store.put(item(ITEMS + n));
    const begin = performance.now();
    await replica.query(query, { limit: 4 });
    busy.push(performance.now() - begin);
  }
  console.log(`query, one change to apply first (${queries.length}): ${summary(busy)}`);
} finally {
  writer.disconnect();
  reader.disconnect();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
