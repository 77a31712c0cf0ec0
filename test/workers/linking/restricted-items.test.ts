import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { adfToPlainText } from '../../../src/trackers/jira/adf-text.ts';
import {
  type InProcessStack,
  indexSeededIssues,
  startInProcessStack,
} from '../../helpers/in-process-stack.ts';
import { issueByKey } from '../../helpers/jira-sandbox-state.ts';
import { setSecurityLevel } from '../../helpers/jira-security-level.ts';

/**
 * A support ticket is read by every agent of its desk (and by the customer when a comment is public); a backlog
 * item behind a Jira issue security level is read by the level's members only. The service's comments on the
 * ticket name such an item by its key only: neither its title nor the words it shares with the ticket.
 */
let stack: InProcessStack;
const SECRET = 'Password reset tokens leak through the referrer header';

beforeAll(async () => {
  stack = await startInProcessStack();
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
    ].map((issue) => ({ ...issue, projectKey: 'APP', issuetype: 'Story', reporter: 'sam' })),
  });
  await indexSeededIssues(stack, 'sam', ['APP-1', 'APP-2']);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const botComment = (key: string, marker: string) => {
  const { id } = issueByKey(stack.jira, key);
  return stack.jira.state.comments
    .filter((c) => c.issueId === id && c.authorId === stack.jira.botCredentials.accountId)
    .map((c) => adfToPlainText(c.body))
    .find((body) => body.includes(`backlog-refinery · ${marker}`));
};

describe('a backlog item behind a security level, matched to a support ticket', () => {
  let ticket = '';

  it('is named by its key alone in the linking comment', async () => {
    ticket = stack.jira.act.createIssue({
      as: 'ada',
      project: 'HELP',
      summary: 'Password reset link not working',
      description: 'I clicked the password reset link but the token was refused.',
      issuetype: 'Task',
    }).key;
    const comment = await waitFor(() => botComment(ticket, 'link'));
    expect(comment).toContain('APP-1');
    expect(comment).not.toContain(SECRET);
    expect(comment).not.toMatch(/referrer|password|reset|token/i);
  });

  it('is named by its key alone in the /similar reply to a member of the level: the ticket’s readers read it', async () => {
    const asked = stack.jira.act.comment({ as: 'sam', issue: ticket, body: '/similar' });
    const reply = await waitFor(() => botComment(ticket, `reply-${asked.id}`));
    expect(reply).toContain('APP-1');
    expect(reply).not.toContain(SECRET);
    expect(reply).not.toMatch(/referrer|password|reset|token/i);
  });
});

describe('a backlog item linked automatically before a security level was set on it', () => {
  it("is named by its key alone in the service's linking comment once the level is set", async () => {
    const ticket = stack.jira.act.createIssue({
      as: 'ada',
      project: 'HELP',
      summary: 'Dark mode for the settings page',
      description: 'Please offer a dark theme toggle on the settings page.',
      issuetype: 'Task',
    }).key;
    const before = await waitFor(() => botComment(ticket, 'link'));
    expect(before).toMatch(
      /^Linked to APP-2 Dark mode for the settings page\.\.\nWhy: the ticket shares dark/,
    );

    const level = stack.jira.state.securityLevels[0]?.id ?? '';
    await setSecurityLevel(stack, 'sam@example.test', 'APP-2', { id: level });

    const after = botComment(ticket, 'link');
    expect(after).toMatch(
      /^Linked to APP-2\.\nWhy: the ticket matches words of a restricted item; confidence \d+% \(links are made/,
    );
    expect(after).not.toMatch(/dark|settings/i);
  });
});
