import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedis } from '../scripts/lib/redis-process.ts';
import { STACK_JIRA_SECRET, type Stack, startStack, waitFor } from '../scripts/lib/stack.ts';
import { signJiraBody } from '../src/trackers/jira/jira-signature.ts';
import { percentile } from './lib/stats.ts';

const EVENTS = Number(process.env.BENCH_PIPELINE_EVENTS ?? 600);
const IN_FLIGHT = 32;

interface PipelineResult {
  workers: number;
  perSecond: number;
  p50: number;
  p99: number;
  replies: number;
}

function delivery(template: string, issue: { id: string; key: string }, n: number): string {
  const body = JSON.parse(template) as {
    timestamp: number;
    comment: { id: string; body: string };
    issue: { id: string; key: string; self: string };
  };
  body.timestamp = Date.now();
  body.comment.id = String(900_000 + n);
  body.comment.body = '/help';
  body.issue.id = issue.id;
  body.issue.key = issue.key;
  return JSON.stringify(body);
}

/** Sends every delivery (bounded in flight), noting when each was accepted. */
async function send(stack: Stack, bodies: { issueId: string; body: string }[]): Promise<Map<string, number>> {
  const acceptedAt = new Map<string, number>();
  let next = 0;
  const lane = async () => {
    while (next < bodies.length) {
      const { issueId, body } = bodies[next++]!;
      const response = await fetch(`${stack.apiUrl}/webhooks/jira`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature': signJiraBody(body, STACK_JIRA_SECRET),
          'x-atlassian-webhook-identifier': `bench-${issueId}`,
        },
        body,
      });
      if (response.status === 202) acceptedAt.set(issueId, Date.now());
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return acceptedAt;
}

async function measure(redisUrl: string, redis: Redis, workers: number): Promise<PipelineResult> {
  const stack = await startStack({
    redisUrl,
    redis,
    workers,
    env: { LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '16' },
  });
  try {
    const seeded = stack.jira.seed({
      people: [{ accountId: 'ada', displayName: 'Ada', email: 'ada@example.test' }],
      projects: [{ key: 'BEN', name: 'Bench' }],
      issues: Array.from({ length: EVENTS }, (_, i) => ({
        projectKey: 'BEN',
        summary: `Item ${i}`,
        issuetype: 'Task',
        reporter: 'ada',
      })),
    });
    const template = readFileSync(
      new URL('../test/fixtures/jira/comment_created.json', import.meta.url),
      'utf8',
    );
    const bodies = seeded.issues.map((issue, n) => ({
      issueId: issue.id,
      body: delivery(template, issue, n),
    }));
    const started = Date.now();
    const acceptedAt = await send(stack, bodies);
    const writtenAt = new Map<string, number>();
    await waitFor(() => {
      for (const write of stack.jira.writes) {
        const match = /^\/rest\/api\/3\/issue\/(\d+)\/comment$/.exec(write.path);
        if (match && write.method === 'POST' && !writtenAt.has(match[1]!))
          writtenAt.set(match[1]!, Date.parse(write.at));
      }
      return writtenAt.size >= acceptedAt.size;
    }, 120_000);
    const latencies = [...writtenAt].map(([id, at]) => at - (acceptedAt.get(id) ?? at));
    const last = Math.max(...writtenAt.values());
    return {
      workers,
      perSecond: Math.round((writtenAt.size * 1000) / (last - started)),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      replies: writtenAt.size,
    };
  } finally {
    await stack.stop();
  }
}

/** Events per second from webhook to tracker write, with one and with two worker processes. */
export async function runPipelineBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pipeline-'));
  const server = await startRedis({ dir });
  const redis = new Redis(server.url);
  try {
    const one = await measure(server.url, redis, 1);
    const two = await measure(server.url, redis, 2);
    return [
      '### Pipeline (webhook → queue → worker → sandbox tracker write)',
      '',
      `${EVENTS} signed \`/help\` comment deliveries sent to the API (${IN_FLIGHT} in flight); each job reads the item's comments and writes one reply to the Jira sandbox. Latency is from the 202 to the write.`,
      '',
      '| worker processes | events/s | p50 ms | p99 ms | replies written |',
      '| ---: | ---: | ---: | ---: | ---: |',
      ...[one, two].map(
        (r) => `| ${r.workers} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${r.replies}/${EVENTS} |`,
      ),
      '',
      `Scaling (2 workers / 1 worker): ${(two.perSecond / one.perSecond).toFixed(2)}`,
    ].join('\n');
  } finally {
    redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) process.stdout.write(`${await runPipelineBench()}\n`);
