import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * A card created in the window and archived before its end has left the board's work: it is listed as created in
 * the window with the story points it had when it left, not those it was given since (sized again for later).
 */
let stack: InProcessStack;
let boardId: string;

beforeAll(async () => {
  stack = await startInProcessStack({}, ({ trello }) => {
    boardId = trello.seedBoard({
      name: 'Product',
      lists: ['Backlog', 'Doing', 'Done'],
      customFields: [{ name: 'Story points', type: 'number' }],
    }).id;
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const act = (action: string, body: Record<string, string>) => trelloAct(stack.sandbox.url, action, body);

// Trello dates actions to the millisecond: each step comes after the one before, as a person's would.
const later = () => new Promise((resolve) => setTimeout(resolve, 5));

async function sizedCard(name: string, points: string): Promise<string> {
  const id = String((await act('create-card', { boardId, list: 'Doing', name, desc: '' })).id);
  await act('set-field', { cardId: id, field: 'Story points', value: points });
  return id;
}

const summaryCard = () => {
  const store = stack.trello.state();
  const list = [...store.lists.values()].find((l) => l.idBoard === boardId && l.name === 'Sprint summaries');
  return [...store.cards.values()].find((card) => list && card.idList === list.id);
};

describe('a card that left the board in the window', () => {
  it('is listed as created in the window with the points it had when it left', async () => {
    const stays = await sizedCard('Saved carts', '2');
    const dropped = await sizedCard('Gift wrapping', '3');
    await later();
    await act('archive-card', { cardId: dropped });
    await later();
    await act('set-field', { cardId: dropped, field: 'Story points', value: '8' });

    await act('comment', { cardId: stays, text: '/summary' });

    const { desc } = await waitFor(() => summaryCard(), 30_000);
    expect(desc).toContain('| Created in window | 2 items |');
    expect(desc).toMatch(/### Created in window\n\n(- .+\n)*- \[.+\]\(.+\) Gift wrapping \(3 points\)$/m);
  });
});
