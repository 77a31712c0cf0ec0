import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';
import { stackAdmin } from '../../helpers/stack-admin.ts';
import { ADMIN_TOKEN } from '../../helpers/test-config.ts';

/**
 * A Trello window summarized after the team moved on: cards re-sized and moved since its end are listed as they
 * were at the end (points and lists), so a re-run long after gives the figures of the window, as Jira's does.
 */
let stack: InProcessStack;
let boardId: string;

beforeAll(async () => {
  stack = await startInProcessStack({ ADMIN_TOKEN }, ({ trello }) => {
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

const { runAction } = stackAdmin(() => stack, ADMIN_TOKEN);
// Trello dates actions to the millisecond: each step comes after the one before, as a person's would.
const later = () => new Promise((resolve) => setTimeout(resolve, 5));

async function sizedCard(name: string, points: string): Promise<string> {
  const id = String((await act('create-card', { boardId, list: 'Doing', name, desc: '' })).id);
  await act('set-field', { cardId: id, field: 'Story points', value: points });
  return id;
}

const resize = (cardId: string, points: string) =>
  act('set-field', { cardId, field: 'Story points', value: points });

const summaryCard = () => {
  const store = stack.trello.state();
  const list = [...store.lists.values()].find((l) => l.idBoard === boardId && l.name === 'Sprint summaries');
  return [...store.cards.values()].find((card) => list && card.idList === list.id);
};

describe('a Trello window summarized after its end', () => {
  it('lists its cards with the points and lists they had at the end', async () => {
    const shipped = await sizedCard('Invoices by mail', '3');
    const reopened = await sizedCard('Saved carts', '2');
    const ongoing = await sizedCard('Gift wrapping', '5');
    const finishedLater = await sizedCard('Wish lists', '1');
    await act('move-card', { cardId: shipped, list: 'Done' });
    await act('move-card', { cardId: reopened, list: 'Done' });
    await later();
    const end = new Date().toISOString();
    await later();
    await resize(shipped, '8');
    await act('move-card', { cardId: reopened, list: 'Doing' });
    await resize(ongoing, '13');
    await act('move-card', { cardId: finishedLater, list: 'Done' });
    await resize(finishedLater, '');

    await runAction('sprint-summary', { tracker: 'trello', boardId, end });

    const { desc } = await waitFor(() => summaryCard(), 30_000);
    expect(desc).toContain('| Completed | 2 items, 5 points |');
    expect(desc).toContain('| Carried over | 2 items |');
    expect(desc).toMatch(/### Completed\n\n(- .+\n)*- \[.+\]\(.+\) Invoices by mail \(3 points\)$/m);
    expect(desc).toMatch(/### Completed\n\n(- .+\n)*- \[.+\]\(.+\) Saved carts \(2 points\)$/m);
    expect(desc).toMatch(/### Carried over\n\n(- .+\n)*- \[.+\]\(.+\) Gift wrapping \(5 points\)$/m);
    expect(desc).toMatch(/### Carried over\n\n(- .+\n)*- \[.+\]\(.+\) Wish lists \(1 point\)$/m);
    expect(desc).toMatch(/### Created in window\n\n(- .+\n)*- \[.+\]\(.+\) Gift wrapping \(5 points\)$/m);
  });

  it('sizes a card archived after the end as it was at the end', async () => {
    const dropped = await sizedCard('Gift cards', '2');
    await later();
    const end = new Date().toISOString();
    await later();
    await act('archive-card', { cardId: dropped });
    await resize(dropped, '8');

    await runAction('sprint-summary', { tracker: 'trello', boardId, end });

    const card = await waitFor(() => {
      const found = summaryCard();
      return found?.desc.includes('Gift cards') ? found : undefined;
    }, 30_000);
    expect(card.desc).toMatch(/### Created in window\n\n(- .+\n)*- \[.+\]\(.+\) Gift cards \(2 points\)$/m);
  });
});
