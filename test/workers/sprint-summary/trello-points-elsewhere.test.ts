import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';
import { stackAdmin } from '../../helpers/stack-admin.ts';
import { ADMIN_TOKEN } from '../../helpers/test-config.ts';

/**
 * Cards sized again while on another board. Custom fields belong to a board: there the card's story points are that
 * board's field, which its actions name beside this board's, so they are not the points the card had here.
 */
let stack: InProcessStack;
let boardId: string;
let otherBoardId: string;
let cards: Record<string, string>;

beforeAll(async () => {
  stack = await startInProcessStack({ ADMIN_TOKEN }, ({ trello }) => {
    const storyPoints = [{ name: 'Story points', type: 'number' as const }];
    const board = trello.seedBoard({
      name: 'Product',
      lists: ['Backlog', 'Doing', 'Done'],
      customFields: storyPoints,
      cards: [
        { list: 'Doing', name: 'Audit log' },
        { list: 'Doing', name: 'Wish lists' },
      ],
    });
    boardId = board.id;
    cards = Object.fromEntries(board.cards.map((card) => [card.name, card.id]));
    otherBoardId = trello.seedBoard({ name: 'Platform', lists: ['Doing'], customFields: storyPoints }).id;
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const act = (action: string, body: Record<string, string>) => trelloAct(stack.sandbox.url, action, body);
const { runAction } = stackAdmin(() => stack, ADMIN_TOKEN);
// Trello dates actions to the millisecond: each step comes after the one before, as a person's would.
const later = () => new Promise((resolve) => setTimeout(resolve, 5));
const size = (cardId: string, value: string) => act('set-field', { cardId, field: 'Story points', value });
const toPlatform = (cardId: string) => act('move-card', { cardId, boardId: otherBoardId, list: 'Doing' });

const summaryCard = () => {
  const store = stack.trello.state();
  const list = [...store.lists.values()].find((l) => l.idBoard === boardId && l.name === 'Sprint summaries');
  return [...store.cards.values()].find((card) => list && card.idList === list.id);
};

describe('a card sized on another board', () => {
  it('counts the points it had on this board', async () => {
    const left = String((await act('create-card', { boardId, list: 'Doing', name: 'Gift wrapping' })).id);
    await size(left, '3');
    await size(cards['Audit log']!, '2');
    await size(cards['Wish lists']!, '1');
    await later();
    await toPlatform(left);
    await size(left, '8');
    await later();
    const end = new Date().toISOString();
    await later();
    // There and back after the end, sized there meanwhile.
    await toPlatform(cards['Audit log']!);
    await size(cards['Audit log']!, '13');
    await act('move-card', { cardId: cards['Audit log']!, boardId, list: 'Doing' });
    await toPlatform(cards['Wish lists']!);
    await size(cards['Wish lists']!, '5');

    await runAction('sprint-summary', { tracker: 'trello', boardId, end });

    const { desc } = await waitFor(() => summaryCard(), 30_000);
    expect(desc).toMatch(/### Created in window\n\n(- .+\n)*- \[.+\]\(.+\) Gift wrapping \(3 points\)$/m);
    expect(desc).toContain('| Carried over | 2 items |');
    expect(desc).toMatch(/### Carried over\n\n(- .+\n)*- \[.+\]\(.+\) Audit log \(2 points\)$/m);
    expect(desc).toMatch(/### Carried over\n\n(- .+\n)*- \[.+\]\(.+\) Wish lists \(1 point\)$/m);
  });
});
