import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * Cards worked on in the window that left the board's in-progress lists otherwise than by a move on the board:
 * archived while in Doing, or moved to another board's Doing. Trello still answers a read of each with that list.
 */
let stack: InProcessStack;
let boardId: string;
let otherBoardId: string;

beforeAll(async () => {
  stack = await startInProcessStack({}, ({ trello }) => {
    boardId = trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Doing', 'Done'] }).id;
    otherBoardId = trello.seedBoard({ name: 'Platform', lists: ['Doing'] }).id;
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const act = (action: string, body: Record<string, string>) => trelloAct(stack.sandbox.url, action, body);

async function cardInDoing(name: string): Promise<string> {
  const id = String((await act('create-card', { boardId, list: 'Backlog', name, desc: '' })).id);
  await act('move-card', { cardId: id, list: 'Doing' });
  return id;
}

const summaryCard = () => {
  const store = stack.trello.state();
  const list = [...store.lists.values()].find((l) => l.idBoard === boardId && l.name === 'Sprint summaries');
  return [...store.cards.values()].find((card) => list && card.idList === list.id);
};

describe('a Trello window summary’s carried-over cards', () => {
  it('leaves out a card archived while in Doing and one moved to another board’s Doing', async () => {
    const stays = await cardInDoing('Saved carts');
    await act('archive-card', { cardId: await cardInDoing('Gift wrapping') });
    await act('move-card', { cardId: await cardInDoing('Audit log'), boardId: otherBoardId, list: 'Doing' });

    await act('comment', { cardId: stays, text: '/summary' });

    const { desc } = await waitFor(() => summaryCard(), 30_000);
    expect(desc).toContain('| Carried over | 1 item |');
    expect(desc).toMatch(/### Carried over\n\n- \[.+\]\(.+\) Saved carts\n\n###/);
    // Each was created in the window all the same.
    expect(desc).toContain('| Created in window | 3 items |');
  });
});
