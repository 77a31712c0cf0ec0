import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadDevSet } from '../src/cli/linking.ts';
import {
  evaluateDevSet,
  formatDevReport,
  inWording,
  metricsRow,
  WORDINGS,
} from '../src/domain/linking/dev-report.ts';
import { rankingMetrics } from '../src/domain/linking/evaluate.ts';
import { createLinkIndex, type LinkDoc } from '../src/domain/linking/index.ts';
import { seededRandom } from '../src/domain/linking/prng.ts';
import { rankReferenceBm25 } from '../src/domain/linking/reference-bm25.ts';
import { DEFAULT_LINKING_RULES } from '../src/domain/linking/rules.ts';

const SYNTHETIC_ITEMS = 100_000;
/** Tickets already linked to items, whose words the index keeps for their items (one in five items). */
const LINKED_TICKETS = 20_000;
const LATENCY_QUERIES = 300;

function dataDir(): string {
  return process.env.LINKING_DATA_DIR ?? path.resolve(import.meta.dirname, '../../shared/data/linking-dev');
}

function half(text: string, second: boolean): string {
  const cut = Math.floor(text.length / 2);
  return second ? text.slice(cut) : text.slice(0, cut);
}

/**
 * A copy as one flat string: V8 would otherwise flatten the concatenation on first scan, during the
 * build, and the heap delta would count the input texts as index memory.
 */
function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** 100k items recombined from real titles and description halves, with increasing creation times. */
function synthesize(source: readonly LinkDoc[], count: number, seed: number): LinkDoc[] {
  const random = seededRandom(seed);
  const pick = () => source[Math.floor(random() * source.length)]!;
  const start = Date.parse('2010-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const a = pick();
    const b = pick();
    const extra = b.title.split(/\s+/).slice(0, 2).join(' ');
    return {
      id: `syn-${i}`,
      title: flat(`${a.title} ${extra}`),
      description: flat(`${half(a.description, false)}${half(pick().description, true)}`),
      created: new Date(start + i * 60_000).toISOString(),
    };
  });
}

/** A heap delta is only meaningful after full collections; enable gc() without a command-line flag. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

async function scaleSection(backlog: readonly LinkDoc[], queries: readonly LinkDoc[]): Promise<string> {
  const items = synthesize(backlog, SYNTHETIC_ITEMS, 42);
  const tickets = inWording('customer', synthesize(backlog, LINKED_TICKETS, 43));
  const exposedGc = exposeGc();
  const gc = () => {
    exposedGc();
    exposedGc();
  };
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const buildStart = performance.now();
  const index = createLinkIndex();
  for (const item of items) index.upsert(item);
  const buildMs = performance.now() - buildStart;
  gc();
  const heapDelta = process.memoryUsage().heapUsed - heapBefore;
  const random = seededRandom(7);
  const linkStart = performance.now();
  for (const ticket of tickets) {
    const item = items[Math.floor(random() * items.length)]!;
    index.upsertLinked({ ...ticket, id: `ticket-${ticket.id}`, itemId: item.id, created: item.created });
  }
  const linkMs = performance.now() - linkStart;
  gc();
  const linkedHeapDelta = process.memoryUsage().heapUsed - heapBefore - heapDelta;
  const lastCreated = Date.parse(items[items.length - 1]!.created as string);
  const firstCreated = Date.parse(items[0]!.created as string);
  const latency = (tickets: readonly LinkDoc[]) => {
    const random = seededRandom(99);
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < LATENCY_QUERIES + 20; i++) {
      const q = tickets[i % tickets.length]!;
      const createdBefore = firstCreated + random() * (lastCreated - firstCreated);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      index.query(q, { createdBefore, limit: 10 });
      const c1 = process.cpuUsage(c0);
      if (i < 20) continue;
      wall.push(performance.now() - t0);
      cpu.push((c1.user + c1.system) / 1000);
    }
    return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
  };
  const customer = inWording('customer', queries);
  const runs = [
    { wording: 'developer', ...latency(queries) },
    { wording: 'customer', ...latency(customer) },
  ];
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  return [
    `Scale (${SYNTHETIC_ITEMS.toLocaleString('en')} synthetic items recombined from the dev backlog, seeded; ` +
      `${tickets.length.toLocaleString('en')} customer-worded tickets linked to random items (their words indexed ` +
      `for them, added in ${(linkMs / 1000).toFixed(1)} s, heap ${mb(linkedHeapDelta)} more, included in the ` +
      `figures below); ${LATENCY_QUERIES} dev queries in each wording, each with a random createdBefore, top 10; ` +
      `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores):`,
    '',
    '| tickets | build | heap delta | index estimate | wall p50 | wall p99 | CPU p50 | CPU p99 |',
    '|---|---|---|---|---|---|---|---|',
    ...runs.map(
      ({ wording, wall, cpu }) =>
        `| ${wording} | ${(buildMs / 1000).toFixed(1)} s | ${mb(heapDelta + linkedHeapDelta)} | ${mb(index.memoryEstimate())} | ` +
        `${ms(percentile(wall, 0.5))} | ${ms(percentile(wall, 0.99))} | ` +
        `${ms(percentile(cpu, 0.5))} | ${ms(percentile(cpu, 0.99))} |`,
    ),
  ].join('\n');
}

export async function runLinkingBench(): Promise<string> {
  const dir = dataDir();
  if (!existsSync(path.join(dir, 'queries.jsonl'))) {
    return `## Ticket linking\n\nDev set not found at ${dir} (set LINKING_DATA_DIR); skipped.`;
  }
  const set = loadDevSet(dir);
  const started = performance.now();
  const evaluation = evaluateDevSet(set, { threshold: DEFAULT_LINKING_RULES.autoLinkThreshold });
  const evalSeconds = (performance.now() - started) / 1000;
  const baselines = WORDINGS.map((wording) => {
    const queries = inWording(wording, set.queries);
    const relevant = new Map(queries.map((q) => [q.id, q.relevant]));
    const ranked = rankReferenceBm25(set.backlog, queries, 10);
    return rankingMetrics(ranked.map((r) => ({ ranked: r.ranked, relevant: relevant.get(r.id)! })));
  });
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  return [
    '## Ticket linking',
    '',
    `Dev set: ${set.backlog.length} backlog items, ${set.queries.length} duplicate tickets (Apache Jira), time-aware: ` +
      `each ticket ranks only items created before it (index replayed in creation order; both wordings, with and ` +
      `without the true items: ${evalSeconds.toFixed(1)} s).`,
    '',
    formatDevReport(
      evaluation,
      baselines.map((b, w) => metricsRow(`reference BM25, ${WORDINGS[w]} (same run)`, b)),
    ),
    '',
    ...evaluation.wordings.map(
      (w, i) =>
        `${w.wording}: Recall@10 ${ratio(w.all.recallAt10, baselines[i]!.recallAt10)}x and MRR ` +
        `${ratio(w.all.mrr, baselines[i]!.mrr)}x the reference BM25.`,
    ),
    '',
    await scaleSection(set.backlog, set.queries),
  ].join('\n');
}

if (import.meta.main) {
  process.stdout.write(`${await runLinkingBench()}\n`);
}
