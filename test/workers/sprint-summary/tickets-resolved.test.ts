import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../../scripts/lib/stack.ts';
import { adfToPlainText } from '../../../src/trackers/jira/adf-text.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * A story delivered in the sprint, linked to three support requests: one resolved before the sprint started, one
 * resolved as Won't Do during it, one resolved Done during it. The first and the last count: the delivered story is
 * what their customers waited for; Won't Do resolved nothing for its customer.
 */
let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk', editors: ['ada'] },
    ],
    boards: [{ name: 'App board', projectKey: 'APP' }],
    sprints: [{ name: 'App Sprint 1', board: 'App board' }],
    issues: [
      { projectKey: 'APP', summary: 'Export invoices', issuetype: 'Story', sprints: ['App Sprint 1'] },
      ...['Old export bug', 'Export to floppy disk', 'Invoices never export'].map((summary) => ({
        projectKey: 'HELP',
        summary,
        issuetype: 'Task',
      })),
    ].map((issue) => ({ ...issue, reporter: 'ada' })),
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const sprintId = () => [...stack.jira.state.sprints.values()].find((s) => s.name === 'App Sprint 1')!.id;
const resolve = (issue: string, resolution?: string) => {
  stack.jira.act.transition({ as: 'ada', issue, to: 'In Progress' });
  stack.jira.act.transition({ as: 'ada', issue, to: 'Done', ...(resolution && { resolution }) });
};

describe('support tickets resolved in a sprint summary', () => {
  it('counts those resolved by the close, before the sprint too, not as Won’t Do', async () => {
    resolve('HELP-1');
    await waitUntilIdle(stack, { delayed: true });
    stack.jira.act.startSprint({ sprintId: sprintId() });
    await waitUntilIdle(stack, { delayed: true });
    for (const ticket of ['HELP-1', 'HELP-2', 'HELP-3'])
      stack.jira.act.link({ as: 'ada', from: 'APP-1', to: ticket });
    resolve('HELP-2', "Won't Do");
    resolve('HELP-3');
    resolve('APP-1');
    await waitUntilIdle(stack, { delayed: true });
    stack.jira.act.closeSprint({ as: 'ada', sprintId: sprintId() });

    const summary = await waitFor(() =>
      [...stack.jira.state.issues.values()].find((i) => i.labels.includes('sprint-summary')),
    );
    const text = adfToPlainText(summary.description);
    expect(text).toContain('Support tickets resolved | 2 (1 customer)');
    expect(text).toMatch(/Customer impact\n- APP-1 Export invoices: HELP-1, HELP-3$/);
  });
});
