import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-entry.ts';
import type { TrackerName } from '../../src/domain/events.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';

/**
 * A comment too long for the tracker (Jira 32,767 characters of ADF, Trello 16,384 of Markdown) is posted cut, with a
 * "… more lines not shown" notice: a long sprint summary. Nobody touched it since, so the admin API's undo
 * (docs/admin-api.md) takes it back, not refusing it as "changed since: the comment was edited".
 */
const ADMIN_TOKEN = 'admin-token-undo-cut-comment-0123';
const rulesFile = join(mkdtempSync(join(tmpdir(), 'undo-cut-comment-')), 'rules.yaml');
let stack: InProcessStack;
const { admin, runAction } = stackAdmin(() => stack, ADMIN_TOKEN);

/** The item `/summary post` is commented on, and the one the summary is posted to, per tracker. */
const commandOn: Record<TrackerName, string> = { jira: 'APP-2', trello: '' };
const summaryOn: Record<TrackerName, string> = { jira: 'APP-1', trello: '' };

const longTitle = (n: number, length: number) =>
  `Item ${n}: move the old invoices table to the new schema, batch by batch, ${'keeping every row '.repeat(200)}`.slice(
    0,
    length,
  );

beforeAll(async () => {
  stack = await startInProcessStack({ ADMIN_TOKEN, REFINERY_CONFIG: rulesFile }, ({ jira, trello }) => {
    const board = trello.seedBoard({
      name: 'Product',
      lists: ['Backlog', 'Doing', 'Done'],
      cards: [
        { list: 'Backlog', name: 'Sprint reports' },
        ...Array.from({ length: 14 }, (_, i) => ({ list: 'Doing', name: longTitle(i + 1, 1_500) })),
      ],
    });
    commandOn.trello = board.cards[1]!.shortLink;
    summaryOn.trello = board.cards[0]!.shortLink;
    const seeded = jira.seed({
      projects: [{ key: 'APP', name: 'App' }],
      boards: [{ name: 'App board', projectKey: 'APP' }],
      sprints: [
        { name: 'App Sprint 1', board: 'App board', state: 'active', startDate: '2026-01-05T09:00:00.000Z' },
      ],
      issues: [
        { projectKey: 'APP', summary: 'Sprint reports', issuetype: 'Task' },
        ...Array.from({ length: 110 }, (_, i) => ({
          projectKey: 'APP',
          summary: longTitle(i + 1, 255),
          issuetype: 'Story',
          sprints: ['App Sprint 1'],
        })),
      ],
    });
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
          trello: { boards: { [board.id]: { target: { kind: 'comment', cardId: summaryOn.trello } } } },
        },
      }),
    );
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** The texts of the sprint summary comments on the item the summary is posted to. */
function summaryComments(tracker: TrackerName): string[] {
  if (tracker === 'jira') {
    const { state } = stack.jira;
    const issue = [...state.issues.values()].find((i) => i.key === summaryOn.jira);
    return state.comments
      .filter((c) => c.issueId === issue?.id && JSON.stringify(c.body).includes('Sprint'))
      .map((c) => JSON.stringify(c.body));
  }
  const state = stack.trello.state();
  const card = [...state.cards.values()].find((c) => c.shortLink === summaryOn.trello);
  return state.actions
    .filter((a) => a.type === 'commentCard' && (a.data.card as { id?: string })?.id === card?.id)
    .map((a) => String(a.data.text));
}

describe.each(['jira', 'trello'] as const)('the admin undo of a cut comment on %s', (tracker) => {
  it('takes the comment back when nobody touched it', async () => {
    const command = tracker === 'jira' ? '/summary post' : '/summary';
    await runAction('command', { tracker, item: commandOn[tracker], command, dryRun: false });
    const [posted] = summaryComments(tracker);
    expect(posted).toContain('more lines not shown');
    const { json } = await admin('GET', `/admin/audit?tracker=${tracker}&item=${summaryOn[tracker]}`);
    const write = (json.entries as AuditEntry[]).find(
      (entry) => entry.operation === 'upsertComment' && /^sprint-summary/.test(String(entry.target.purpose)),
    )!;

    const answer = await admin('POST', `/admin/audit/${write.id}/undo`, { dryRun: false });

    expect(answer.status).toBe(200);
    expect(answer.json.failed).toEqual([]);
    expect(answer.json.restored).toEqual([{ id: write.id, operation: 'upsertComment' }]);
    expect(summaryComments(tracker)).toEqual([]);
  }, 60_000);
});
