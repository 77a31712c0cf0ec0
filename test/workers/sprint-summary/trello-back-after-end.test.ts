import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';
import { stackAdmin } from '../../helpers/stack-admin.ts';
import { ADMIN_TOKEN } from '../../helpers/test-config.ts';

/**
 * Cards that left the board in the window (archived, moved to another board) and came back after its end: at the
 * end they were not the board's work, whatever list they are in now.
 */
let stack: InProcessStack;
let boardId: string;
let otherBoardId: string;

beforeAll(async () => {
  stack = await startInProcessStack({ ADMIN_TOKEN }, ({ trello }) => {
    boardId = trello.seedBoard({
      name: 'Product',
      lists: ['Backlog', 'Doing', 'Done'],
      customFields: [{ name: 'Story points', type: 'number' }],
    }).id;
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

describe('a card off the board at the window’s end that came back after it', () => {
  it('is not carried over, and is listed with the points it had when it left', async () => {
    await sizedCard('Saved carts', '2');
    const restored = await sizedCard('Gift wrapping', '3');
    const returned = await sizedCard('Audit log', '5');
    await later();
    await act('archive-card', { cardId: restored });
    await act('move-card', { cardId: returned, boardId: otherBoardId, list: 'Doing' });
    await later();
    const end = new Date().toISOString();
    await later();
    await act('archive-card', { cardId: restored, closed: 'false' });
    await act('set-field', { cardId: restored, field: 'Story points', value: '8' });
    await act('move-card', { cardId: returned, boardId, list: 'Doing' });

    await runAction('sprint-summary', { tracker: 'trello', boardId, end });

    const { desc } = await waitFor(() => summaryCard(), 30_000);
    expect(desc).toContain('| Carried over | 1 item |');
    expect(desc).toMatch(/### Carried over\n\n- \[.+\]\(.+\) Saved carts \(2 points\)\n\n###/);
    expect(desc).toMatch(/### Created in window\n\n(- .+\n)*- \[.+\]\(.+\) Gift wrapping \(3 points\)$/m);
    expect(desc).toMatch(/### Created in window\n\n(- .+\n)*- \[.+\]\(.+\) Audit log \(5 points\)$/m);
  });
});
