import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../scripts/lib/stack.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * Jira Service Management shares a request with every organization its customer belongs to: the Organizations field
 * lists each of them. A customer of Acme and Globex files HELP-1; a Globex customer HELP-2, an Acme one HELP-3.
 */
let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    fields: [{ id: 'customfield_10002', name: 'Organizations', organizations: true }],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
    ],
    issues: [
      ['Invoice export times out', 'Acme\nGlobex'],
      ['Invoices cannot be exported', 'Globex'],
      ['Export of invoices never finishes', 'Acme'],
    ].map(([summary, organizations]) => ({
      projectKey: 'HELP',
      summary: summary!,
      issuetype: 'Task',
      reporter: 'ada',
      fields: { Organizations: organizations! },
    })),
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

describe('a support ticket shared with two organizations', () => {
  it('counts toward each of them in reach, not as a third customer "Acme, Globex"', async () => {
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
    expect(card).toContain('3 linked tickets, 2 distinct customers → 2');
    // Customers by number, never by name; HELP-1's two are those of HELP-3 (Acme) and HELP-2 (Globex).
    expect(card).toContain('"text":" (customers 1, 2)"');
    expect(card).toContain('"text":" (customer 2)"');
    // The Reach field the service writes.
    expect(issue(story.key).custom.customfield_10053).toBe(2);
  });
});
