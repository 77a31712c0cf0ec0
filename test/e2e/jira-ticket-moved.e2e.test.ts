import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { linkIndexSize } from '../../src/linking/index.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { type StackConsole, stackConsole } from '../helpers/stack-console.ts';

let stack: Stack;
let console_: StackConsole;
let boardId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'ticket-moved-rules-')), 'rules.yaml');
// Tickets and items are linked by hand across trackers: cross-tracker commands are opt-in.
writeFileSync(rulesFile, 'scope:\n  trello:\n    supportLists: [Tickets]\ncommands:\n  crossTracker: true\n');

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
  console_ = stackConsole(stack);
}, 60_000);
afterAll(async () => {
  await console_?.close();
  await stack?.stop();
});

const attachmentUrls = (cardId: string) =>
  [...stack.trello.state().attachments.values()].filter((a) => a.idCard === cardId).map((a) => a.url);
const scorecard = (cardId: string) =>
  String(
    stack.trello
      .state()
      .actions.find(
        (a) =>
          a.type === 'commentCard' &&
          a.idMemberCreator === stack.trello.botMemberId &&
          (a.data.card as { id: string }).id === cardId &&
          String(a.data.text).includes('Priority score: '),
      )?.data.text,
  );
/** Both trackers have sent their webhooks, and the workers have finished every job they caused. */
const settled = () => waitUntilIdle(stack, { delayed: true });

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

    stack.jira.act.move({ as: 'ada', issue: item.key, project: 'WEB' });
    expect(item.key).toBe('WEB-1');
    await settled();

    expect(attachmentUrls(cardId).filter((url) => url.includes('/browse/'))).toEqual([
      expect.stringMatching(/\/browse\/WEB-1$/),
    ]);
    const detail = await console_.readModel.item({ tracker: 'jira', idOrKey: 'WEB-1' });
    expect(detail?.tickets).toMatchObject([{ key: card.shortLink, how: 'command' }]);
  }, 60_000);
});
