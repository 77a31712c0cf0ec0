import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../../scripts/lib/stack.ts';
import { adfToPlainText } from '../../../src/trackers/jira/adf-text.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * A help desk with a resolution of its own, Obsolete, for requests that closed because nobody needs them any more: the
 * site lists it among the resolutions that do not resolve a ticket for its customer. A story delivered in the sprint
 * is linked to a request resolved Obsolete and one resolved Done; only the second counts.
 */
let stack: InProcessStack;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'site-resolutions-')), 'rules.yaml');
writeFileSync(rulesFile, "summaries:\n  notResolved: [Won't Do, Duplicate, Obsolete]\n");

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile });
  stack.jira.seed({
    resolutions: ['Obsolete'],
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk', editors: ['ada'] },
    ],
    boards: [{ name: 'App board', projectKey: 'APP' }],
    sprints: [{ name: 'App Sprint 1', board: 'App board' }],
    issues: [
      { projectKey: 'APP', summary: 'Export invoices', issuetype: 'Story', sprints: ['App Sprint 1'] },
      ...['Export to floppy disk', 'Invoices never export'].map((summary) => ({
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

describe('a site’s own resolutions in a sprint summary', () => {
  it('does not count a ticket resolved as one the site lists as not resolving it', async () => {
    stack.jira.act.startSprint({ sprintId: sprintId() });
    await waitUntilIdle(stack, { delayed: true });
    for (const ticket of ['HELP-1', 'HELP-2']) stack.jira.act.link({ as: 'ada', from: 'APP-1', to: ticket });
    resolve('HELP-1', 'Obsolete');
    resolve('HELP-2');
    resolve('APP-1');
    await waitUntilIdle(stack, { delayed: true });
    stack.jira.act.closeSprint({ as: 'ada', sprintId: sprintId() });

    const summary = await waitFor(() =>
      [...stack.jira.state.issues.values()].find((i) => i.labels.includes('sprint-summary')),
    );
    const text = adfToPlainText(summary.description);
    expect(text).toContain('Support tickets resolved | 1 (1 customer)');
    expect(text).toMatch(/Customer impact\n- APP-1 Export invoices: HELP-2$/);
  });
});
