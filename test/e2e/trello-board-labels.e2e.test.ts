import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { testRedisUrl } from '../helpers/redis.ts';

/**
 * A Trello board holds any number of labels of one name. Jobs of several cards of a new board that each find the
 * service's label missing must not each create one: the board would then offer two "needs-acceptance-criteria"
 * labels, and a filter on one finds half the cards.
 */
let stack: Stack;
let boardId: string;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { WORKER_CONCURRENCY: '8' } });
  boardId = stack.trello.seedBoard({ name: 'Fresh', lists: ['Backlog', 'Doing', 'Done'] }).id;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const store = () => stack.trello.state();
const boardLabels = (name: string) =>
  [...store().labels.values()].filter((label) => label.idBoard === boardId && label.name === name);
const labelsOf = (cardId: string) =>
  (store().cards.get(cardId)?.idLabels ?? []).map((id) => store().labels.get(id)?.name);

it('cards of a new board flagged at the same time share one label of the service', async () => {
  // The first label Trello makes takes a while to land, as under load: the other cards' jobs ask meanwhile.
  stack.trello.injectFault({
    pathPrefix: `/boards/${boardId}/labels`,
    method: 'POST',
    status: 0,
    delayMs: 3_000,
    count: 1,
  });
  const cards = await Promise.all(
    ['Saved carts', 'Gift wrap', 'Wish lists', 'Store pickup'].map(async (name) =>
      String(
        (
          await stack.trelloAct('create-card', {
            boardId,
            list: 'Backlog',
            name,
            desc: `As a shopper I want ${name.toLowerCase()}.`,
          })
        ).id,
      ),
    ),
  );

  await waitFor(() => cards.every((id) => labelsOf(id).includes('needs-acceptance-criteria')), 30_000);
  expect(boardLabels('needs-acceptance-criteria')).toHaveLength(1);
}, 60_000);
