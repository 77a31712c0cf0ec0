import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-entry.ts';
import type { TrackerName } from '../../src/domain/events.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';

/**
 * A sprint summary too long for the tracker (Jira 32,767 characters of ADF, Trello 16,384 of Markdown) is posted cut,
 * with a "… more lines not shown" notice. `/summary post` tried first as an admin API dry run (docs/admin-api.md)
 * must plan what the real run then writes: no write where the real run finds the cut summary unchanged, and the
 * cut text where it changes it. Both destinations: a comment on a standing item, and an item of its own.
 */
const ADMIN_TOKEN = 'admin-token-cut-summary-dry-run-0123';
const rulesFile = join(mkdtempSync(join(tmpdir(), 'cut-summary-dry-run-')), 'rules.yaml');
let stack: InProcessStack;
const { admin, runAction } = stackAdmin(() => stack, ADMIN_TOKEN);

type Destination = 'comment' | 'item';
/** The item `/summary post` is commented on, per tracker and destination. */
const on: Record<TrackerName, Record<Destination, string>> = {
  jira: { comment: '', item: '' },
  trello: { comment: '', item: '' },
};
let trelloBoards: Record<Destination, string>;
/** A Jira issue out of the sprint, for the summary to change when it joins. */
const more: Record<Destination, string> = { comment: 'APP-112', item: 'OPS-111' };

/** Jira takes summaries of at most 255 characters; Trello card names of up to 16,384. */
const longTitle = (n: number, length: number) =>
  `Item ${n}: move the old invoices table to the new schema, batch by batch, ${'keeping every row '.repeat(200)}`.slice(
    0,
    length,
  );

beforeAll(async () => {
  stack = await startInProcessStack({ ADMIN_TOKEN, REFINERY_CONFIG: rulesFile }, ({ jira, trello }) => {
    const trelloCards = (prefix: string) =>
      Array.from({ length: 14 }, (_, i) => ({ list: 'Doing', name: `${prefix} ${longTitle(i + 1, 1_500)}` }));
    const [standing, items] = [
      trello.seedBoard({
        name: 'Product',
        lists: ['Backlog', 'Doing', 'Done'],
        cards: [{ list: 'Backlog', name: 'Sprint reports' }, ...trelloCards('Product')],
      }),
      trello.seedBoard({
        name: 'Platform',
        lists: ['Backlog', 'Doing', 'Done', 'Sprint summaries'],
        cards: trelloCards('Platform'),
      }),
    ];
    trelloBoards = { comment: standing.id, item: items.id };
    on.trello = { comment: standing.cards[1]!.shortLink, item: items.cards[0]!.shortLink };

    const sprintIssues = (projectKey: string, sprint: string) =>
      Array.from({ length: 110 }, (_, i) => ({
        projectKey,
        summary: longTitle(i + 1, 255),
        issuetype: 'Story',
        sprints: [sprint],
      }));
    const seeded = jira.seed({
      people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
      projects: [
        { key: 'APP', name: 'App' },
        { key: 'OPS', name: 'Ops' },
      ],
      boards: [
        { name: 'App board', projectKey: 'APP' },
        { name: 'Ops board', projectKey: 'OPS' },
      ],
      sprints: [
        { name: 'App Sprint 1', board: 'App board', state: 'active', startDate: '2026-01-05T09:00:00.000Z' },
        { name: 'Ops Sprint 1', board: 'Ops board', state: 'active', startDate: '2026-01-05T09:00:00.000Z' },
      ],
      issues: [
        { projectKey: 'APP', summary: 'Sprint reports', issuetype: 'Task' },
        ...sprintIssues('APP', 'App Sprint 1'),
        { projectKey: 'APP', summary: 'One more thing', issuetype: 'Story' },
        ...sprintIssues('OPS', 'Ops Sprint 1'),
        { projectKey: 'OPS', summary: 'One more thing', issuetype: 'Story' },
      ],
    });
    on.jira = { comment: 'APP-2', item: 'OPS-1' };
    expect(seeded.issues.filter((issue) => issue.summary === 'One more thing').map((i) => i.key)).toEqual([
      more.comment,
      more.item,
    ]);
    writeFileSync(
      rulesFile,
      JSON.stringify({
        summaries: {
          jira: {
            boards: {
              [String(seeded.boards['App board'])]: {
                projectKey: 'APP',
                target: { kind: 'comment', issueKey: 'APP-1' },
              },
            },
          },
          trello: {
            boards: { [standing.id]: { target: { kind: 'comment', cardId: standing.cards[0]!.shortLink } } },
          },
        },
      }),
    );
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

async function auditIds(tracker: TrackerName): Promise<Set<string>> {
  const { json } = await admin('GET', `/admin/audit?tracker=${tracker}&limit=500`);
  return new Set((json.entries as AuditEntry[]).map((entry) => entry.id));
}

/** What one `/summary post` wrote, or would write, to the summary: its audit entries, without the reply to it. */
async function summaryPost(tracker: TrackerName, destination: Destination, dryRun: boolean) {
  const known = await auditIds(tracker);
  const command = tracker === 'jira' ? '/summary post' : '/summary';
  await runAction('command', { tracker, item: on[tracker][destination], command, dryRun });
  const { json } = await admin('GET', `/admin/audit?tracker=${tracker}&limit=500`);
  return (
    (json.entries as AuditEntry[])
      .filter((entry) => !known.has(entry.id))
      // Other jobs (those a new card starts) may write meanwhile.
      .filter((entry) =>
        entry.operation === 'upsertComment'
          ? /^sprint-summary/.test(String(entry.target.purpose))
          : ['setDescription', 'setTitle', 'createItem'].includes(entry.operation),
      )
      .map(({ item, operation, mode, before, after }) => ({
        item: item.key,
        operation,
        mode,
        before: gist(before),
        after: gist(after),
      }))
      .reverse()
  );
}

/** A long text by its length and its end, where a cut's notice is: enough to tell two apart, short to read. */
const gist = (value: unknown) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `${text.length} characters, ending ${JSON.stringify(text.slice(-90))}`;
};

const asApplied = (entries: { mode: string }[]) => entries.map((entry) => ({ ...entry, mode: 'applied' }));

/** The summary as posted: the comment's text, or the summary item's description. */
function posted(tracker: TrackerName, destination: Destination): string {
  if (tracker === 'jira') {
    const { state } = stack.jira;
    const issues = [...state.issues.values()];
    if (destination === 'comment') {
      const standing = issues.find((i) => i.key === 'APP-1');
      return JSON.stringify(state.comments.filter((c) => c.issueId === standing?.id).map((c) => c.body));
    }
    return JSON.stringify(issues.find((i) => i.summary === 'Ops Sprint 1 summary')?.description ?? null);
  }
  const state = stack.trello.state();
  if (destination === 'comment') {
    const card = [...state.cards.values()].find(
      (c) => c.idBoard === trelloBoards.comment && c.name === 'Sprint reports',
    );
    const on = (action: { data: Record<string, unknown> }) => (action.data.card as { id?: string })?.id;
    return JSON.stringify(
      state.actions.filter((a) => a.type === 'commentCard' && on(a) === card?.id).map((a) => a.data.text),
    );
  }
  const card = [...state.cards.values()].find(
    (c) => c.idBoard === trelloBoards.item && c.name.startsWith('Sprint ') && c.name.endsWith(' summary'),
  );
  return card?.desc ?? '';
}

/** Something the summary lists changes: one more item in the sprint, or one more card under way. */
async function addWork(tracker: TrackerName, destination: Destination) {
  if (tracker === 'jira') {
    const sprint = `${destination === 'comment' ? 'App' : 'Ops'} Sprint 1`;
    const sprintId = [...stack.jira.state.sprints.values()].find((s) => s.name === sprint)!.id;
    stack.jira.act.addToSprint({ as: 'ada', sprintId, issues: [more[destination]] });
    return;
  }
  const response = await fetch(`${stack.sandbox.url}/_sandbox/trello/act/create-card`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      boardId: trelloBoards[destination],
      list: 'Doing',
      name: 'One more thing',
      desc: '',
    }),
  });
  expect(response.ok).toBe(true);
}

describe.each(['jira', 'trello'] as const)('a cut sprint summary tried as a dry run on %s', (tracker) => {
  // The two run in order: the second changes the summary the first posted.
  describe.each(['comment', 'item'] as const)('posted as a %s', (destination) => {
    let before: string;

    it('plans no write where the real run finds it unchanged', async () => {
      await summaryPost(tracker, destination, false);
      // A second real run settles whatever the first one left to write (an item's description as it edits it).
      await summaryPost(tracker, destination, false);
      before = posted(tracker, destination);
      expect(before).toContain('more lines not shown');

      const dry = await summaryPost(tracker, destination, true);
      const real = await summaryPost(tracker, destination, false);
      expect(real).toEqual([]);
      expect(dry).toEqual([]);
      expect(posted(tracker, destination)).toBe(before);
    });

    it('plans the write the real run makes where the summary changes, cut as the real run cuts it', async () => {
      await addWork(tracker, destination);
      const dry = await summaryPost(tracker, destination, true);
      expect(posted(tracker, destination)).toBe(before);
      const real = await summaryPost(tracker, destination, false);
      expect(real.length).toBeGreaterThan(0);
      expect(asApplied(dry)).toEqual(real);
    });
  });
});
