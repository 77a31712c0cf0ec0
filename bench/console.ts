import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startRedis } from '../scripts/lib/redis-process.ts';
import { createRedisAuditStore } from '../src/audit/audit-store.ts';
import type { Verdict } from '../src/domain/acceptance/findings.ts';
import { seededRandom } from '../src/domain/linking/prng.ts';
import type { InputSource, RiceResult } from '../src/domain/scoring/types.ts';
import { createIntake } from '../src/queue/intake.ts';
import { QUEUE_NAME } from '../src/queue/jobs.ts';
import {
  BACKLOG_SORT_KEYS,
  type BacklogQuery,
  createConsoleServices,
  createReadModelWriter,
} from '../src/read-model/index.ts';
import type { Suggestion } from '../src/read-model/writer.ts';
import type { TrackerItem } from '../src/trackers/tracker.ts';
import { percentile } from './lib/stats.ts';

const ITEMS = 100_000;
const TICKETS = 20_000;
const CONTAINERS = ['APP', 'WEB', 'API', 'OPS', 'DATA'];
const TYPES = ['Story', 'Bug', 'Task', 'Improvement'];
const SOURCES: InputSource[] = ['override', 'field', 'evidence', 'keyword', 'inferred', 'default'];
const RUNS = 15;
const CONCURRENCY = 500;

function titles(): string[] {
  const dir =
    process.env.LINKING_DATA_DIR ?? path.resolve(import.meta.dirname, '../../shared/data/linking-dev');
  return readFileSync(path.join(dir, 'backlog.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { title: string }).title);
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function item(i: number, title: string, random: () => number): TrackerItem {
  const project = CONTAINERS[i % CONTAINERS.length]!;
  const key = `${project}-${Math.floor(i / CONTAINERS.length) + 1}`;
  const done = random() < 0.1;
  return {
    ref: { tracker: 'jira', id: String(10_000 + i), key },
    url: `https://example.atlassian.net/browse/${key}`,
    title,
    description: '',
    type: TYPES[Math.floor(random() * TYPES.length)]!,
    status: done ? { name: 'Done', category: 'done' } : { name: 'To Do', category: 'todo' },
    container: { id: String(100 + (i % CONTAINERS.length)), key: project },
    labels: [],
    fields: {},
    estimate: {},
    links: [],
    checklists: [],
    createdAt: new Date(Date.parse('2024-01-01') + i * 60_000).toISOString(),
    updatedAt: new Date().toISOString(),
  };
}

function result(random: () => number): RiceResult {
  const input = (value: number) => {
    const source = SOURCES[Math.floor(random() * SOURCES.length)]!;
    return { value, source, detail: `${source} → ${value}` };
  };
  const tickets = Math.floor(random() * random() * 6);
  const evidence = Array.from({ length: tickets }, (_, n) => ({
    ticketRef: `HELP-${Math.floor(random() * 50_000)}`,
    url: 'https://example.atlassian.net/browse/HELP-1',
    title: 'Customer cannot log in',
    customerId: `customer-${Math.floor(random() * 300) + n}`,
  }));
  const reach = Math.max(1, tickets);
  const impact = [0.25, 0.5, 1, 2, 3][Math.floor(random() * 5)]!;
  const confidence = [0.5, 0.8, 1][Math.floor(random() * 3)]!;
  const effort = Math.floor(random() * 13) + 1;
  return {
    model: 'rice',
    score: Math.round(((reach * impact * confidence) / effort) * 10) / 10,
    evidence,
    inputs: {
      reach: input(reach),
      impact: input(impact),
      confidence: input(confidence),
      effort: input(effort),
    },
  };
}

function verdict(random: () => number): Verdict {
  const names = [
    'missing-role',
    'vague-criterion',
    'missing-acceptance-criteria',
    'missing-steps-to-reproduce',
  ];
  const failing = random() < 0.3;
  const findings = failing
    ? [names[Math.floor(random() * names.length)]!].map((name) => ({
        name,
        severity: 'error' as const,
        message: 'The story needs this.',
        fix: 'Add it.',
      }))
    : [];
  return { ok: !failing, template: 'story', findings, missingSections: [] };
}

async function inBatches<T>(values: readonly T[], run: (value: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < values.length; i += CONCURRENCY) {
    await Promise.all(values.slice(i, i + CONCURRENCY).map(run));
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ms = (value: number) => value.toFixed(1);

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await run();
  return [performance.now() - start, value];
}

/** Views people open: every column sorted, each with one of the filters, and a few combined. */
function views(): { label: string; query: BacklogQuery }[] {
  const filters: [string, BacklogQuery][] = [
    ['none', {}],
    ['container', { container: 'jira:102' }],
    ['type', { type: 'Bug' }],
    ['failing', { failing: true }],
    ['customers', { customers: true }],
    ['text', { q: 'connection' }],
    ['container+failing+text', { container: 'jira:100', failing: true, q: 'error' }],
  ];
  return BACKLOG_SORT_KEYS.flatMap((sort) =>
    filters.map(([name, filter]) => ({ label: `${sort} / ${name}`, query: { ...filter, sort, limit: 50 } })),
  );
}

export async function runConsoleBench(): Promise<string> {
  const server = await startRedis({ dir: path.join(tmpdir(), `console-bench-${process.pid}`) });
  const redis = new Redis(server.url);
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: '{bench}' });
  try {
    const keyPrefix = 'bench';
    const writer = createReadModelWriter(redis, keyPrefix);
    const random = seededRandom(7);
    const source = titles();
    const items = Array.from({ length: ITEMS }, (_, i) => item(i, source[i % source.length]!, random));
    const memoryBefore = await usedMemory(redis);
    const [writeMs] = await timed(() =>
      inBatches(items, async (one) => {
        await writer.scored(one, result(random));
        await writer.checked(one, verdict(random));
      }),
    );
    const itemsMemory = (await usedMemory(redis)) - memoryBefore;

    const tickets = Array.from({ length: TICKETS }, (_, i) => ({
      ...item(i, source[(i * 7) % source.length]!, random),
      ref: { tracker: 'jira' as const, id: String(500_000 + i), key: `HELP-${i + 1}` },
      container: { id: '900', key: 'HELP' },
    }));
    const candidates = (i: number): Suggestion[] =>
      [0, 1, 2].map((n) => {
        const target = items[(i * 13 + n * 101) % ITEMS]!;
        return {
          confidence: 0.4 - n * 0.1,
          sharedTerms: ['connection', 'timeout'],
          item: { ref: target.ref, title: target.title, url: target.url },
        };
      });
    const triageBefore = await usedMemory(redis);
    await inBatches(
      tickets.map((ticket, i) => [ticket, i] as const),
      ([ticket, i]) => writer.suggested(ticket, `customer-${i % 300}`, candidates(i)),
    );
    const triageMemory = (await usedMemory(redis)) - triageBefore;

    const gc = exposeGc();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const audit = createRedisAuditStore({ redis, keyPrefix, retentionDays: 30 });
    const intake = createIntake({
      queue,
      redis,
      keyPrefix,
      dedupeTtlSeconds: 3600,
      retry: { attempts: 1, backoffMs: 100 },
    });
    const services = createConsoleServices({ redis, keyPrefix, audit, queue, intake });
    const [loadMs] = await timed(() => services.readModel.backlog({ limit: 1 }));
    gc();
    const heapDelta = process.memoryUsage().heapUsed - heapBefore;

    const measure = async (query: BacklogQuery) => {
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++)
        times.push((await timed(() => services.readModel.backlog(query)))[0]);
      return times;
    };
    const perView: { label: string; p95: number; best: number }[] = [];
    const all: number[] = [];
    for (const { label, query } of views()) {
      const times = await measure(query);
      all.push(...times);
      perView.push({ label, p95: percentile(times, 95), best: Math.min(...times) });
    }
    perView.sort((a, b) => b.p95 - a.p95);

    // Workers keep writing while people read: every page first applies the changes since the last one.
    let writing = true;
    const writes = (async () => {
      let n = 0;
      while (writing) {
        const one = items[Math.floor(random() * ITEMS)]!;
        await writer.scored({ ...one, title: `${one.title} (${n++})` }, result(random));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return n;
    })();
    const underWrites: number[] = [];
    for (const { query } of views().filter((_, i) => i % 3 === 0))
      underWrites.push(...(await measure(query)));
    writing = false;
    const written = await writes;

    const deep: number[] = [];
    for (let run = 0; run < 5; run++) {
      deep.push(
        (await timed(() => services.readModel.backlog({ sort: 'title', offset: 50_000 + run * 50 })))[0],
      );
    }
    const [csvMs, rows] = await timed(async () => {
      let count = 0;
      for await (const _row of services.readModel.backlogRows({ sort: 'customers', failing: true }))
        count += 1;
      return count;
    });

    const triage: number[] = [];
    const counts: number[] = [];
    for (let run = 0; run < 100; run++) {
      triage.push((await timed(() => services.readModel.triage({ offset: (run % 4) * 25, limit: 25 })))[0]);
      counts.push((await timed(() => services.readModel.triageCount()))[0]);
    }

    const lines = [
      '### Console read model',
      '',
      `${ITEMS.toLocaleString('en')} backlog items in ${CONTAINERS.length} projects (titles from the linking dev set, random RICE inputs, 30 % failing acceptance), ${TICKETS.toLocaleString('en')} support tickets with 3 suggestions each, one private redis-server. Server time of the read-model call the page makes (in process, after the first load), ${RUNS} runs per view.`,
      '',
      '| measure | p50 ms | p95 ms | max ms |',
      '| --- | ---: | ---: | ---: |',
      `| backlog first page, ${views().length} views (11 sorts × 7 filters) | ${ms(percentile(all, 50))} | **${ms(percentile(all, 95))}** | ${ms(Math.max(...all))} |`,
      `| same, while workers re-score ${written} items meanwhile | ${ms(percentile(underWrites, 50))} | ${ms(percentile(underWrites, 95))} | ${ms(Math.max(...underWrites))} |`,
      `| backlog page at offset 50,000 (sorted whole view, cached per version) | ${ms(percentile(deep, 50))} | ${ms(percentile(deep, 95))} | ${ms(Math.max(...deep))} |`,
      `| triage page (25 tickets) | ${ms(percentile(triage, 50))} | **${ms(percentile(triage, 95))}** | ${ms(Math.max(...triage))} |`,
      `| triage count (navigation) | ${ms(percentile(counts, 50))} | ${ms(percentile(counts, 95))} | ${ms(Math.max(...counts))} |`,
      '',
      `Fastest run of the slowest view (the cost without other processes competing for the CPU): ${ms(Math.max(...perView.map((view) => view.best)))} ms. Load average during the run: ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' / ')} on ${availableParallelism()} cores.`,
      '',
      `Slowest views by p95: ${perView
        .slice(0, 3)
        .map((view) => `${view.label} ${ms(view.p95)} ms`)
        .join('; ')}.`,
      '',
      `Memory per ${ITEMS.toLocaleString('en')} items: Redis ${mb(itemsMemory)} (score and acceptance hashes, change log, scorecards, verdicts, counters); API process heap ${mb(heapDelta)} for its in-memory copy (first load ${(loadMs / 1000).toFixed(1)} s). Triage: Redis ${mb(triageMemory)} per ${TICKETS.toLocaleString('en')} tickets. Writing the 100k items through the workers' writer took ${(writeMs / 1000).toFixed(0)} s; CSV of a ${rows.toLocaleString('en')}-row view ${ms(csvMs)} ms.`,
    ];
    return lines.join('\n');
  } finally {
    await queue.close();
    redis.disconnect();
    await server.stop();
  }
}
