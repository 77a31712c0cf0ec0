import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, startRedis } from '../scripts/lib/redis-process.ts';
import { apiReady, startServiceProcess, workerReady } from '../scripts/lib/service-process.ts';
import { field, metricsKey } from '../src/metrics/metrics-sink.ts';
import { intakeStreamKey } from '../src/queue/intake.ts';
import { QUEUE_NAME } from '../src/queue/jobs.ts';
import { jiraCommentDeliveries } from './lib/jira-deliveries.ts';
import { cpuMs, type LoadResult, peakDuring, residentMb, runLoad } from './lib/load.ts';

const SECRET = 'bench-webhook-secret';
const PREFIX = 'refinery';
const CONNECTIONS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 9);
/** Targets take turns, SECONDS / ROUNDS each time: other load on the machine then weighs on all of them alike. */
const ROUNDS = 3;
const BURST_SECONDS = Number(process.env.BENCH_BURST_SECONDS ?? 60);

type BaselineMode = 'lpush' | 'lpush-delivery' | 'bullmq';

function startBaseline(mode: BaselineMode, port: number, redisUrl: string): Promise<ChildProcess> {
  const entry = fileURLToPath(new URL('./lib/baseline-server.ts', import.meta.url));
  const child = spawn(process.execPath, [entry, mode, String(port), redisUrl, SECRET], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`baseline exited ${code}`)));
  });
}

/** Rounds of one target as one result: accepted per second over all of them, the worst round's latencies. */
function combine(rounds: LoadResult[]): LoadResult {
  const sum = (pick: (round: LoadResult) => number) =>
    rounds.reduce((total, round) => total + pick(round), 0);
  const accepted = sum((round) => round.accepted);
  /** A per-delivery figure over all rounds, each round weighing by what it accepted. */
  const perAccepted = (pick: (cpu: NonNullable<LoadResult['cpuMicros']>) => number | undefined) =>
    rounds.every((round) => round.cpuMicros && pick(round.cpuMicros) !== undefined)
      ? sum((round) => pick(round.cpuMicros!)! * round.accepted) / Math.max(accepted, 1)
      : undefined;
  return {
    label: rounds[0]!.label,
    accepted,
    perSecond: Math.round(sum((round) => round.perSecond) / rounds.length),
    p50: Math.max(...rounds.map((round) => round.p50)),
    p99: Math.max(...rounds.map((round) => round.p99)),
    errors: sum((round) => round.errors),
    other: sum((round) => round.other),
    cpuMicros: rounds.every((round) => round.cpuMicros)
      ? {
          target: perAccepted((cpu) => cpu.target)!,
          redis: perAccepted((cpu) => cpu.redis)!,
          redisForks: perAccepted((cpu) => cpu.redisForks),
          loadGenerator: perAccepted((cpu) => cpu.loadGenerator)!,
        }
      : undefined,
    idle: rounds.every((round) => round.idle !== undefined)
      ? sum((round) => round.idle!) / rounds.length
      : undefined,
  };
}

const micros = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(0));

function row(result: LoadResult, baseline: LoadResult): string {
  const ratio = (result.perSecond / baseline.perSecond).toFixed(2);
  const cpu = result.cpuMicros;
  const idle = result.idle === undefined ? '–' : `${Math.round(result.idle * 100)} %`;
  return `| ${result.label} | ${result.perSecond} | ${result.p50} | ${result.p99} | ${ratio} | ${result.errors + result.other} | ${micros(cpu?.target)} | ${micros(cpu?.redis)} | ${micros(cpu?.redisForks)} | ${micros(cpu?.loadGenerator)} | ${idle} |`;
}

interface Target {
  url: string;
  pid?: number;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

/**
 * Intake throughput of the real API process against a bare HMAC + LPUSH route, measured in one run; then the
 * workers' half: every accepted delivery must become a job, and a long burst's backlog must drain.
 */
export async function runIntakeBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-intake-'));
  const redis = await startRedis({ dir });
  const client = new Redis(redis.url);
  const queue = new Queue(QUEUE_NAME, { connection: client, prefix: `{${PREFIX}}` });
  const stream = intakeStreamKey(PREFIX);
  const request = jiraCommentDeliveries({ secret: SECRET });
  const results: LoadResult[] = [];
  const children: { stop(): unknown }[] = [];
  const env = (port: number, role: string) => ({
    ROLE: role,
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    QUEUE_PREFIX: PREFIX,
    LOG_LEVEL: 'warn',
    JIRA_BASE_URL: 'http://127.0.0.1:9',
    JIRA_EMAIL: 'bench@example.test',
    JIRA_API_TOKEN: 'bench-token',
    JIRA_WEBHOOK_SECRET: SECRET,
  });
  const baselineTarget = async (mode: BaselineMode) => {
    const port = await freePort();
    const child = await startBaseline(mode, port, redis.url);
    children.push({ stop: () => child.kill('SIGTERM') });
    return { url: `http://127.0.0.1:${port}/webhooks/jira`, pid: child.pid };
  };
  const redisForksMs = async () => {
    const info = await client.info('cpu');
    const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return (seconds('used_cpu_user_children') + seconds('used_cpu_sys_children')) * 1000;
  };
  const load = (label: string, target: Target, durationSeconds: number) =>
    runLoad({
      label,
      url: target.url,
      request,
      connections: CONNECTIONS,
      durationSeconds,
      pids: { target: target.pid, redis: redis.child.pid },
      redisForksMs,
    });
  const lines: string[] = [];
  try {
    const targets: [string, () => Promise<Target>][] = [
      ['bare push of the id: Fastify + HMAC + one LPUSH of the delivery id', () => baselineTarget('lpush')],
      [
        'bare push of the delivery: Fastify + HMAC + one LPUSH of the raw body',
        () => baselineTarget('lpush-delivery'),
      ],
      ['reference: Fastify + HMAC + one BullMQ add', () => baselineTarget('bullmq')],
      [
        'backlog-refinery API (verify, parse, validate, dedupe id and body, append)',
        async () => {
          const port = await freePort();
          const api = await startServiceProcess({
            isReady: apiReady(`http://127.0.0.1:${port}`),
            env: env(port, 'api'),
          });
          children.push(api);
          return { url: `http://127.0.0.1:${port}/webhooks/jira`, pid: api.child.pid };
        },
      ],
    ];
    const started: Target[] = [];
    for (const [, start] of targets) started.push(await start());
    const apiPid = started.at(-1)!.pid!;
    // The API's resident memory once started (before any delivery) and at its highest under the load.
    const apiIdleMb = residentMb(apiPid);
    const { peaks: apiPeaks } = await peakDuring(
      [apiPid],
      (async () => {
        for (const [index, [label]] of targets.entries()) await load(label, started[index]!, 1);
        const rounds: LoadResult[][] = targets.map(() => []);
        for (let round = 0; round < ROUNDS; round++)
          for (const [index, [label]] of targets.entries())
            rounds[index]!.push(await load(label, started[index]!, SECONDS / ROUNDS));
        results.push(...rounds.map(combine));
      })(),
    );
    for (const baseline of children.splice(0, 3)) await baseline.stop();
    const api = started.at(-1)!;
    // The workers' half, with the queue paused so no job runs: what is measured is deliveries becoming jobs.
    const backlog = await client.xlen(stream);
    // What the API counted as accepted, including answers the load generator cut off when a round ended.
    const acceptedSoFar = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return Number(await client.hget(metricsKey(PREFIX), field('delivery', 'jira', 'accepted')));
    };
    const acceptedByApi = await acceptedSoFar();
    await queue.pause();
    const worker = await startServiceProcess({
      isReady: workerReady(client, PREFIX),
      env: env(await freePort(), 'worker'),
      timeoutMs: 60_000,
    });
    children.push(worker);
    const jobs = async () => {
      const counts = await queue.getJobCounts('waiting', 'prioritized');
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    };
    const relayCpuBefore = cpuMs(worker.child.pid);
    const drainMs = await waitUntil(async () => (await client.xlen(stream)) === 0, 300_000);
    const relayCpuMicros =
      (((cpuMs(worker.child.pid) ?? 0) - (relayCpuBefore ?? 0)) * 1000) / Math.max(backlog, 1);
    const landed = await jobs();

    const workerIdleMb = residentMb(worker.child.pid!);
    const { value: burst, peaks: burstPeaks } = await peakDuring(
      [apiPid, worker.child.pid!],
      load('burst with one worker relaying', api, BURST_SECONDS),
    );
    const burstBacklog = await client.xlen(stream);
    const burstDrainMs = await waitUntil(async () => (await client.xlen(stream)) === 0, 600_000);
    const acceptedInBurst = (await acceptedSoFar()) - acceptedByApi;
    const landedAfterBurst = (await jobs()) - landed;

    const [baseline, deliveryPush] = results;
    const ours = results.at(-1)!;
    lines.push(
      '### Intake',
      '',
      `${CONNECTIONS} connections, ${SECONDS} s per target in ${ROUNDS} turns after a 1 s warm-up (p50/p99: the worst turn), signed real-format Jira deliveries (a comment with \`/help\`, one job each), each with its own delivery id and body; every target on this machine in its own process, one private Redis. accepted/s counts 202 answers only; errors counts every other answer and failure.`,
      '',
      '| target | accepted/s | p50 ms | p99 ms | ratio to the id push | errors | CPU µs per accepted: target | Redis | Redis forks (AOF rewrites) | load generator | machine idle |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results.map((result) => row(result, baseline!)),
      '',
      `backlog-refinery's API against the bare push of the delivery: ${(ours.perSecond / deliveryPush!.perSecond).toFixed(2)}× (against the push of the id: ${(ours.perSecond / baseline!.perSecond).toFixed(2)}×). The load generator shares the cores; forked AOF rewrites run beside Redis.`,
      '',
      `Workers' half (one worker process, queue paused so jobs wait): the API's ${acceptedByApi} accepted deliveries (warm-ups included) left a backlog of ${backlog} in the intake stream; it drained in ${(drainMs / 1000).toFixed(1)} s (${Math.round(backlog / Math.max(drainMs / 1000, 0.001))} deliveries/s, ${relayCpuBefore === undefined ? '–' : relayCpuMicros.toFixed(0)} µs of worker CPU each: parse, normalize, plan, add the job, acknowledge); jobs waiting: ${landed} (${landed === acceptedByApi ? 'one per accepted delivery' : `EXPECTED ${acceptedByApi}`}).`,
      '',
      `Resident memory (/proc, peak sampled every 100 ms): the API ${apiIdleMb.toFixed(0)} MB started, ${Math.max(apiPeaks[0]!, burstPeaks[0]!).toFixed(0)} MB at most under this load; the worker ${workerIdleMb.toFixed(0)} MB after draining the backlog, ${burstPeaks[1]!.toFixed(0)} MB at most relaying the burst (the jobs wait). Idle and loaded figures of both with jobs running: \`npm run bench -- memory\`.`,
      '',
      `Burst of ${BURST_SECONDS} s at ${CONNECTIONS} connections with that worker relaying: ${burst.perSecond} accepted/s, p99 ${burst.p99} ms, ${burst.errors + burst.other} errors, CPU per accepted delivery API ${micros(burst.cpuMicros?.target)} µs, Redis ${micros(burst.cpuMicros?.redis)} µs (its AOF rewrites ${micros(burst.cpuMicros?.redisForks)} µs), load generator ${micros(burst.cpuMicros?.loadGenerator)} µs; backlog at the end ${burstBacklog} deliveries, drained ${(burstDrainMs / 1000).toFixed(1)} s later; ${landedAfterBurst} jobs for ${acceptedInBurst} accepted (${landedAfterBurst === acceptedInBurst ? 'all landed' : 'MISMATCH'}).`,
    );
  } finally {
    for (const child of children) await child.stop();
    await queue.close();
    client.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines.join('\n');
}

if (import.meta.main) process.stdout.write(`${await runIntakeBench()}\n`);
