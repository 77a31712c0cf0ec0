import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * Support tickets an app files on customers' behalf (an Automation for Jira rule turning mails into requests, an
 * integration syncing another help desk): Jira names the app's account as their reporter, so the reporter says
 * nothing of which customer each one is for.
 */
let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' },
      { accountId: 'automation', displayName: 'Automation for Jira', email: '', accountType: 'app' },
    ],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
    ],
    issues: [
      'Invoice export times out for us',
      'Invoices cannot be exported',
      'Export of invoices never finishes',
    ].map((summary) => ({ projectKey: 'HELP', summary, issuetype: 'Task', reporter: 'automation' })),
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const issue = (key: string) => [...stack.jira.state.issues.values()].find((i) => i.key === key)!;
const scorecard = (key: string) =>
  stack.jira.state.comments
    .filter((c) => c.issueId === issue(key).id && c.authorId === stack.jira.botCredentials.accountId)
    .map((c) => JSON.stringify(c.body))
    .find((body) => body.includes('Priority score: '));

describe('support tickets reported by an app account', () => {
  it('count one each in reach, not as one customer named after the app', async () => {
    const story = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Export invoices in the background',
      issuetype: 'Story',
      fields: { 'Story Points': 2 },
    });
    await waitFor(() => scorecard(story.key));
    for (const ticket of ['HELP-1', 'HELP-2', 'HELP-3'])
      stack.jira.act.link({ as: 'ada', from: story.key, to: ticket });

    const card = await waitFor(() => {
      const body = scorecard(story.key);
      return body?.includes('HELP-3') ? body : undefined;
    });
    expect(card).toContain('3 linked tickets → 3');
    expect(card).not.toContain('customer Automation for Jira');
    // The Reach field the service writes.
    expect(issue(story.key).custom.customfield_10053).toBe(3);
  });
});
