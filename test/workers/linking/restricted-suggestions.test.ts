import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import {
  type InProcessStack,
  indexSeededIssues,
  startInProcessStack,
} from '../../helpers/in-process-stack.ts';
import { commandReply } from '../../helpers/jira-commands.ts';
import { ownCommentLines } from '../../helpers/jira-sandbox-state.ts';
import { setSecurityLevel } from '../../helpers/jira-security-level.ts';

/**
 * The suggestions a support ticket gets, as its agents read them, when a backlog item is behind a Jira issue
 * security level: the item is named by its key alone (restricted-items.test.ts has the linking comment and
 * /similar). Nothing links by itself here, so every ticket gets the suggestions comment.
 */
let stack: InProcessStack;
const SECRET = 'Password reset tokens leak through the referrer header';
const INVOICES = 'Export invoices as CSV files';
const rulesFile = join(mkdtempSync(join(tmpdir(), 'restricted-suggestions-')), 'rules.yaml');
writeFileSync(rulesFile, 'linking:\n  autoLinkThreshold: 1\n');

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile });
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' },
      { accountId: 'sam', displayName: 'Sam Security', email: 'sam@example.test' },
    ],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada', 'sam'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
    ],
    issues: [
      {
        summary: SECRET,
        description: 'The password reset link carries its token, which third-party scripts receive.',
        securityLevel: { name: 'Security team', members: ['sam'] },
      },
      {
        summary: 'Dark mode for the settings page',
        description: 'Offer a dark theme toggle on the settings page.',
      },
      {
        summary: INVOICES,
        description: 'Bookkeepers export their invoices to a CSV spreadsheet.',
      },
    ].map((issue) => ({ ...issue, projectKey: 'APP', issuetype: 'Story', reporter: 'sam' })),
  });
  await indexSeededIssues(stack, 'sam', ['APP-1', 'APP-2', 'APP-3']);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** The lines of the service's suggestions (or linking) comment on the ticket. */
const suggestionLines = (ticket: string) => ownCommentLines(stack.jira, ticket, 'link');

const ticketAbout = (
  summary: string,
  description = 'I clicked the password reset link but the token was refused.',
) => stack.jira.act.createIssue({ as: 'ada', project: 'HELP', summary, description, issuetype: 'Task' }).key;

/** Sam, a member of the level, sets it on an issue or removes it (null). */
const setLevel = (key: string, security: { id: string } | null) =>
  setSecurityLevel(stack, 'sam@example.test', key, security);

/** APP-1's level, by the id Jira gives it. */
const SECURITY_TEAM = () => ({ id: stack.jira.state.securityLevels[0]?.id ?? '' });

const invoiceTicket = () =>
  ticketAbout('Cannot export invoices to CSV', 'The invoice export to CSV fails for our bookkeeper.');

describe('the suggestions comment on a support ticket', () => {
  it('names a restricted item by its key once, on the line an agent copies', async () => {
    const ticket = ticketAbout('Password reset link not working');
    const lines = await waitFor(() => suggestionLines(ticket));
    const line = lines.find((text) => text.includes('/link APP-1'));
    expect(line).toMatch(/^- \/link APP-1 \(matches words of a restricted item; confidence \d+%\)$/);
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});

describe('an item whose security level changes after it was indexed', () => {
  it("is named by its key alone in the service's comments written before the level was set", async () => {
    const suggested = ticketAbout(
      'Dark mode on the settings page',
      'The settings page needs a dark theme toggle.',
    );
    const before = await waitFor(() => suggestionLines(suggested));
    expect(before.find((text) => text.includes('/link APP-2'))).toMatch(
      /^- \/link APP-2 Dark mode for the settings page\. \(shares [a-z, ]+; confidence \d+%\)$/,
    );
    const linked = ticketAbout('Settings page too bright', 'Please add a dark theme.');
    await waitFor(() => suggestionLines(linked));
    await commandReply(stack.jira, 'ada', linked, '/link APP-2');
    expect(suggestionLines(linked)?.[0]).toBe(
      'Linked to APP-2 Dark mode for the settings page. by Ada Lovelace.',
    );
    stack.jira.act.transition({ as: 'sam', issue: 'APP-2', to: 'In Progress' });
    stack.jira.act.transition({ as: 'sam', issue: 'APP-2', to: 'Done' });
    const resolved = await waitFor(() => ownCommentLines(stack.jira, linked, 'resolution 1 of APP-2'));
    expect(resolved[0]).toBe('Resolved: APP-2 Dark mode for the settings page. is Done.');

    await setLevel('APP-2', SECURITY_TEAM());

    const after = suggestionLines(suggested) ?? [];
    expect(after.find((text) => text.includes('/link APP-2'))).toMatch(
      /^- \/link APP-2 \(matches words of a restricted item; confidence \d+%\)$/,
    );
    expect(after.join('\n')).not.toContain('Dark mode');
    expect(suggestionLines(linked)?.[0]).toBe('Linked to APP-2 by Ada Lovelace.');
    expect(ownCommentLines(stack.jira, linked, 'resolution 1 of APP-2')?.[0]).toBe(
      'Resolved: APP-2 is Done.',
    );
  });

  it('is named by its key alone in the next suggestions once a level is set', async () => {
    await setLevel('APP-3', SECURITY_TEAM());

    const ticket = invoiceTicket();
    const lines = await waitFor(() => suggestionLines(ticket));
    expect(lines.find((text) => text.includes('/link APP-3'))).toMatch(
      /^- \/link APP-3 \(matches words of a restricted item; confidence \d+%\)$/,
    );
    expect(lines.join('\n')).not.toContain(INVOICES);
  });

  it('is named by its title again once the level is removed', async () => {
    await setLevel('APP-3', SECURITY_TEAM());
    await setLevel('APP-3', null);

    const ticket = invoiceTicket();
    const lines = await waitFor(() => suggestionLines(ticket));
    expect(lines.find((text) => text.includes('/link APP-3'))).toMatch(
      /^- \/link APP-3 Export invoices as CSV files\. \(shares [a-z, ]+; confidence \d+%\)$/,
    );
  });
});
