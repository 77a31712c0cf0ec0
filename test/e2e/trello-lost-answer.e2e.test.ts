import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';

/**
 * A Trello write whose answer never reaches the service: Trello applied it, and the request timed out (or the
 * connection reset) before the service heard so. The job's retry must find what landed, not write it again: a second
 * reply under the person's command, a second update of a field (each one a line in the card's activity).
 */
const SCORE_FIELDS = ['Priority score', 'Reach', 'Impact', 'Confidence', 'Effort'];
let stack: InProcessStack;
let cards: { id: string; name: string }[];

beforeAll(async () => {
  stack = await startInProcessStack({ TRACKER_TIMEOUT_MS: '1000' });
  cards = stack.trello.seedBoard({
    name: 'Product',
    lists: ['Backlog'],
    customFields: SCORE_FIELDS.map((name) => ({
      name,
      type: 'number' as const,
    })),
    cards: [
      { list: 'Backlog', name: 'Dark mode' },
      { list: 'Backlog', name: 'Saved carts' },
    ],
  }).cards;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const comment = async (cardId: string, text: string): Promise<string> => {
  const response = await fetch(`${stack.sandbox.url}/_sandbox/trello/act/comment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cardId, text }),
  });
  return ((await response.json()) as { id: string }).id;
};

/** The command job of a comment once it settled, with how many attempts it took. */
const settledJobOf = (commentId: string) =>
  waitFor(
    async () =>
      (await stack.queue.getJobs(['completed', 'failed'])).find(
        (job) =>
          job.name === 'run-commands' &&
          (job.data as { event?: { comment?: { id?: string } } }).event?.comment?.id === commentId,
      ),
    30_000,
    `the command job of comment ${commentId}`,
  );

/** The answer of the next matching write waits 3 s, after the write landed; the service gives up after 1 s. */
const loseAnswer = (method: string, pathPrefix: string) =>
  stack.trello.injectFault({ method, pathPrefix, status: 0, delayAfterMs: 3_000, count: 1 });

describe('a Trello write whose answer is lost', () => {
  it('a reply comment Trello posted is found by the retry, not posted twice', async () => {
    const card = cards[0]!.id;
    const mark = ledgerMark(stack.trello.ledger);
    loseAnswer('POST', `/cards/${card}/actions/comments`);

    const id = await comment(card, '/help');
    const job = await settledJobOf(id);
    await waitUntilIdle(stack, { delayed: true });

    expect(job.attemptsMade).toBeGreaterThan(1);
    expect(await job.getState()).toBe('completed');
    const replies = stack.trello
      .state()
      .actions.filter(
        (a) =>
          a.type === 'commentCard' &&
          a.idMemberCreator === stack.trello.botMemberId &&
          String(a.data.text).includes(`backlog-refinery · reply-${id}`),
      );
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.data.text)).toContain('/score');
    expect(effectsBy(stack.trello.ledger, stack.trello.botMemberId, mark)[card]).toEqual(['comment.created']);
  });

  it('a score field Trello set is left by the retry, and the scorecard and the reply are posted once', async () => {
    const card = cards[1]!.id;
    const mark = ledgerMark(stack.trello.ledger);
    loseAnswer('PUT', `/cards/${card}/customField/`);

    const id = await comment(card, '/score impact=4 effort=2');
    const job = await settledJobOf(id);
    await waitUntilIdle(stack, { delayed: true });

    expect(job.attemptsMade).toBeGreaterThan(1);
    expect(await job.getState()).toBe('completed');
    const effects = effectsBy(stack.trello.ledger, stack.trello.botMemberId, mark)[card] ?? [];
    const fieldWrites = stack.trello.ledger
      .filter((e) => e.seq > mark && e.item === card && e.kind === 'field.set')
      .map((e) => e.target);
    // Each field once: the first attempt's first one (its answer lost), then the retry's others.
    expect(fieldWrites.sort()).toEqual(SCORE_FIELDS.toSorted());
    expect(effects).not.toContain('unchanged');
    expect(effects.filter((kind) => kind === 'comment.created')).toHaveLength(2);
    const state = stack.trello.state();
    const impact = [...state.fields.values()].find((f) => f.name === 'Impact')!;
    expect(
      [...state.fieldItems.values()].find((i) => i.idModel === card && i.idCustomField === impact.id)?.value,
    ).toEqual({ number: '4' });
  });
});
