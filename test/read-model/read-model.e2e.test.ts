import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { rescoreScopeRequest } from '../../src/domain/scoring/plan-scoring.ts';
import type { ActionReceipt } from '../../src/read-model/read-model.ts';
import { replyTo } from '../helpers/jira-commands.ts';
import { issueByKey, linkedInJira } from '../helpers/jira-sandbox-state.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { ADA_APP_AND_HELP_DESK } from '../helpers/seeds.ts';
import { type StackConsole, stackConsole } from '../helpers/stack-console.ts';

let stack: Stack;
let console_: StackConsole;
const ada = { name: 'ada' };

const STORY_OK = [
  'As a shopper I want to pay with Visa so that I can check out.',
  '',
  'Acceptance criteria',
  '- Given a valid Visa card, when I pay, then the order is confirmed',
].join('\n');

const BACKLOG: [string, string, string][] = [
  ['Card payment declined at checkout for Visa cards', STORY_OK, 'Story'],
  [
    'Password reset email never arrives',
    'Users request a password reset link but the email is not delivered. The reset template fails to render.',
    'Bug',
  ],
  ['Dark mode for the settings page', 'Offer a dark theme toggle on the settings page.', 'Story'],
  ['Export invoices as PDF', 'Accountants need invoices as PDF files for their records.', 'Story'],
  ['Onboarding tour for new admins', 'Guide new administrators through the first setup steps.', 'Story'],
  ['Bulk edit of user roles', 'Admins want to change the role of many users at once.', 'Story'],
  [
    'Search results pagination is slow',
    'Paging through search results takes seconds on large accounts.',
    'Bug',
  ],
  ['Calendar sync with Outlook', 'Sync meetings with Outlook calendars both ways.', 'Story'],
  ['Localise notification emails into German', 'Translate the notification email templates.', 'Story'],
  ['Audit log <script>alert(1)</script> export', 'Export the audit log as CSV.', 'Story'],
];

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl() });
  stack.jira.seed(ADA_APP_AND_HELP_DESK);
  console_ = stackConsole(stack);
}, 60_000);
afterAll(async () => {
  await console_?.close();
  await stack?.stop();
});

const issue = (key: string) => issueByKey(stack.jira, key);
const linked = (a: string, b: string) => linkedInJira(stack.jira, a, b);
const ticket = (summary: string, description: string) =>
  stack.jira.act.createIssue({ as: 'ada', project: 'HELP', summary, description, issuetype: 'Task' }).key;
const ref = (key: string) => ({ tracker: 'jira' as const, id: issue(key).id });
/** The reply to a console action's command on the ticket, as Ada sees it in Jira: its job's last write. */
const replied = (key: string, receipt: ActionReceipt) =>
  replyTo(stack.jira, key, receipt.deliveryId.replace('.', '-'));

describe('console read model, written by the real jobs', () => {
  it('holds every scored backlog item with its inputs, acceptance status and container', async () => {
    for (const [summary, description, issuetype] of BACKLOG) {
      stack.jira.act.createIssue({ as: 'ada', project: 'APP', summary, description, issuetype });
    }
    const page = await waitFor(async () => {
      const found = await console_.readModel.backlog({});
      return found.total === BACKLOG.length &&
        found.rows.every((row) => row.acceptance.status !== 'unchecked')
        ? found
        : undefined;
    });
    const scores = page.rows.map((row) => row.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const first = page.rows.find((row) => row.key === 'APP-1')!;
    expect(first).toMatchObject({ title: BACKLOG[0]![0], type: 'Story', containerKey: 'APP', model: 'rice' });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*browse\/APP-1$/);
    expect(first.inputs.impact?.source).toBeDefined();
    expect(first.acceptance.status).toBe('passes');
    const dark = page.rows.find((row) => row.key === 'APP-3')!;
    expect(dark.acceptance.status).toBe('fails');
    expect(dark.acceptance.findings.length).toBeGreaterThan(0);
    expect(await console_.readModel.containers()).toEqual([
      expect.objectContaining({ key: 'APP', tracker: 'jira', role: 'backlog', items: BACKLOG.length }),
    ]);
  });

  it('sorts by any column, filters, and pages without overlap', async () => {
    const byKey = await console_.readModel.backlog({ sort: 'key', dir: 'asc', limit: 4 });
    expect(byKey.rows.map((row) => row.key)).toEqual(['APP-1', 'APP-2', 'APP-3', 'APP-4']);
    expect(byKey.nextOffset).toBe(4);
    const rest = await console_.readModel.backlog({ sort: 'key', dir: 'asc', offset: 4, limit: 100 });
    expect(rest.rows.map((row) => row.key)).toEqual(['APP-5', 'APP-6', 'APP-7', 'APP-8', 'APP-9', 'APP-10']);
    expect(rest.nextOffset).toBeUndefined();

    const bugs = await console_.readModel.backlog({ type: 'bug' });
    expect(bugs.rows.map((row) => row.key).sort()).toEqual(['APP-2', 'APP-7']);
    const failing = await console_.readModel.backlog({ failing: true });
    expect(failing.rows.every((row) => row.acceptance.status === 'fails')).toBe(true);
    expect(failing.rows.map((row) => row.key)).not.toContain('APP-1');
    const text = await console_.readModel.backlog({ q: 'OUTLOOK' });
    expect(text.rows.map((row) => row.key)).toEqual(['APP-8']);
    const none = await console_.readModel.backlog({ container: 'jira:none' });
    expect(none.total).toBe(0);

    const titles = await console_.readModel.backlog({ sort: 'title', dir: 'desc' });
    const names = titles.rows.map((row) => row.title.toLowerCase());
    expect(names).toEqual([...names].sort().reverse());

    const csv: string[] = [];
    for await (const row of console_.readModel.backlogRows({ sort: 'key', dir: 'asc', limit: 1 }))
      csv.push(row.key);
    expect(csv).toHaveLength(BACKLOG.length);
  });

  let vague = '';
  it('puts a ticket with suggestions in the triage inbox, and confirm links it as the person', async () => {
    vague = ticket(
      'Something is wrong with my account',
      'Things do not work as expected since yesterday, the page is slow and emails look odd.',
    );
    const inbox = await waitFor(async () => {
      const found = await console_.readModel.triage({});
      return found.tickets.length === 1 ? found : undefined;
    });
    expect(await console_.readModel.triageCount()).toBe(1);
    const [waiting] = inbox.tickets;
    expect(waiting).toMatchObject({ key: vague, containerKey: 'HELP' });
    expect(waiting!.suggestions.length).toBeGreaterThan(0);
    expect(waiting!.suggestions.every((s) => s.state === 'pending')).toBe(true);
    expect(waiting!.suggestions[0]!.sharedTerms.length).toBeGreaterThan(0);

    const top = waiting!.suggestions[0]!.item;
    await console_.actions.confirmLink(ref(vague), top, ada);
    await waitFor(() => linked(vague, top.key));
    await waitFor(async () => (await console_.readModel.triageCount()) === 0);

    const activity = await console_.readModel.activity({ person: 'console: ada' });
    expect(activity.entries.map((e) => e.entry.operation)).toContain('addLink');
    expect(activity.entries.every((e) => e.entry.context.actor.displayName === 'console: ada')).toBe(true);

    const detail = await waitFor(async () => {
      const found = await console_.readModel.item({ tracker: 'jira', idOrKey: top.key });
      return found?.tickets.some((t) => t.key === vague) ? found : undefined;
    });
    expect(detail.row.customers).toBe(1);
    expect(detail.row.inputs.reach?.detail).toBeTruthy();
    expect(detail.scorecard.blocks[0]).toMatchObject({ type: 'heading' });
    expect(detail.history.some((h) => h.entry.operation === 'upsertComment')).toBe(true);
  });

  it("offers the item's latest change for undo, and undo as the person restores it", async () => {
    const key = 'APP-8';
    const before = await waitFor(async () => {
      const found = await console_.readModel.item({ tracker: 'jira', idOrKey: key });
      return found?.history.some((h) => h.undoable) && found;
    });
    const latest = before.history.filter((h) => h.undoable);
    expect(new Set(latest.map((h) => h.change)).size).toBe(1);
    await console_.actions.undo(ref(key), latest[0]!.change, ada);
    const after = await waitFor(async () => {
      const found = await console_.readModel.item({ tracker: 'jira', idOrKey: key });
      const undone = found?.history.filter((h) => latest.some((l) => l.entry.id === h.entry.id));
      return undone?.every((h) => h.entry.undoneBy !== undefined && !h.undoable) && found;
    });
    expect(after.history.some((h) => h.entry.context.actor.displayName === 'console: ada')).toBe(true);
  });

  it('reject records the suggestion as rejected and never suggests the item again', async () => {
    const other = ticket(
      'Emails look odd and pages are slow',
      'Since yesterday emails look odd and some pages are slow for our team.',
    );
    const waiting = await waitFor(async () => {
      const found = await console_.readModel.triage({});
      return found.tickets.find((t) => t.key === other);
    });
    expect(waiting.suggestions.length).toBeGreaterThan(1);
    const rejected = waiting.suggestions[0]!.item;
    const receipt = await console_.actions.rejectLink(ref(other), rejected, ada);
    const after = await waitFor(async () => {
      const found = (await console_.readModel.triage({})).tickets.find((t) => t.key === other);
      return found?.suggestions.find((s) => s.item.key === rejected.key)?.state === 'rejected' && found;
    });
    expect(after.suggestions.filter((s) => s.state === 'pending').length).toBe(
      waiting.suggestions.length - 1,
    );
    // The inbox shows the rejection while the job still runs; the record that keeps the item from being suggested
    // again is written after it (a retried job must still find the link), and the reply to the command after that.
    await replied(other, receipt);
    const rejectedSet = await stack.redis.smembers(
      `{${stack.queuePrefix}:links}:rejected:jira:${issue(other).id}`,
    );
    expect(rejectedSet).toContain(`jira:${rejected.id}`);

    // The reply to the command is the job's last write, after the triage state.
    const byAda = await waitFor(async () => {
      const found = await console_.readModel.activity({
        tracker: 'jira',
        item: other,
        person: 'Console: Ada',
      });
      return found.entries.length > 0 && found;
    });
    const all = await console_.readModel.activity({ tracker: 'jira', item: other });
    expect(byAda.entries.length).toBeLessThan(all.entries.length);
    expect(byAda.entries.every((e) => e.entry.context.actor.displayName === 'console: ada')).toBe(true);
    expect(byAda.entries.every((e) => e.entry.item.key === other)).toBe(true);

    await console_.actions.noMatch(ref(other), ada);
    await waitFor(async () => (await console_.readModel.triageCount()) === 0);
    const comment = stack.jira.state.comments.find(
      (c) => c.issueId === issue(other).id && JSON.stringify(c.body).includes('said console: ada'),
    );
    expect(comment).toBeDefined();
  });

  it('keeps per-container acceptance health with a weekly share', async () => {
    const health = await console_.readModel.acceptanceHealth(`jira:${issue('APP-1').projectId}`);
    expect(health).toBeDefined();
    expect(health!.checked).toBe(BACKLOG.length);
    expect(health!.failing).toBeGreaterThan(0);
    expect(health!.byFinding[0]!.items.length).toBe(health!.byFinding[0]!.count);
    expect(health!.weekly).toHaveLength(12);
    const current = health!.weekly.at(-1)!;
    expect(current).toMatchObject({ checked: BACKLOG.length, failing: health!.failing });
    expect(current.share).toBeCloseTo(health!.failing / BACKLOG.length);
  });

  it('shows queue depths and the deliveries of the last hours by outcome', async () => {
    const operations = await waitFor(async () => {
      const found = await console_.readModel.operations();
      return (found.deliveries.at(-1)?.outcomes.accepted ?? 0) > 0 && found;
    });
    expect(operations.deliveries).toHaveLength(24);
    expect(operations.queue.completed).toBeGreaterThan(0);
    expect(operations.queue.failed).toBe(0);
    expect(operations.rateLimits.map((limit) => limit.tracker)).toEqual(['jira', 'trello']);
  });

  it('keeps its keys in the three hash-tagged groups (one slot each on Redis Cluster)', async () => {
    const keys = await stack.redis.keys(`*${stack.queuePrefix}:console*`);
    expect(keys.length).toBeGreaterThan(0);
    const tags = new Set(keys.map((key) => /^\{[^}]+\}/.exec(key)?.[0]));
    expect([...tags].sort()).toEqual(
      ['items', 'triage'].map((group) => `{${stack.queuePrefix}:console:${group}}`),
    );
  });

  it('is rebuilt from the tracker by a re-score', async () => {
    const before = await console_.readModel.backlog({ sort: 'key', dir: 'asc', limit: 100 });
    const keys = await stack.redis.keys(`{${stack.queuePrefix}:console:items}*`);
    await stack.redis.del(...keys);
    const fresh = console_.another();
    expect((await fresh.readModel.backlog({})).total).toBe(0);
    await console_.intake.enqueue('test.rebuild', [
      rescoreScopeRequest({
        tracker: 'jira',
        scope: { kind: 'container', containerId: 'APP' },
        requestedBy: { id: 'test', displayName: 'test' },
        force: false,
      }),
    ]);
    const after = await waitFor(async () => {
      const found = await fresh.readModel.backlog({ sort: 'key', dir: 'asc', limit: 100 });
      return found.total === before.total && found.rows.every((row) => row.acceptance.status !== 'unchecked')
        ? found
        : undefined;
    });
    const strip = (rows: typeof after.rows) => rows.map(({ scoredAt: _at, ...row }) => row);
    expect(strip(after.rows)).toEqual(strip(before.rows));
  });

  it("offers a support ticket's latest change for undo, and undo as the person removes the link it made", async () => {
    const offered = await console_.readModel.activity({ tracker: 'jira', item: vague });
    const latest = offered.entries.filter((e) => e.undoable);
    const link = latest.find((e) => e.entry.operation === 'addLink');
    expect(link?.entry.context.actor.displayName).toBe('console: ada');
    const item = (link!.entry.target.link as { ref: { key: string } }).ref.key;
    expect(linked(vague, item)).toBe(true);
    await console_.actions.undo(ref(vague), link!.change, ada);
    await waitFor(() => !linked(vague, item));
    const after = await waitFor(async () => {
      const found = await console_.readModel.activity({ tracker: 'jira', item: vague });
      const undone = found.entries.filter((e) => latest.some((l) => l.entry.id === e.entry.id));
      return undone.every((e) => e.entry.undoneBy !== undefined && !e.undoable) && found;
    });
    expect(after.entries.some((e) => e.entry.operation === 'removeLink')).toBe(true);
    expect(after.entries[0]!.entry.context.actor.displayName).toBe('console: ada');
  });

  it("puts a ticket whose automatic link a person removed in Jira back in triage, without that item, and off the item's page", async () => {
    const roles = ticket(
      'Bulk edit of user roles',
      'As an admin I need to bulk edit the roles of many users at once instead of one by one.',
    );
    await waitFor(() => linked(roles, 'APP-6'));
    const onItemPage = async () =>
      (await console_.readModel.item({ tracker: 'jira', idOrKey: 'APP-6' }))?.tickets.some(
        (t) => t.key === roles,
      );
    await waitFor(onItemPage);
    expect((await console_.readModel.triage({})).tickets.map((t) => t.key)).not.toContain(roles);

    stack.jira.act.unlink({ as: 'ada', from: roles, to: 'APP-6' });
    const back = await waitFor(async () =>
      (await console_.readModel.triage({})).tickets.find((t) => t.key === roles),
    );
    expect(back.suggestions.filter((s) => s.state === 'pending').map((s) => s.item.key)).not.toContain(
      'APP-6',
    );
    await waitFor(async () => !(await onItemPage()));
  });
});
