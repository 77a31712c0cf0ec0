import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../../scripts/lib/stack.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * A Trello card linked by hand to a Jira Service Management ticket: the card holds an attachment naming the ticket,
 * the ticket a remote link back. A person removes the remote link in Jira, which sends no event for it, so the card's
 * attachment stays: the ticket no longer counts for the card.
 */
let stack: InProcessStack;
let boardId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'unlinked-ticket-')), 'rules.yaml');
writeFileSync(rulesFile, 'commands:\n  crossTracker: true\n');

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile }, ({ trello }) => {
    boardId = trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Doing', 'Done'] }).id;
  });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk', editors: ['ada'] }],
    issues: [{ projectKey: 'HELP', summary: 'Invoices never arrive', issuetype: 'Task', reporter: 'ada' }],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const act = (action: string, body: Record<string, string>) => trelloAct(stack.sandbox.url, action, body);

const store = () => stack.trello.state();
const attachments = (cardId: string) => [...store().attachments.values()].filter((a) => a.idCard === cardId);
const ticket = () => [...stack.jira.state.issues.values()].find((i) => i.key === 'HELP-1')!;
const remoteLinks = () => stack.jira.state.remoteLinks.filter((l) => l.issueId === ticket().id);
const summaryCard = () => {
  const list = [...store().lists.values()].find(
    (l) => l.idBoard === boardId && l.name === 'Sprint summaries',
  );
  return [...store().cards.values()].find((card) => list && card.idList === list.id);
};

describe('a window summary’s support tickets', () => {
  it('leave out a ticket whose link back a person removed on the ticket’s side, as scoring does', async () => {
    const { id } = await act('create-card', {
      boardId,
      list: 'Doing',
      name: 'Send invoices by mail',
      desc: '',
    });
    const cardId = String(id);
    await act('comment', { cardId, text: '/link HELP-1' });
    await waitFor(
      () => remoteLinks()[0] && attachments(cardId).some((a) => a.url.endsWith('/browse/HELP-1')),
    );
    stack.jira.act.transition({ as: 'ada', issue: 'HELP-1', to: 'In Progress' });
    stack.jira.act.transition({ as: 'ada', issue: 'HELP-1', to: 'Done' });
    await waitUntilIdle(stack, { delayed: true });

    stack.jira.act.removeWebLink({ as: 'ada', issue: 'HELP-1', url: remoteLinks()[0]!.object.url });
    await act('move-card', { cardId, list: 'Done' });
    await act('comment', { cardId, text: '/summary' });

    const { desc } = await waitFor(() => summaryCard(), 30_000);
    expect(desc).toContain('| Completed | 1 item |');
    // The card's attachment still names the ticket.
    expect(attachments(cardId).some((a) => a.url.endsWith('/browse/HELP-1'))).toBe(true);
    expect(desc).toContain('| Support tickets resolved | 0 |');
    expect(desc).not.toContain('HELP-1');
  });
});
