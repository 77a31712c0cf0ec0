import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../../scripts/lib/stack.ts';
import {
  type InProcessStack,
  indexSeededIssues,
  startInProcessStack,
} from '../../helpers/in-process-stack.ts';
import { commandReply } from '../../helpers/jira-commands.ts';
import { ownCommentLines } from '../../helpers/jira-sandbox-state.ts';

/**
 * The suggestions a support ticket gets when a backlog item is in a project whose permission scheme lets only some
 * people browse it (SEC: Sam alone), while every signed-in user reads the help desk: the item is named by its key
 * alone, as one behind an issue security level is (restricted-suggestions.test.ts). An item of a project open to
 * every signed-in user (APP, Jira's default scheme) keeps its title. Nothing links by itself here.
 */
let stack: InProcessStack;
const SECRET = 'Password reset tokens leak through the referrer header';
const OPEN = 'Password reset page shows a blank form';
const SHARED = 'Database backups stop when the disk is full';
const NARROWER = 'Backup verification marks good backups as failed';
const UNREADABLE = 'Printed calendar cuts off the weekend';
const MOVING = 'Invoice export to CSV drops the totals row';
const group = (name: string) => ({ type: 'group', parameter: name, value: name });
const rulesFile = join(mkdtempSync(join(tmpdir(), 'private-project-items-')), 'rules.yaml');
writeFileSync(rulesFile, 'linking:\n  autoLinkThreshold: 1\n');

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile });
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test', groups: ['desk'] },
      { accountId: 'sam', displayName: 'Sam Security', email: 'sam@example.test', groups: ['desk', 'devs'] },
    ],
    permissionSchemes: [
      { name: 'Desk only', browse: [group('desk')] },
      { name: 'Desk and developers', browse: [group('desk'), group('devs')] },
      { name: 'Developers only', browse: [group('devs')] },
    ],
    projects: [
      { key: 'SEC', name: 'Security fixes', browsers: ['sam'] },
      { key: 'APP', name: 'App' },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
      { key: 'DESK', name: 'Internal desk', projectTypeKey: 'service_desk', permissionScheme: 'Desk only' },
      { key: 'OPS', name: 'Operations', permissionScheme: 'Desk and developers' },
      { key: 'DEV', name: 'Developers', permissionScheme: 'Developers only' },
      { key: 'WIKI', name: 'Wiki' },
    ],
    issues: [
      {
        projectKey: 'SEC',
        summary: SECRET,
        description: 'The password reset link carries its token, which third-party scripts receive.',
      },
      {
        projectKey: 'APP',
        summary: OPEN,
        description: 'The password reset page loads without its fields on some browsers.',
      },
      {
        projectKey: 'OPS',
        summary: SHARED,
        description: 'Nightly database backups stop halfway when the disk fills up.',
      },
      {
        projectKey: 'DEV',
        summary: NARROWER,
        description: 'The backup verification job reports every nightly database backup as failed.',
      },
      {
        projectKey: 'WIKI',
        summary: UNREADABLE,
        description: 'Printing a calendar page cuts off the weekend column.',
      },
      {
        projectKey: 'APP',
        summary: MOVING,
        description: 'The CSV file of the invoice export ends before the totals row.',
      },
    ].map((issue) => ({ ...issue, issuetype: 'Story', reporter: 'sam' })),
  });
  await indexSeededIssues(stack, 'sam', ['SEC-1', 'APP-1', 'OPS-1', 'DEV-1', 'WIKI-1', 'APP-2']);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const suggestionLines = (ticket: string) => ownCommentLines(stack.jira, ticket, 'link');

const ticketAbout = (
  summary: string,
  description = 'I clicked the password reset link but the token was refused.',
  project = 'HELP',
) => stack.jira.act.createIssue({ as: 'ada', project, summary, description, issuetype: 'Task' }).key;

describe('the suggestions comment on a support ticket', () => {
  it('names an item of a project the desk may not browse by its key only, and an open one by its title', async () => {
    const ticket = ticketAbout('Password reset link not working');
    const lines = await waitFor(() => suggestionLines(ticket));
    expect(lines.find((text) => text.includes('/link SEC-1'))).toMatch(
      /^- \/link SEC-1 \(matches words of a restricted item; confidence \d+%\)$/,
    );
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(lines.find((text) => text.includes('/link APP-1'))).toMatch(
      /^- \/link APP-1 Password reset page shows a blank form\. \(shares [a-z, ]+; confidence \d+%\)$/,
    );
  });
});

describe('a ticket of a project only some people browse', () => {
  it('names an item by its title when everyone who reads the ticket may browse its project too', async () => {
    const ticket = ticketAbout(
      'Our nightly database backup failed',
      'The database backup stopped halfway and the verification says failed.',
      'DESK',
    );
    const lines = await waitFor(() => suggestionLines(ticket));
    expect(lines.find((text) => text.includes('/link OPS-1'))).toMatch(
      /^- \/link OPS-1 Database backups stop when the disk is full\. \(shares [a-z, ]+; confidence \d+%\)$/,
    );
    expect(lines.find((text) => text.includes('/link DEV-1'))).toMatch(
      /^- \/link DEV-1 \(matches words of a restricted item; confidence \d+%\)$/,
    );
    expect(lines.join('\n')).not.toContain(NARROWER);
  });
});

describe('an item whose project the service may not read the permission scheme of', () => {
  it('is named by its key only, even in a project open to every signed-in user', async () => {
    stack.jira.state.setup.permissionSchemesHidden = true;
    try {
      const ticket = ticketAbout(
        'The printed calendar is cut off',
        'When I print the calendar the weekend is cut off.',
      );
      const lines = await waitFor(() => suggestionLines(ticket));
      expect(lines.find((text) => text.includes('/link WIKI-1'))).toMatch(
        /^- \/link WIKI-1 \(matches words of a restricted item; confidence \d+%\)$/,
      );
      expect(lines.join('\n')).not.toContain(UNREADABLE);
    } finally {
      stack.jira.state.setup.permissionSchemesHidden = false;
    }
  });
});

describe("an item moved into a project the ticket's readers may not browse", () => {
  it("is named by its key alone in the service's comments written before the move", async () => {
    const suggested = ticketAbout(
      'Invoice CSV has no totals',
      'The invoice export CSV is missing the totals row.',
    );
    const before = await waitFor(() => suggestionLines(suggested));
    expect(before.find((text) => text.includes('/link APP-2'))).toMatch(
      /^- \/link APP-2 Invoice export to CSV drops the totals row\. \(shares [a-z, ]+; confidence \d+%\)$/,
    );
    const linked = ticketAbout(
      'Totals missing from the invoice CSV',
      'The CSV of my invoices has no totals row.',
    );
    await waitFor(() => suggestionLines(linked));
    await commandReply(stack.jira, 'ada', linked, '/link APP-2');
    expect(suggestionLines(linked)?.[0]).toBe(
      'Linked to APP-2 Invoice export to CSV drops the totals row. by Ada Lovelace.',
    );

    const moved = stack.jira.act.move({ as: 'sam', issue: 'APP-2', project: 'SEC' }).key;
    await waitUntilIdle(stack, { delayed: false });

    const after = suggestionLines(suggested) ?? [];
    expect(after.find((text) => text.includes(`/link ${moved}`))).toMatch(
      new RegExp(`^- /link ${moved} \\(matches words of a restricted item; confidence \\d+%\\)$`),
    );
    expect(after.join('\n')).not.toContain('totals row');
    expect(suggestionLines(linked)?.[0]).toBe(`Linked to ${moved} by Ada Lovelace.`);
  });
});
