import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, startRedis } from '../scripts/lib/redis-process.ts';
import { apiReady, startServiceProcess } from '../scripts/lib/service-process.ts';
import { QUEUE_NAME } from '../src/queue/jobs.ts';
import { signJiraBody } from '../src/trackers/jira/jira-signature.ts';
import { type LoadResult, runLoad } from './lib/load.ts';

const SECRET = 'bench-webhook-secret';
const CONNECTIONS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

function startBaseline(mode: 'lpush' | 'bullmq', port: number, redisUrl: string): Promise<ChildProcess> {
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

function row(result: LoadResult & { landed: number }, baseline: LoadResult): string {
  const ratio = (result.perSecond / baseline.perSecond).toFixed(2);
  return `| ${result.label} | ${result.perSecond} | ${result.p50} | ${result.p99} | ${ratio} | ${result.errors + result.non2xx} | ${result.landed} |`;
}

/** Intake throughput of the real API process against a bare HMAC + LPUSH route, measured in one run. */
export async function runIntakeBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-intake-'));
  const redis = await startRedis({ dir });
  const delivery = JSON.parse(
    readFileSync(new URL('../test/fixtures/jira/comment_created.json', import.meta.url), 'utf8'),
  ) as { timestamp: number; comment: { body: string } };
  delivery.timestamp = Date.now();
  delivery.comment.body = '/help';
  const body = JSON.stringify(delivery);
  const headers = { 'content-type': 'application/json', 'x-hub-signature': signJiraBody(body, SECRET) };
  const results: (LoadResult & { landed: number })[] = [];
  const client = new Redis(redis.url);
  /** What each target left in Redis: one entry or job per accepted delivery (no worker runs here). */
  const bullJobs = (name: string, prefix: string) => async () => {
    const queue = new Queue(name, { connection: client, prefix });
    const counts = await queue.getJobCounts(
      'wait',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    await queue.close();
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  };
  const landed: Record<string, () => Promise<number>> = {
    lpush: () => client.llen('baseline:deliveries'),
    bullmq: bullJobs('baseline', '{baseline}'),
    api: bullJobs(QUEUE_NAME, '{refinery}'),
  };
  const children: { stop(): unknown }[] = [];
  const baselineTarget = async (mode: 'lpush' | 'bullmq') => {
    const port = await freePort();
    const child = await startBaseline(mode, port, redis.url);
    children.push({ stop: () => child.kill('SIGTERM') });
    return `http://127.0.0.1:${port}/webhooks/jira`;
  };
  try {
    const targets: [string, () => Promise<string>, () => Promise<number>][] = [
      ['baseline: Fastify + HMAC + one LPUSH', () => baselineTarget('lpush'), landed.lpush!],
      ['reference: Fastify + HMAC + one BullMQ add', () => baselineTarget('bullmq'), landed.bullmq!],
      [
        'backlog-refinery API (verify, validate, dedupe, enqueue)',
        async () => {
          const port = await freePort();
          const api = await startServiceProcess({
            isReady: apiReady(`http://127.0.0.1:${port}`),
            env: {
              ROLE: 'api',
              PORT: String(port),
              HOST: '127.0.0.1',
              REDIS_URL: redis.url,
              LOG_LEVEL: 'warn',
              JIRA_BASE_URL: `http://127.0.0.1:${await freePort()}`,
              JIRA_EMAIL: 'bench@example.test',
              JIRA_API_TOKEN: 'bench-token',
              JIRA_WEBHOOK_SECRET: SECRET,
            },
          });
          children.push(api);
          return `http://127.0.0.1:${port}/webhooks/jira`;
        },
        landed.api!,
      ],
    ];
    for (const [label, start, count] of targets) {
      const url = await start();
      const load = (durationSeconds: number) =>
        runLoad({
          label,
          url,
          body,
          headers,
          uniqueHeader: 'x-atlassian-webhook-identifier',
          connections: CONNECTIONS,
          durationSeconds,
        });
      const warmUp = await load(1);
      const measured = await load(SECONDS);
      await children.at(-1)?.stop();
      const jobs = await count();
      // Requests cut off when the load stops can land unanswered, so more may land; fewer is a lost delivery.
      if (jobs < warmUp.accepted + measured.accepted)
        throw new Error(
          `${label}: ${warmUp.accepted + measured.accepted} deliveries accepted, ${jobs} landed`,
        );
      results.push({ ...measured, landed: jobs });
    }
  } finally {
    client.disconnect();
    for (const child of children) await child.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const [baseline] = results;
  return [
    '### Intake',
    '',
    `${CONNECTIONS} connections, ${SECONDS} s per target after a 1 s warm-up, signed real-format Jira deliveries (a comment with \`/help\`, one job each) with unique delivery ids; every target on this machine with its own process, one private Redis.`,
    '',
    'accepted = answered 202; every accepted delivery is checked to be in Redis afterwards (jobs landed, warm-up included; requests cut off when the load stops may land too).',
    '',
    '| target | accepted/s | p50 ms | p99 ms | ratio to baseline | errors or not 202 | jobs landed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map((result) => row(result, baseline!)),
  ].join('\n');
}

if (import.meta.main) process.stdout.write(`${await runIntakeBench()}\n`);
