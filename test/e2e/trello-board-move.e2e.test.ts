import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, stackQueue, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { createLinkIndexStore } from '../../src/linking/index.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { type StackConsole, stackConsole } from '../helpers/stack-console.ts';

let stack: Stack;
let console_: StackConsole;
let queue: Queue;
/** Two backlog boards, each with the service's webhook: a card moved between them is heard on both. */
let teamA: string;
let teamB: string;
const SCORE_FIELDS = ['Impact', 'Effort', 'Priority score', 'Reach', 'Confidence'];

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl() });
  // Each board has the score fields: custom fields belong to a board, and a card moved takes none of them along.
  const customFields = SCORE_FIELDS.map((name) => ({ name, type: 'number' as const }));
  teamA = stack.trello.seedBoard({ name: 'Team A', lists: ['Backlog'], customFields }).id;
  teamB = stack.trello.seedBoard({ name: 'Team B', lists: ['Backlog'], customFields }).id;
  console_ = stackConsole(stack);
  queue = stackQueue(stack);
}, 60_000);
afterAll(async () => {
  await queue?.close();
  await console_?.close();
  await stack?.stop();
});

const LABEL = 'needs-acceptance-criteria';
const store = () => stack.trello.state();
const botComments = (cardId: string, marker: string) =>
  store().actions.filter(
    (a) =>
      a.type === 'commentCard' &&
      a.idMemberCreator === stack.trello.botMemberId &&
      (a.data.card as { id: string }).id === cardId &&
      String(a.data.text).includes(marker),
  );
const labelsOf = (cardId: string) =>
  (store().cards.get(cardId)?.idLabels ?? []).map((id) => store().labels.get(id));
/** The card's score fields as the board it is on shows them: custom fields belong to a board. */
const shownFields = (cardId: string) => {
  const card = store().cards.get(cardId);
  return Object.fromEntries(
    [...store().fieldItems.values()].flatMap((item) => {
      const field = store().fields.get(item.idCustomField);
      return field && item.idModel === cardId && field.idModel === card?.idBoard
        ? [[field.name, Number(item.value.number)]]
        : [];
    }),
  );
};
const failing = async (board: string) =>
  (await console_.readModel.acceptanceHealth(`trello:${board}`))?.failing ?? 0;

/** Trello has sent its webhooks, and the workers have finished every job they caused. */
const settled = () => waitUntilIdle(stack, { delayed: true });

describe('a card moved between two boards the service watches', () => {
  // Trello delivers moveCardFromBoard and moveCardToBoard to two webhooks, in no promised order.
  it.each([
    ['the left board hears first', 'left-first'],
    ['the joined board hears first', 'joined-first'],
  ])(
    'ends the same whichever board hears first (%s)',
    async (_, order) => {
      const card = await stack.trelloAct('create-card', {
        boardId: teamA,
        list: 'Backlog',
        name: `Bulk import (${order})`,
        desc: 'Do it.',
      });
      const id = String(card.id);
      await waitFor(() => labelsOf(id).some((label) => label?.name === LABEL));
      await settled();
      const failingA = await failing(teamA);
      const failingB = await failing(teamB);
      const failedJobs = (await queue.getJobCounts('failed')).failed;
      const fields = shownFields(id);
      expect(fields['Priority score']).toBeGreaterThan(0);

      const mark = ledgerMark(stack.trello.ledger);
      await stack.trelloAct('move-card', { cardId: id, boardId: teamB, list: 'Backlog', order });
      await settled();

      // Both boards' deliveries plan an acceptance check and an index job: the second of each reads the card and
      // writes nothing. The only writes are the score's fields on the board the card joined, each once.
      expect(effectsBy(stack.trello.ledger, stack.trello.botMemberId, mark)).toEqual({
        [id]: SCORE_FIELDS.map(() => 'field.set'),
      });
      expect(labelsOf(id).filter((label) => label?.name === LABEL)).toEqual([
        expect.objectContaining({ idBoard: teamB }),
      ]);
      expect(botComments(id, 'backlog-refinery · acceptance-criteria')).toHaveLength(1);
      expect(botComments(id, 'Priority score: ')).toHaveLength(1);
      expect(shownFields(id)).toEqual(fields);
      const detail = await console_.readModel.item({ tracker: 'trello', idOrKey: id });
      expect(detail?.row.container).toBe(`trello:${teamB}`);
      expect(detail?.acceptance.status).toBe('fails');
      expect(await failing(teamA)).toBe(failingA - 1);
      expect(await failing(teamB)).toBe(failingB + 1);
      const indexed = await createLinkIndexStore(stack.redis, stack.queuePrefix).get({
        tracker: 'trello',
        id,
      });
      expect(indexed?.container?.id).toBe(teamB);
      expect((await queue.getJobCounts('failed')).failed).toBe(failedJobs);
    },
    60_000,
  );
});
