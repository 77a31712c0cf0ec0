import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';
import { stackAdmin } from '../../helpers/stack-admin.ts';
import { ADMIN_TOKEN } from '../../helpers/test-config.ts';

/**
 * A card delivered in a Trello window, its attachments naming four support cards of the support board. Each is
 * judged by when it entered a done list, as a Jira ticket is by its resolution date: one finished before the
 * window's end counts, also when moved on from Done to Closed since; one moved to Done, or archived, after the end
 * does not, so a summary of that window re-run later gives the same count.
 */
let stack: InProcessStack;
let productId: string;
let supportId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'trello-tickets-resolved-')), 'rules.yaml');

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile, ADMIN_TOKEN }, ({ trello }) => {
    productId = trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Doing', 'Done'] }).id;
    supportId = trello.seedBoard({ name: 'Support', lists: ['Inbox', 'Done', 'Closed'] }).id;
    writeFileSync(rulesFile, ['scope:', '  trello:', `    supportBoards: [${supportId}]`].join('\n'));
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const act = (action: string, body: Record<string, string>) => trelloAct(stack.sandbox.url, action, body);

const { runAction } = stackAdmin(() => stack, ADMIN_TOKEN);
// Trello dates actions to the millisecond: each step comes after the one before, as a person's would.
const later = () => new Promise((resolve) => setTimeout(resolve, 5));

async function card(boardId: string, list: string, name: string) {
  const created = await act('create-card', { boardId, list, name, desc: '' });
  return { id: String(created.id), shortLink: String(created.shortLink) };
}

const summaryCard = () => {
  const store = stack.trello.state();
  const list = [...store.lists.values()].find(
    (l) => l.idBoard === productId && l.name === 'Sprint summaries',
  );
  return [...store.cards.values()].find((c) => list && c.idList === list.id);
};

describe('support tickets on Trello resolved in a window summary', () => {
  it('counts the cards that entered a done list by the window’s end, however they moved since', async () => {
    const delivered = await card(productId, 'Doing', 'Invoices by mail');
    const tickets = {
      done: await card(supportId, 'Inbox', 'Invoices arrive late'),
      closedSince: await card(supportId, 'Inbox', 'Invoice has no VAT number'),
      doneAfter: await card(supportId, 'Inbox', 'Cannot find my invoice'),
      archivedAfter: await card(supportId, 'Inbox', 'Invoice in the wrong language'),
    };
    for (const ticket of Object.values(tickets))
      await act('add-attachment', { cardId: delivered.id, url: `https://trello.com/c/${ticket.shortLink}` });
    await act('move-card', { cardId: tickets.done.id, list: 'Done' });
    await act('move-card', { cardId: tickets.closedSince.id, list: 'Done' });
    await act('move-card', { cardId: delivered.id, list: 'Done' });
    await later();
    const end = new Date().toISOString();
    await later();
    await act('move-card', { cardId: tickets.closedSince.id, list: 'Closed' });
    await act('move-card', { cardId: tickets.doneAfter.id, list: 'Done' });
    await act('archive-card', { cardId: tickets.archivedAfter.id });

    await runAction('sprint-summary', { tracker: 'trello', boardId: productId, end });

    const { desc } = await waitFor(() => summaryCard(), 30_000);
    expect(desc).toContain('| Completed | 1 item |');
    expect(desc).toContain('| Support tickets resolved | 2 |');
    expect(desc).toContain(tickets.done.shortLink);
    expect(desc).toContain(tickets.closedSince.shortLink);
    expect(desc).not.toContain(tickets.doneAfter.shortLink);
    expect(desc).not.toContain(tickets.archivedAfter.shortLink);
  });
});
