import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startRedis } from '../scripts/lib/redis-process.ts';
import { STACK_JIRA_SECRET, type Stack, startStack, waitFor, waitUntilIdle } from '../scripts/lib/stack.ts';
import { QUEUE_NAME } from '../src/queue/jobs.ts';
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
  /** Items whose effects (from the sandbox's ledger) were more or other than the one reply created. */
  doubled: number;
  /** Jobs that ran once yet did not report their reply created: a handler run twice. */
  rerun: number;
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
    const bot = stack.jira.botCredentials.accountId;
    const keyOf = new Map(seeded.issues.map((issue) => [issue.key, issue.id]));
    /** The bot's effects per issue id, from the ledger: every write, not only the first POST. */
    const effects = () => {
      const byIssue = new Map<string, { kind: string; at: number }[]>();
      for (const effect of stack.jira.ledger) {
        const id = keyOf.get(effect.item);
        if (effect.actor !== bot || !id) continue;
        byIssue.set(id, [...(byIssue.get(id) ?? []), { kind: effect.kind, at: Date.parse(effect.at) }]);
      }
      return byIssue;
    };
    await waitFor(() => effects().size >= acceptedAt.size, 120_000);
    // A job run twice would write again after its first reply: wait until nothing is left to run before counting.
    await waitUntilIdle(stack, { delayed: true, timeoutMs: 60_000 });
    const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: `{${stack.queuePrefix}}` });
    // A job that ran its handler twice writes nothing the second time (its reply is in place) and says so.
    const rerun = (await queue.getJobs(['completed'])).filter(
      (job) =>
        job.attemptsStarted === 1 && (job.returnvalue as { reply?: string } | null)?.reply !== 'created',
    ).length;
    await queue.close();
    const byIssue = effects();
    const writtenAt = new Map([...byIssue].map(([id, list]) => [id, list[0]!.at]));
    const doubled = [...byIssue.values()].filter(
      (list) => list.length !== 1 || list[0]!.kind !== 'comment.created',
    ).length;
    const latencies = [...writtenAt].map(([id, at]) => at - (acceptedAt.get(id) ?? at));
    const last = Math.max(...writtenAt.values());
    return {
      workers,
      perSecond: Math.round((writtenAt.size * 1000) / (last - started)),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      replies: writtenAt.size,
      doubled,
      rerun,
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
      "Replies and doubled come from the sandbox's ledger of effects: doubled counts items that got anything besides their one reply created (a second reply, an edit, a delete).",
      '',
      '| worker processes | events/s | p50 ms | p99 ms | replies written | doubled | re-run |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...[one, two].map(
        (r) =>
          `| ${r.workers} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${r.replies}/${EVENTS} | ${r.doubled} | ${r.rerun} |`,
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
