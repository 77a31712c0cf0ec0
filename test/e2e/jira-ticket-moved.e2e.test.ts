import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STACK_JIRA_SECRET,
  type Stack,
  startStack,
  waitFor,
  waitUntilIdle,
} from '../../scripts/lib/stack.ts';
import { linkIndexSize } from '../../src/linking/index.ts';
import { adfToPlainText } from '../../src/trackers/jira/adf-text.ts';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { markedComments } from '../helpers/jira-sandbox-state.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { type StackConsole, stackConsole } from '../helpers/stack-console.ts';

let stack: Stack;
let console_: StackConsole;
let boardId: string;
let roadmapId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'ticket-moved-rules-')), 'rules.yaml');
// Tickets and items are linked by hand across trackers: cross-tracker commands are opt-in. No match is sure enough
// to link by itself: every ticket gets suggestions, and people link.
writeFileSync(
  rulesFile,
  'scope:\n  trello:\n    supportLists: [Tickets]\ncommands:\n  crossTracker: true\nlinking:\n  autoLinkThreshold: 1\n',
);

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { REFINERY_CONFIG: rulesFile } });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [
      { key: 'SUP', name: 'Support', projectTypeKey: 'service_desk' },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
      { key: 'APP', name: 'App' },
      { key: 'WEB', name: 'Web' },
    ],
  });
  boardId = stack.trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Tickets'] }).id;
  roadmapId = stack.trello.seedBoard({ name: 'Roadmap', lists: ['Backlog'] }).id;
  console_ = stackConsole(stack);
}, 60_000);
afterAll(async () => {
  await console_?.close();
  await stack?.stop();
});

const attachmentUrls = (cardId: string) =>
  [...stack.trello.state().attachments.values()].filter((a) => a.idCard === cardId).map((a) => a.url);
/** The text of the service's comment on the card that holds `part`. */
const serviceCardComment = (cardId: string, part: string) =>
  stack.trello
    .state()
    .actions.find(
      (a) =>
        a.type === 'commentCard' &&
        a.idMemberCreator === stack.trello.botMemberId &&
        (a.data.card as { id: string }).id === cardId &&
        String(a.data.text).includes(part),
    )?.data.text as string | undefined;
const scorecard = (cardId: string) => String(serviceCardComment(cardId, 'Priority score: '));
/** Both trackers have sent their webhooks, and the workers have finished every job they caused. */
const settled = () => waitUntilIdle(stack, { delayed: true });
/** The text of the service's one linking comment on a Jira ticket (its explanation of a link, or suggestions). */
const jiraLinkComment = (key: string) => {
  const found = markedComments(stack.jira, key, 'link').find(
    (c) => c.authorId === stack.jira.botCredentials.accountId,
  );
  return found && adfToPlainText(found.body);
};
const trelloLinkComment = (cardId: string) => serviceCardComment(cardId, 'backlog-refinery · link');
/** Trello deliveries the API took as work (not the service's own actions, not duplicates). */
async function trelloAccepted(): Promise<number> {
  const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
  return metrics
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('refinery_webhook_deliveries_total{') &&
        line.includes('tracker="trello"') &&
        line.includes('outcome="accepted"'),
    )
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}
/** Jira's delivery of a move (its changelog's `Key` item), sent since the `since`th delivery. */
const moveDelivery = (since: number) =>
  stack.jira.deliveries
    .slice(since)
    .find((d) => d.event === 'jira:issue_updated' && JSON.stringify(d.payload).includes('"field":"Key"'));
/** The same delivery again, as a new one (another id, sent now): the intake's dedupe does not stop it. */
async function redeliver(payload: Record<string, unknown>): Promise<number> {
  const raw = JSON.stringify({ ...payload, timestamp: Date.now() });
  const response = await fetch(`${stack.apiUrl}/webhooks/jira`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': signJiraBody(raw, STACK_JIRA_SECRET),
      'x-atlassian-webhook-identifier': `redelivered-${Date.now()}`,
      'x-atlassian-webhook-flow': 'Primary',
    },
    body: raw,
  });
  return response.status;
}

describe('a Jira support ticket moved to another project (its key changes)', () => {
  it('is shown under its new key: the link back on the item, the console, the scorecard', async () => {
    const card = await stack.trelloAct('create-card', {
      boardId,
      list: 'Backlog',
      name: 'Password reset email never arrives',
      desc: 'The reset email is not delivered.',
    });
    const cardId = String(card.id);
    await waitFor(async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === 1);
    const ticket = stack.jira.act.createIssue({
      as: 'ada',
      project: 'SUP',
      summary: 'No reset email',
      issuetype: 'Task',
    });
    stack.jira.act.comment({
      as: 'ada',
      issue: ticket.key,
      body: `/link https://trello.com/c/${card.shortLink}`,
    });
    await waitFor(() => attachmentUrls(cardId).some((url) => url.endsWith(`/browse/${ticket.key}`)));
    await settled();
    const before = await console_.readModel.item({ tracker: 'trello', idOrKey: cardId });
    expect(before?.tickets).toMatchObject([{ key: 'SUP-1', how: 'command' }]);
    expect(scorecard(cardId)).toContain('SUP-1');

    const moved = stack.jira.act.move({ as: 'ada', issue: 'SUP-1', project: 'HELP' });
    expect(moved.key).toBe('HELP-1');
    await settled();

    expect(attachmentUrls(cardId).filter((url) => url.includes('/browse/'))).toEqual([
      expect.stringMatching(/\/browse\/HELP-1$/),
    ]);
    const after = await console_.readModel.item({ tracker: 'trello', idOrKey: cardId });
    expect(after?.tickets).toMatchObject([{ key: 'HELP-1', how: 'command' }]);
    expect(after?.tickets[0]?.url).toMatch(/\/browse\/HELP-1$/);
    expect(scorecard(cardId)).toContain('HELP-1');
    expect(scorecard(cardId)).not.toContain('SUP-1');
  }, 60_000);
});

describe('a Jira backlog item moved to another project (its key changes)', () => {
  it('is named by its new key in the link its Trello ticket holds', async () => {
    const item = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Export invoices as PDF',
      issuetype: 'Story',
    });
    const card = await stack.trelloAct('create-card', {
      boardId,
      list: 'Tickets',
      name: 'Need invoices as PDF',
      desc: 'Our accountant wants PDF invoices.',
    });
    const cardId = String(card.id);
    await settled();
    await stack.trelloAct('comment', { cardId, text: `/link ${item.key}` });
    await waitFor(() => attachmentUrls(cardId).some((url) => url.endsWith(`/browse/${item.key}`)));
    await settled();
    expect(trelloLinkComment(cardId)).toContain('Linked to [APP-1](');
    const accepted = await trelloAccepted();

    stack.jira.act.move({ as: 'ada', issue: item.key, project: 'WEB' });
    expect(item.key).toBe('WEB-1');
    await settled();

    expect(attachmentUrls(cardId).filter((url) => url.includes('/browse/'))).toEqual([
      expect.stringMatching(/\/browse\/WEB-1$/),
    ]);
    // The service's comment on the card names the item as it is now, its address too; the person's command stays.
    expect(trelloLinkComment(cardId)).toMatch(/Linked to \[WEB-1\]\(\S*\/browse\/WEB-1\)/);
    expect(trelloLinkComment(cardId)).not.toContain('APP-1');
    expect(
      stack.trello
        .state()
        .actions.filter(
          (a) =>
            a.type === 'commentCard' &&
            (a.data.card as { id: string }).id === cardId &&
            a.idMemberCreator !== stack.trello.botMemberId,
        )
        .map((a) => a.data.text),
    ).toEqual(['/link APP-1']);
    // Its own edits (the comment, the attachments) reached Trello's webhook and were dropped: nothing to do.
    expect(await trelloAccepted()).toBe(accepted);
    const detail = await console_.readModel.item({ tracker: 'jira', idOrKey: 'WEB-1' });
    expect(detail?.tickets).toMatchObject([{ key: card.shortLink, how: 'command' }]);
  }, 60_000);
});

describe("the service's comments naming a moved item", () => {
  const bot = () => stack.jira.botCredentials.accountId;

  it("name a Jira item's new key on its Jira ticket, in one edit; people's words and the edit's own webhook are left alone", async () => {
    const item = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Archive many projects at once',
      issuetype: 'Story',
    });
    const oldKey = item.key;
    const ticket = stack.jira.act.createIssue({
      as: 'ada',
      project: 'SUP',
      summary: 'Archiving projects one by one takes hours',
      issuetype: 'Task',
    });
    await settled();
    const asked = stack.jira.act.comment({ as: 'ada', issue: ticket.key, body: `/link ${oldKey}` });
    await waitFor(() => jiraLinkComment(ticket.key)?.includes(`Linked to ${oldKey}`));
    await settled();
    const mark = ledgerMark(stack.jira.ledger);
    const sent = stack.jira.deliveries.length;

    stack.jira.act.move({ as: 'ada', issue: oldKey, project: 'WEB' });
    const newKey = item.key;
    expect(newKey).not.toBe(oldKey);
    await settled();

    expect(jiraLinkComment(ticket.key)).toContain(`Linked to ${newKey} Archive many projects at once`);
    expect(jiraLinkComment(ticket.key)).not.toContain(oldKey);
    const edited = stack.jira.state.comments.find((c) => c.authorId === bot() && c.issueId === ticket.id);
    expect(JSON.stringify(edited?.body)).toContain(`/browse/${newKey}"`);
    expect(JSON.stringify(edited?.body)).not.toContain(`/browse/${oldKey}"`);
    expect(adfToPlainText(stack.jira.state.comments.find((c) => c.id === asked.id)?.body)).toBe(
      `/link ${oldKey}`,
    );
    expect(effectsBy(stack.jira.ledger, bot(), mark)[ticket.key]).toEqual(['comment.edited']);
    // Jira tells of the service's own edit like of any other: that delivery is dropped (200), it plans nothing.
    const echoes = stack.jira.deliveries.slice(sent).filter((d) => d.event === 'comment_updated');
    expect(echoes.map((d) => d.lastStatus)).toEqual([200]);

    // The move told again (a delivery Jira sends twice under two ids): nothing is edited a second time.
    const move = moveDelivery(sent);
    expect(move).toBeDefined();
    const again = ledgerMark(stack.jira.ledger);
    expect(await redeliver(move!.payload)).toBe(202);
    await settled();
    expect(effectsBy(stack.jira.ledger, bot(), again)[ticket.key]).toBeUndefined();
    expect(jiraLinkComment(ticket.key)).toContain(`Linked to ${newKey}`);
  }, 60_000);

  it('leave a comment naming a Trello card moved to another board as it is: its short link still names it', async () => {
    const card = await stack.trelloAct('create-card', {
      boardId,
      list: 'Backlog',
      name: 'Offline mode for the mobile app',
      desc: 'Use the app without a connection.',
    });
    const shortLink = String(card.shortLink);
    const ticket = stack.jira.act.createIssue({
      as: 'ada',
      project: 'SUP',
      summary: 'The app is useless on the train',
      issuetype: 'Task',
    });
    await settled();
    stack.jira.act.comment({ as: 'ada', issue: ticket.key, body: `/link https://trello.com/c/${shortLink}` });
    await waitFor(() => jiraLinkComment(ticket.key)?.includes(`Linked to ${shortLink}`));
    await settled();
    const before = jiraLinkComment(ticket.key);
    const mark = ledgerMark(stack.jira.ledger);

    await stack.trelloAct('move-card', { cardId: String(card.id), boardId: roadmapId, list: 'Backlog' });
    await settled();

    expect(jiraLinkComment(ticket.key)).toBe(before);
    expect(effectsBy(stack.jira.ledger, bot(), mark)[ticket.key]).toBeUndefined();
  }, 60_000);
});

describe("the console's triage inbox naming a moved item", () => {
  const story = (summary: string, description?: string) =>
    stack.jira.act.createIssue({ as: 'ada', project: 'APP', summary, description, issuetype: 'Story' });
  const supportTicket = (summary: string, description: string) =>
    stack.jira.act.createIssue({ as: 'ada', project: 'SUP', summary, description, issuetype: 'Task' });

  it('shows the new key at once; confirming the suggestion, or a /link with the old key, links the item as it is now', async () => {
    const item = story('Calendar sync with Outlook', 'Sync calendar events both ways with Outlook.');
    const oldKey = item.key;
    await settled();
    const ticket = supportTicket(
      'Outlook calendar does not sync',
      'My Outlook calendar events never show up.',
    );
    await settled();
    const waiting = async () =>
      (await console_.readModel.triage({ limit: 200 })).tickets.find((t) => t.key === ticket.key);
    const offered = async () => (await waiting())?.suggestions.find((s) => s.item.id === item.id);
    expect((await offered())?.item.key).toBe(oldKey);
    expect(jiraLinkComment(ticket.key)).toContain(`/link ${oldKey}`);

    stack.jira.act.move({ as: 'ada', issue: oldKey, project: 'WEB' });
    const newKey = item.key;
    await settled();

    // Nothing matched the ticket again: the move itself renamed the suggestion, its address, and the comment's line.
    expect((await offered())?.item).toMatchObject({
      key: newKey,
      url: expect.stringMatching(new RegExp(`/browse/${newKey}$`)),
    });
    expect(jiraLinkComment(ticket.key)).toContain(`/link ${newKey}`);
    expect(jiraLinkComment(ticket.key)).not.toContain(oldKey);

    await console_.actions.confirmLink(
      { tracker: 'jira', id: ticket.id },
      { tracker: 'jira', id: item.id },
      { name: 'ada' },
    );
    await settled();
    expect(stack.jira.state.links.some((l) => l.fromId === ticket.id || l.toId === ticket.id)).toBe(true);
    expect(jiraLinkComment(ticket.key)).toContain(`Linked to ${newKey}`);
    expect(await waiting()).toBeUndefined();

    // A /link copied from before the move still finds the item, and names it as it is now.
    const other = stack.jira.act.createIssue({
      as: 'ada',
      project: 'SUP',
      summary: 'Outlook events missing',
      issuetype: 'Task',
    });
    await settled();
    stack.jira.act.comment({ as: 'ada', issue: other.key, body: `/link ${oldKey}` });
    await waitFor(() => jiraLinkComment(other.key)?.includes('Linked to '));
    await settled();
    expect(jiraLinkComment(other.key)).toContain(`Linked to ${newKey}`);
  }, 60_000);

  it('names the new key for tickets out of the inbox too: one resolved, one linked elsewhere that comes back', async () => {
    const item = story(
      'Dark theme for the dashboard',
      'A dark colour theme for the dashboard, easier on the eyes at night.',
    );
    const elsewhere = story('Print the dashboard');
    const oldKey = item.key;
    await settled();
    const resolved = supportTicket(
      'Dashboard far too bright at night',
      'Please give the dashboard a dark colour theme, it hurts my eyes at night.',
    );
    const comesBack = supportTicket(
      'Dark theme for the dashboard please',
      'A dark colour theme for the dashboard would help us at night.',
    );
    await settled();
    const waiting = async (key: string) =>
      (await console_.readModel.triage({ limit: 200 })).tickets.find((t) => t.key === key);
    const offered = async (key: string) =>
      (await waiting(key))?.suggestions.find((s) => s.item.id === item.id);
    expect((await offered(resolved.key))?.item.key).toBe(oldKey);
    expect((await offered(comesBack.key))?.item.key).toBe(oldKey);
    // Neither waits in the inbox when the item moves: one is resolved, the other linked to another item.
    stack.jira.act.transition({ as: 'ada', issue: resolved.key, to: 'In Progress' });
    stack.jira.act.transition({ as: 'ada', issue: resolved.key, to: 'Done' });
    stack.jira.act.comment({ as: 'ada', issue: comesBack.key, body: `/link ${elsewhere.key}` });
    await waitFor(() => jiraLinkComment(comesBack.key)?.includes(`Linked to ${elsewhere.key}`));
    await settled();
    expect(await waiting(resolved.key)).toBeUndefined();
    expect(await waiting(comesBack.key)).toBeUndefined();

    stack.jira.act.move({ as: 'ada', issue: oldKey, project: 'WEB' });
    const newKey = item.key;
    await settled();
    // Unlinked, the ticket waits again, nothing matched it since: it offers the item by its new name and address
    // (the inbox links to the item's console page by key: under the old key there is none).
    stack.jira.act.comment({ as: 'ada', issue: comesBack.key, body: `/unlink ${elsewhere.key}` });
    await waitFor(() => jiraLinkComment(comesBack.key)?.includes('Unlinked'));
    await settled();
    expect((await offered(comesBack.key))?.item).toMatchObject({
      key: newKey,
      url: expect.stringMatching(new RegExp(`/browse/${newKey}$`)),
    });
    // The resolved ticket's comment offering the item names it as it is now.
    expect(jiraLinkComment(resolved.key)).toContain(`/link ${newKey}`);
    expect(jiraLinkComment(resolved.key)).not.toContain(oldKey);
  }, 60_000);
});
