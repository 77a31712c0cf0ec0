import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../../scripts/lib/stack.ts';
import { adfToPlainText } from '../../../src/trackers/jira/adf-text.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * The posted summary is read by everyone who may browse the project it goes to; an issue behind a security level
 * is seen by its members only. The summary counts such an issue but never names it.
 */
let stack: InProcessStack;
const SECRET = 'Rotate the leaked payroll signing key';

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' },
      { accountId: 'sam', displayName: 'Sam Security', email: 'sam@example.test' },
    ],
    projects: [{ key: 'SEC', name: 'Secure', editors: ['ada', 'sam'] }],
    boards: [{ name: 'Secure board', projectKey: 'SEC', estimationField: 'Story Points' }],
    sprints: [{ name: 'Secure Sprint 1', board: 'Secure board' }],
    issues: [
      { summary: 'Public login page', fields: { 'Story Points': 3 } },
      {
        summary: SECRET,
        fields: { 'Story Points': 2 },
        securityLevel: { name: 'Security team', members: ['sam'] },
      },
      {
        summary: 'Also embargoed',
        fields: { 'Story Points': 1 },
        securityLevel: { name: 'Security team', members: ['sam'] },
      },
    ].map((issue) => ({
      ...issue,
      projectKey: 'SEC',
      issuetype: 'Story',
      reporter: 'sam',
      sprints: ['Secure Sprint 1'],
    })),
  });
  stack.jira.act.startSprint({ sprintId: sprintId() });
  await waitUntilIdle(stack, { delayed: true });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const sprintId = () => [...stack.jira.state.sprints.values()].find((s) => s.name === 'Secure Sprint 1')!.id;

describe('a sprint summary holding issues behind a security level', () => {
  it('is previewed to a member of the level without naming them: everyone who may browse the issue reads the reply', async () => {
    stack.jira.act.comment({ as: 'sam', issue: 'SEC-1', body: '/summary' });
    const reply = await waitFor(() =>
      stack.jira.state.comments
        .filter((c) => c.authorId === stack.jira.botCredentials.accountId)
        .map((c) => adfToPlainText(c.body))
        .find((body) => body.includes('Preview of Secure Sprint 1 so far')),
    );
    expect(reply).toContain('Committed | 3 items, 6 points');
    expect(reply).toMatch(/\nCarried over\n- SEC-1 Public login page \(3 points\)\n2 restricted items\n/);
    expect(reply).not.toContain(SECRET);
    expect(reply).not.toContain('SEC-2');
  });

  it('is posted counting them in their sections without naming them', async () => {
    const act = stack.jira.act;
    const id = sprintId();
    for (const key of ['SEC-1', 'SEC-2']) {
      act.transition({ as: 'sam', issue: key, to: 'In Progress' });
      act.transition({ as: 'sam', issue: key, to: 'Done' });
    }
    // Scored before the close: the top delivered list ranks the issues the scoring jobs have scored.
    await waitUntilIdle(stack, { delayed: true });
    act.closeSprint({ as: 'sam', sprintId: id });

    const summary = await waitFor(() =>
      [...stack.jira.state.issues.values()].find(
        (i) => i.summary === 'Secure Sprint 1 summary' && i.labels.includes('sprint-summary'),
      ),
    );
    const body = adfToPlainText(summary.description);
    expect(body).toContain(
      [
        'Committed | 3 items, 6 points',
        'Completed | 2 items, 5 points',
        'Completion rate | 83% of committed points',
      ].join('\n'),
    );
    // The lists, the summary's end: each names its public issues and counts the others.
    expect(body).toContain(
      [
        'Top delivered by priority score',
        '1. SEC-1 Public login page (3 points) — score 0.5',
        '1 restricted item',
        'Completed',
        '- SEC-1 Public login page (3 points)',
        '1 restricted item',
        'Carried over',
        '1 restricted item',
      ].join('\n'),
    );
    expect(body).toMatch(/\nCarried over\n1 restricted item$/);
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain('embargoed');
    expect(body).not.toContain('SEC-2');
    expect(body).not.toContain('SEC-3');
  });
});
