import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { linkIndexSize } from '../../src/linking/index.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { ADA_APP_AND_HELP_DESK } from '../helpers/seeds.ts';
import { type StackConsole, stackConsole } from '../helpers/stack-console.ts';

let stack: Stack;
let console_: StackConsole;
let boardId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'triage-moved-rules-')), 'rules.yaml');
// Nothing links by itself: tickets wait in the inbox with their suggestions.
writeFileSync(
  rulesFile,
  'scope:\n  trello:\n    supportLists: [Tickets]\nlinking:\n  autoLinkThreshold: 0.99\n',
);

const BACKLOG: [string, string][] = [
  [
    'Password reset email never arrives',
    'Users request a password reset link but the email is not delivered. The reset template fails to render.',
  ],
  ['Search results pagination is slow', 'Paging through search results takes seconds on large accounts.'],
  ['Localise notification emails into German', 'Translate the notification email templates.'],
];

beforeAll(async () => {
  stack = await startStack({
    redisUrl: testRedisUrl(),
    env: { REFINERY_CONFIG: rulesFile, TRELLO_RATE_WINDOW_MS: '2000' },
    trelloRateLimit: { perToken: 100, perKey: 300, windowMs: 2_000 },
  });
  stack.jira.seed(ADA_APP_AND_HELP_DESK);
  boardId = stack.trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Tickets', 'Done'] }).id;
  console_ = stackConsole(stack);
}, 60_000);
afterAll(async () => {
  await console_?.close();
  await stack?.stop();
});

const card = async (list: string, name: string, desc: string) => {
  const created = await stack.trelloAct('create-card', { boardId, list, name, desc });
  return { id: String(created.id), shortLink: String(created.shortLink) };
};

describe('console triage, written by the real jobs', () => {
  it('drops a waiting ticket that a person moved out of the support lists into the backlog', async () => {
    for (const [name, desc] of BACKLOG) await card('Backlog', name, desc);
    await waitFor(
      async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === BACKLOG.length,
      30_000,
    );
    // Trello creation times have whole seconds; a ticket is matched only with items created before it.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const ticket = await card(
      'Tickets',
      'Something is wrong with my account',
      'Things do not work as expected since yesterday, the page is slow and emails look odd.',
    );
    const waiting = await waitFor(
      async () => (await console_.readModel.triage({})).tickets.find((t) => t.id === ticket.id),
      30_000,
    );
    expect(waiting.suggestions.length).toBeGreaterThan(0);
    expect(await console_.readModel.triageCount()).toBe(1);

    // It is a feature request after all: now a backlog item, no longer a ticket waiting for its item.
    await stack.trelloAct('move-card', { cardId: ticket.id, list: 'Backlog' });
    await waitFor(
      async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === BACKLOG.length + 1,
      30_000,
    );
    const inbox = await waitFor(async () => {
      const found = await console_.readModel.triage({});
      return found.total === 0 ? found : undefined;
    }, 5_000).catch(() => console_.readModel.triage({}));
    expect(inbox.tickets.map((t) => t.id)).not.toContain(ticket.id);
    expect(await console_.readModel.triageCount()).toBe(0);
  }, 45_000);

  it('drops a waiting Jira ticket once it is resolved, and offers it again when it is reopened', async () => {
    const act = stack.jira.act;
    const indexed = await linkIndexSize(stack.redis, stack.queuePrefix);
    for (const [summary, description] of BACKLOG)
      act.createIssue({ as: 'ada', project: 'APP', summary, description, issuetype: 'Story' });
    await waitFor(
      async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === indexed + BACKLOG.length,
      30_000,
    );
    const ticket = act.createIssue({
      as: 'ada',
      project: 'HELP',
      summary: 'My account acts up',
      description: 'Since this morning every page is slow and the emails I get look odd.',
      issuetype: 'Task',
    });
    const waiting = async () =>
      (await console_.readModel.triage({})).tickets.some((t) => t.key === ticket.key);
    await waitFor(waiting, 30_000);

    act.transition({ as: 'ada', issue: ticket.key, to: 'In Progress' });
    act.transition({ as: 'ada', issue: ticket.key, to: 'Done' });
    await waitFor(async () => !(await waiting()), 5_000).catch(() => undefined);
    expect(await waiting()).toBe(false);
    expect(await console_.readModel.triageCount()).toBe(0);

    act.transition({ as: 'ada', issue: ticket.key, to: 'In Progress' });
    await waitFor(waiting, 5_000).catch(() => undefined);
    expect(await waiting()).toBe(true);
  }, 45_000);

  it('stops offering a backlog card once it is archived, and lets a ticket archived while waiting go', async () => {
    const invoices = await card(
      'Backlog',
      'Export invoices as PDF files',
      'Accountants download every invoice as a PDF file for their records.',
    );
    const inBacklog = async () =>
      (await console_.readModel.backlog({ limit: 200 })).rows.some((r) => r.id === invoices.id);
    await waitFor(inBacklog, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const ticket = await card(
      'Tickets',
      'Invoice PDF export fails',
      'I cannot download my invoices as PDF files any more, the export gives nothing.',
    );
    const waiting = async () =>
      (await console_.readModel.triage({ limit: 200 })).tickets.find((t) => t.id === ticket.id);
    const offered = async () =>
      (await waiting())?.suggestions.some((s) => s.item.id === invoices.id && s.state === 'pending') ?? false;
    await waitFor(offered, 30_000);

    // Archived: Trello's usual way to take a card off the board.
    await stack.trelloAct('archive-card', { cardId: invoices.id });

    await waitFor(async () => !(await offered()), 5_000).catch(() => undefined);
    expect(await offered()).toBe(false);
    expect(await inBacklog()).toBe(false);

    await waitFor(async () => (await waiting()) !== undefined, 1_000).catch(() => undefined);
    await stack.trelloAct('archive-card', { cardId: ticket.id });

    await waitFor(async () => (await waiting()) === undefined, 5_000).catch(() => undefined);
    expect(await waiting()).toBeUndefined();
  }, 45_000);

  it('shows a backlog item where it is now and in its status now, after a move or a transition', async () => {
    const moved = (await console_.readModel.backlog({ limit: 100 })).rows.find(
      (r) => r.tracker === 'trello' && r.title === BACKLOG[0]![0],
    )!;
    const row = async (id: string) =>
      (await console_.readModel.backlog({ limit: 100 })).rows.find((r) => r.id === id);
    await stack.trelloAct('move-card', { cardId: moved.id, list: 'Done' });
    await waitFor(async () => (await row(moved.id))?.status === 'Done', 5_000).catch(() => undefined);
    expect((await row(moved.id))?.status).toBe('Done');

    const issue = [...stack.jira.state.issues.values()].find((i) => i.key === 'APP-1')!;
    stack.jira.act.transition({ as: 'ada', issue: 'APP-1', to: 'In Progress' });
    await waitFor(async () => (await row(issue.id))?.status === 'In Progress', 5_000).catch(() => undefined);
    expect((await row(issue.id))?.status).toBe('In Progress');
  });
});
