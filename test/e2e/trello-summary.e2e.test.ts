import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { testRedisUrl } from '../helpers/redis.ts';

/** Every capability shares the Trello rate limit, so a run may wait for the next window. */
const PACED_MS = 20_000;

let stack: Stack;
let boardId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'trello-summary-rules-')), 'rules.yaml');
writeFileSync(rulesFile, '{}\n');

beforeAll(async () => {
  // Trello's limit over a shorter window, on both sides: the same pacing, without waiting 10 s for a window.
  stack = await startStack({
    redisUrl: testRedisUrl(),
    env: { REFINERY_CONFIG: rulesFile, TRELLO_RATE_WINDOW_MS: '2000' },
    trelloRateLimit: { perToken: 100, perKey: 300, windowMs: 2_000 },
  });
  boardId = stack.trello.seedBoard({
    name: 'Product',
    lists: ['Backlog', 'Doing', 'Done'],
    cards: [{ list: 'Doing', name: 'Search by tag' }],
  }).id;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const store = () => stack.trello.state();
const summaryCards = () => {
  const list = [...store().lists.values()].find(
    (l) => l.idBoard === boardId && l.name === 'Sprint summaries',
  );
  return [...store().cards.values()].filter((card) => list && card.idList === list.id);
};
const labelsOf = (card: { idLabels: string[] }) => card.idLabels.map((id) => store().labels.get(id)?.name);

async function createCard(list: string, name: string): Promise<string> {
  return String((await stack.trelloAct('create-card', { boardId, list, name, desc: '' })).id);
}
const move = (cardId: string, list: string) => stack.trelloAct('move-card', { cardId, list });

describe('sprint summaries on Trello', { timeout: 60_000 }, () => {
  it('/summary on a card posts one Markdown summary card of the board window; again edits it', async () => {
    const shipped = await createCard('Backlog', 'Dark mode');
    await move(shipped, 'Doing');
    await move(shipped, 'Done');
    const started = await createCard('Backlog', 'Saved carts');
    await move(started, 'Doing');

    await stack.trelloAct('comment', { cardId: started, text: '/summary' });

    const [card] = await waitFor(() => (summaryCards().length > 0 ? summaryCards() : undefined), PACED_MS);
    expect(card!.name).toMatch(/^Sprint \d{4}-\d{2}-\d{2} – \d{4}-\d{2}-\d{2} summary$/);
    expect(labelsOf(card!)).toContain('sprint-summary');
    expect(card!.desc).toContain('| Completed | 1 item |');
    expect(card!.desc).toContain('| Carried over | 2 items |');
    expect(card!.desc).toContain('| Created in window | 2 items |');
    expect(card!.desc).toMatch(/### Completed\n\n- \[.+\]\(.+\) Dark mode/);

    await move(started, 'Done');
    await stack.trelloAct('comment', { cardId: shipped, text: '/summary' });

    await waitFor(() => summaryCards()[0]?.desc.includes('| Completed | 2 items |'), PACED_MS);
    expect(summaryCards()).toHaveLength(1);
  });

  it('registers a cron scheduler from the rules at worker start, and its runs edit the same summary', async () => {
    writeFileSync(
      rulesFile,
      `summaries:\n  trello:\n    boards:\n      '${boardId}':\n        cron: '*/3 * * * * *'\n`,
    );
    const before = summaryCards().map((card) => card.id);
    await createCard('Doing', 'Refunds');
    await stack.startWorker();

    const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
    try {
      // The remote-link reconcile has a scheduler of its own (docs/linking.md).
      const scheduler = (await queue.getJobSchedulers()).find((found) =>
        found.key.startsWith('sprint-summary.'),
      );
      expect(scheduler).toMatchObject({ key: `sprint-summary.trello.${boardId}`, pattern: '*/3 * * * * *' });
      await waitFor(async () => {
        const done = await queue.getJobs(['completed']);
        return done.some((job) => job.returnvalue?.trigger === 'schedule');
      }, PACED_MS);
    } finally {
      await queue.close();
    }
    await waitFor(() => summaryCards()[0]?.desc.includes('| Carried over | 2 items |'), PACED_MS);
    expect(summaryCards().map((card) => card.id)).toEqual(before);
    expect(summaryCards()[0]!.desc).toContain('Refunds');
  });

  it('posts a fresh summary card once a person deleted the one it kept editing, and no job fails', async () => {
    const [posted] = summaryCards();
    await stack.trelloAct('delete-card', { cardId: posted!.id });

    // The scheduled runs go on: the next one finds the card gone (Trello's 404) and posts a new one.
    const [fresh] = await waitFor(() => (summaryCards().length > 0 ? summaryCards() : undefined), PACED_MS);

    expect(fresh!.id).not.toBe(posted!.id);
    expect(fresh!.desc).toContain('Refunds');
    const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
    try {
      expect((await queue.getFailed()).map((job) => `${job.name}: ${job.failedReason}`)).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});
