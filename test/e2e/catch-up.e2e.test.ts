import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../../scripts/lib/stack.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';

const ADMIN_TOKEN = 'e2e-admin-token-catch-up-0123456789';
let stack: Stack;
let outageStart: string;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { ADMIN_TOKEN } });
  outageStart = new Date(Date.now() - 1_000).toISOString();
  // Seeding sends no webhooks: to the service these are changes made while its deliveries were lost.
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' },
      { accountId: 'bob', displayName: 'Bob Buyer', email: 'bob@customer.test' },
    ],
    projects: [
      { key: 'APP', name: 'App' },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
    ],
    issues: [
      {
        projectKey: 'APP',
        summary: 'Export the cart as CSV',
        issuetype: 'Story',
        description: 'As a shopper I want to export my cart.',
        reporter: 'ada',
      },
    ],
  });
  // Matching is time-aware (a ticket is matched to items that existed when it was filed): file it a moment later.
  await new Promise((resolve) => setTimeout(resolve, 20));
  stack.jira.seed({
    issues: [
      { projectKey: 'HELP', summary: 'Cannot export my cart as CSV', issuetype: 'Task', reporter: 'bob' },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const bot = () => stack.jira.botCredentials.accountId;
const issue = (key: string) => [...stack.jira.state.issues.values()].find((i) => i.key === key)!;
const botComments = (key: string) =>
  stack.jira.state.comments.filter((c) => c.issueId === issue(key).id && c.authorId === bot());
const botChanges = () =>
  stack.jira.writes.filter((write) => write.actor === bot() && !write.path.startsWith('/rest/api/3/search'));

const { admin, runAction } = stackAdmin(() => stack, ADMIN_TOKEN);
const catchUp = (container: string, since: string, tracker = 'jira', timeoutMs?: number) =>
  runAction('catch-up', { tracker, container, since }, timeoutMs);

describe('catch-up after lost webhooks (POST /admin/actions/catch-up)', () => {
  it('checks and scores the backlog items changed since the outage began, once', async () => {
    const result = await catchUp('APP', outageStart);

    expect(result).toMatchObject({ items: 1, failed: 0 });
    expect(issue('APP-1').labels).toContain('needs-acceptance-criteria');
    const comments = botComments('APP-1').map((c) => JSON.stringify(c.body));
    expect(comments.filter((text) => text.includes('Acceptance check'))).toHaveLength(1);
    expect(comments.filter((text) => text.includes('Priority score: '))).toHaveLength(1);

    const writes = botChanges().length;
    expect(await catchUp('APP', outageStart)).toMatchObject({ items: 1, failed: 0 });
    expect(botChanges()).toHaveLength(writes);
  });

  it('offers backlog matches to the support tickets changed meanwhile', async () => {
    expect(await catchUp('HELP', outageStart)).toMatchObject({ items: 1 });

    const offered = botComments('HELP-1').map((c) => JSON.stringify(c.body));
    expect(offered.some((text) => text.includes('APP-1'))).toBe(true);
  });

  it('leaves alone what did not change since the given time, and refuses a time in the future', async () => {
    expect(await catchUp('APP', new Date().toISOString())).toMatchObject({ items: 0 });

    const future = await admin('POST', '/admin/actions/catch-up', {
      tracker: 'jira',
      container: 'APP',
      since: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.status).toBe(400);
    expect(future.json.message).toMatch(/future/);
  });

  it('visits every changed item once across pages, although its own writes make them the latest changed', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    // More than one page of the Jira search (50): the catch-up's writes on the first page must not push the
    // rest out of the pages it has yet to read. Imported with one creation time, which leaves their order to
    // Jira unless the search names a tie-breaker.
    const imported = new Date(Date.now() - 86_400_000).toISOString().replace('Z', '+0000');
    stack.jira.seed({
      projects: [{ key: 'BIG', name: 'Big backlog' }],
      issues: Array.from({ length: 55 }, (_, n) => ({
        created: imported,
        projectKey: 'BIG',
        summary: `Export report ${n + 1} as PDF`,
        issuetype: 'Story',
        description: 'As an accountant I want the report as PDF.',
        reporter: 'ada',
      })),
    });
    expect(await catchUp('BIG', since, 'jira', 30_000)).toMatchObject({ items: 55, failed: 0 });
    const scored = Array.from({ length: 55 }, (_, n) => `BIG-${n + 1}`).filter((key) =>
      botComments(key).some((c) => JSON.stringify(c.body).includes('Priority score: ')),
    );
    expect(scored).toHaveLength(55);
  }, 60_000);

  it('works the same on a Trello board', async () => {
    const board = stack.trello.seedBoard({
      name: 'Mobile',
      lists: ['Backlog', 'Doing'],
      cards: [{ name: 'Offline mode', list: 'Backlog', desc: 'As a rider I want offline maps.' }],
    });
    const card = board.cards[0]!.id;

    expect(await catchUp(board.id, outageStart, 'trello')).toMatchObject({ items: 1, failed: 0 });

    const store = stack.trello.state();
    const labels = (store.cards.get(card)?.idLabels ?? []).map((id) => store.labels.get(id)?.name);
    expect(labels).toContain('needs-acceptance-criteria');
    const comments = store.actions.filter(
      (a) =>
        a.type === 'commentCard' &&
        a.idMemberCreator === stack.trello.botMemberId &&
        (a.data.card as { id: string }).id === card,
    );
    expect(comments.filter((a) => String(a.data.text).includes('Acceptance check'))).toHaveLength(1);
  });
});
