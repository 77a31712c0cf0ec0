import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../scripts/lib/redis-process.ts';
import { STACK_JIRA_SECRET, startStack, waitFor } from '../scripts/lib/stack.ts';
import { intakeStreamKey } from '../src/queue/intake.ts';
import { jiraCommentDeliveries } from './lib/jira-deliveries.ts';
import { cpuMs, peakDuring, residentMb, runLoad } from './lib/load.ts';

const CONNECTIONS = 64;
const LOAD_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 20);
/** How long the worker may go on with the backlog the load left, measured too (bounded: it may not finish). */
const DRAIN_SECONDS = 20;
const PROBE = fileURLToPath(new URL('./lib/memory-probe.ts', import.meta.url));
const MB = 2 ** 20;
const ISSUES = 200;

interface Probed {
  heapUsed: number;
  heapTotal: number;
  external: number;
  spaces: Record<string, number>;
}

/** The probe's report (bench/lib/memory-probe.ts): the heap as it is, or what it keeps after a full collection. */
async function probe(pid: number, dir: string, collect = false): Promise<Probed> {
  const file = join(dir, `${pid}.json`);
  rmSync(file, { force: true });
  process.kill(pid, collect ? 'SIGURG' : 'SIGWINCH');
  return waitFor(() => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Probed;
    } catch {
      return undefined;
    }
  }, 10_000);
}

/**
 * Memory of the API and a worker process, idle and under the intake bench's load, in one run: real processes
 * (`node bin/service.ts`, ROLE=api and ROLE=worker) against the sandbox trackers, the worker running the
 * deliveries' jobs (a `/help` comment on an issue the sandbox holds, answered with a reply comment).
 */
export async function runMemoryBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
  const redis = await startRedis({ dir: join(dir, 'redis') });
  const stack = await startStack({
    redisUrl: redis.url,
    env: { LOG_LEVEL: 'warn', MEMORY_PROBE_DIR: dir, NODE_OPTIONS: `--expose-gc --import ${PROBE}` },
  });
  try {
    const api = stack.api.child.pid!;
    const worker = stack.workers[0]!.child.pid!;
    stack.jira.seed({
      people: [{ accountId: 'bench-person', displayName: 'Bench Person', email: 'person@example.test' }],
      projects: [{ key: 'ZUL', name: 'zulipintegrations' }],
    });
    // Jira's per-issue write limit (src/runtime/trackers.ts) would hold the jobs of one issue back: many issues.
    const issues = Array.from({ length: ISSUES }, (_, n) =>
      stack.jira.act.createIssue({ as: 'bench-person', project: 'ZUL', summary: `Bench story ${n}` }),
    );
    await stack.jira.settled();
    // Idle: started, the first webhook handled, nothing arriving.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const idle = [residentMb(api), residentMb(worker)];
    const idleHeap = [await probe(api, dir), await probe(worker, dir)];

    const request = jiraCommentDeliveries({ secret: STACK_JIRA_SECRET, issues, author: 'bench-person' });
    const repliesBefore = stack.jira.writes.length;
    const workerCpuBefore = cpuMs(worker);
    const loaded = await peakDuring(
      [api, worker],
      runLoad({
        label: 'memory',
        url: `${stack.apiUrl}/webhooks/jira`,
        request,
        connections: CONNECTIONS,
        durationSeconds: LOAD_SECONDS,
        pids: { target: api, redis: redis.child.pid },
      }),
    );
    const load = loaded.value;
    const underLoad = [await probe(api, dir), await probe(worker, dir)];
    const stream = intakeStreamKey(stack.queuePrefix);
    const backlog = await stack.redis.xlen(stream);
    const drained = await peakDuring(
      [worker],
      waitFor(async () => (await stack.redis.xlen(stream)) === 0, DRAIN_SECONDS * 1000).then(
        () => true,
        () => false,
      ),
    );
    const workerCpuMs = (cpuMs(worker) ?? Number.NaN) - (workerCpuBefore ?? Number.NaN);
    const kept = [await probe(api, dir, true), await probe(worker, dir, true)];
    const replies = stack.jira.writes.length - repliesBefore;

    const mb = (bytes: number) => (bytes / MB).toFixed(0);
    const heap = (probed: Probed) =>
      `${mb(probed.heapUsed)} / ${mb(probed.heapTotal)} | ${mb(probed.spaces.new_space ?? 0)}`;
    const row = (name: string, index: number, peakMb: number, cpuMicros: number | undefined) =>
      `| ${name} | ${idle[index]!.toFixed(0)} | ${heap(idleHeap[index]!)} | ${peakMb.toFixed(0)} | ${heap(underLoad[index]!)} | ${mb(kept[index]!.heapUsed)} | ${cpuMicros === undefined || Number.isNaN(cpuMicros) ? '–' : cpuMicros.toFixed(0)} |`;
    return [
      '### Memory of the API and a worker',
      '',
      `One API and one worker process (as scripts/lib/service-process.ts starts them, ROLE=api and ROLE=worker) against the sandbox trackers. Idle: 5 s after the creation of ${ISSUES} issues was handled. Load: the intake load (${CONNECTIONS} connections, ${LOAD_SECONDS} s, signed \`/help\` comments on ${ISSUES} sandbox issues: ${load.perSecond} accepted/s, p99 ${load.p99} ms, ${load.errors + load.other} errors), the worker relaying and running the jobs (a reply comment each), then up to ${DRAIN_SECONDS} s more for the worker on the backlog the load left (${backlog} deliveries, ${drained.value ? 'drained' : 'not drained'}; ${replies} tracker writes in all). RSS from /proc (peak: sampled every 100 ms); heap used / what V8 holds for the heap, and the young generation's share of that, asked of the process (bench/lib/memory-probe.ts) idle and at the load's end; kept: heap used after a full collection at the end; CPU per accepted delivery from /proc (the worker's over the load and the drain: relay and jobs).`,
      '',
      '| process | idle RSS MB | idle heap used / held MB | young gen. MB | peak RSS under load MB | heap used / held at load end MB | young gen. MB | heap kept MB | CPU µs per delivery |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('API', 0, loaded.peaks[0]!, load.cpuMicros?.target),
      row(
        'worker',
        1,
        Math.max(loaded.peaks[1]!, drained.peaks[0]!),
        (workerCpuMs * 1000) / Math.max(load.accepted, 1),
      ),
    ].join('\n');
  } finally {
    await stack.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) process.stdout.write(`${await runMemoryBench()}\n`);
