import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';
import { stackAdmin } from '../../helpers/stack-admin.ts';
import { ADMIN_TOKEN } from '../../helpers/test-config.ts';

/**
 * Cards unfinished on the board at the window's end that left it afterwards (archived, moved to another board):
 * at the end they were the board's open work, so the window carries them over, as they stood then. The seeded cards
 * were in Doing before the window: no action of theirs falls in it.
 */
let stack: InProcessStack;
let boardId: string;
let otherBoardId: string;
let cards: Record<string, string>;

beforeAll(async () => {
  stack = await startInProcessStack({ ADMIN_TOKEN }, ({ trello }) => {
    const board = trello.seedBoard({
      name: 'Product',
      lists: ['Backlog', 'Doing', 'Done'],
      customFields: [{ name: 'Story points', type: 'number' }],
      cards: [
        { list: 'Doing', name: 'Saved carts', fields: { 'Story points': 2 } },
        { list: 'Doing', name: 'Gift wrapping' },
        { list: 'Doing', name: 'Audit log', fields: { 'Story points': 3 } },
        { list: 'Doing', name: 'Wish lists', fields: { 'Story points': 1 } },
      ],
    });
    boardId = board.id;
    cards = Object.fromEntries(board.cards.map((card) => [card.name, card.id]));
    otherBoardId = trello.seedBoard({ name: 'Platform', lists: ['Doing'] }).id;
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const act = (action: string, body: Record<string, string>) => trelloAct(stack.sandbox.url, action, body);
const { runAction } = stackAdmin(() => stack, ADMIN_TOKEN);
// Trello dates actions to the millisecond: each step comes after the one before, as a person's would.
const later = () => new Promise((resolve) => setTimeout(resolve, 5));

const summaryCard = () => {
  const store = stack.trello.state();
  const list = [...store.lists.values()].find((l) => l.idBoard === boardId && l.name === 'Sprint summaries');
  return [...store.cards.values()].find((card) => list && card.idList === list.id);
};

describe('a card in Doing at the window’s end that left the board after it', () => {
  it('is carried over with the points it had at the end', async () => {
    // Sized on the board: read on the board it joined, the card shows that board's fields, not these.
    await act('set-field', { cardId: cards['Gift wrapping']!, field: 'Story points', value: '5' });
    await later();
    const end = new Date().toISOString();
    await later();
    await act('move-card', { cardId: cards['Gift wrapping']!, boardId: otherBoardId, list: 'Doing' });
    await act('archive-card', { cardId: cards['Audit log']! });
    await act('set-field', { cardId: cards['Audit log']!, field: 'Story points', value: '8' });
    // Finished after the end, then archived: in Doing at the end all the same.
    await act('move-card', { cardId: cards['Wish lists']!, list: 'Done' });
    await act('archive-card', { cardId: cards['Wish lists']! });

    await runAction('sprint-summary', { tracker: 'trello', boardId, end });

    const { desc } = await waitFor(() => summaryCard(), 30_000);
    expect(desc).toContain('| Carried over | 4 items |');
    expect(desc).toMatch(/### Carried over\n\n(- .+\n)*- \[.+\]\(.+\) Saved carts \(2 points\)$/m);
    expect(desc).toMatch(/### Carried over\n\n(- .+\n)*- \[.+\]\(.+\) Gift wrapping \(5 points\)$/m);
    expect(desc).toMatch(/### Carried over\n\n(- .+\n)*- \[.+\]\(.+\) Audit log \(3 points\)$/m);
    expect(desc).toMatch(/### Carried over\n\n(- .+\n)*- \[.+\]\(.+\) Wish lists \(1 point\)$/m);
  });
});
