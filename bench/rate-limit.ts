import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedis } from '../scripts/lib/redis-process.ts';
import { STACK_TRELLO_SECRET, startStack, waitFor } from '../scripts/lib/stack.ts';
import { signTrelloBody } from '../src/trackers/trello/trello-signature.ts';

const EVENTS = Number(process.env.BENCH_RATE_EVENTS ?? 1000);
/** Trello's budget: 100 requests per token per 10 s. BENCH_RATE_WINDOW_MS shortens the window for quick runs. */
const WINDOW_MS = Number(process.env.BENCH_RATE_WINDOW_MS ?? 10_000);
const PER_TOKEN = 100;

/** A backlog of Trello events drains at Trello's allowed rate, shared by two workers, without a single 429. */
export async function runRateLimitBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rate-'));
  const server = await startRedis({ dir });
  const redis = new Redis(server.url);
  const stack = await startStack({
    redisUrl: server.url,
    redis,
    workers: 2,
    env: { LOG_LEVEL: 'warn', TRELLO_RATE_WINDOW_MS: String(WINDOW_MS), WORKER_CONCURRENCY: '16' },
    trelloRateLimit: { perToken: PER_TOKEN, perKey: 3 * PER_TOKEN, windowMs: WINDOW_MS },
  });
  try {
    const board = stack.trello.seedBoard({
      name: 'Bench',
      lists: ['Backlog'],
      cards: Array.from({ length: EVENTS }, (_, i) => ({ list: 'Backlog', name: `Card ${i}` })),
    });
    const template = JSON.parse(
      readFileSync(new URL('../test/fixtures/trello/commentCard.json', import.meta.url), 'utf8'),
    );
    const callback = `${stack.apiUrl}/webhooks/trello`;
    const requestsBefore = stack.trello.counters.requests;
    const started = Date.now();
    for (const [n, card] of board.cards.entries()) {
      template.action.id = `bench${String(n).padStart(20, '0')}`;
      template.action.data.text = '/help';
      template.action.date = new Date().toISOString();
      template.action.data.card = { id: card.id, shortLink: card.shortLink, name: card.name, idShort: n };
      template.action.data.board = { id: board.id, shortLink: board.shortLink, name: 'Bench' };
      const body = JSON.stringify(template);
      await fetch(callback, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-trello-webhook': signTrelloBody(body, STACK_TRELLO_SECRET, callback),
        },
        body,
      });
    }
    const replies = () =>
      stack.trello.writes.filter(
        (write) => write.method === 'POST' && write.path.endsWith('/actions/comments'),
      ).length;
    await waitFor(() => replies() >= EVENTS, 600_000);
    const seconds = (Date.now() - started) / 1000;
    const requests = stack.trello.counters.requests - requestsBefore;
    const allowedPerSecond = (PER_TOKEN * 1000) / WINDOW_MS;
    const achieved = requests / seconds;
    return [
      '### Trello rate limit (shared by two worker processes)',
      '',
      `${EVENTS} \`/help\` comments on Trello cards; the sandbox enforces ${PER_TOKEN} requests per token per ${WINDOW_MS} ms (the service's limiter is given the same window).`,
      '',
      '| requests | seconds | requests/s | allowed/s | share of allowed | 429s received |',
      '| ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${requests} | ${seconds.toFixed(1)} | ${achieved.toFixed(1)} | ${allowedPerSecond} | ${((achieved / allowedPerSecond) * 100).toFixed(0)} % | ${stack.trello.counters.rateLimited} |`,
    ].join('\n');
  } finally {
    await stack.stop();
    redis.disconnect();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) process.stdout.write(`${await runRateLimitBench()}\n`);
