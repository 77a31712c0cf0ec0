import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../../scripts/lib/stack.ts';
import { adfToPlainText } from '../../../src/trackers/jira/adf-text.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * Issues added to a running sprint, as Jira's sprint report counts them: one already finished when it was added is
 * "completed outside of this sprint" (marked as added after the start), never completed in it; one re-sized after
 * it joined shows its estimate change from its estimate then; one that left the sprint is listed with the estimate
 * it left with, whatever it was sized to after.
 */
let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [
      { key: 'ADD', name: 'Added', editors: ['ada'] },
      { key: 'RES', name: 'Resized', editors: ['ada'] },
      { key: 'OUT', name: 'Dropped', editors: ['ada'] },
    ],
    boards: [
      { name: 'Added board', projectKey: 'ADD', estimationField: 'Story Points' },
      { name: 'Resized board', projectKey: 'RES', estimationField: 'Story Points' },
      { name: 'Dropped board', projectKey: 'OUT', estimationField: 'Story Points' },
    ],
    sprints: [
      { name: 'Added Sprint 1', board: 'Added board' },
      { name: 'Resized Sprint 1', board: 'Resized board' },
      { name: 'Dropped Sprint 1', board: 'Dropped board' },
    ],
    issues: [
      {
        projectKey: 'ADD',
        summary: 'Committed work',
        fields: { 'Story Points': 3 },
        sprints: ['Added Sprint 1'],
      },
      { projectKey: 'ADD', summary: 'Shipped from the backlog', fields: { 'Story Points': 2 } },
      { projectKey: 'RES', summary: 'Planned', fields: { 'Story Points': 3 }, sprints: ['Resized Sprint 1'] },
      { projectKey: 'RES', summary: 'Resized in the sprint', fields: { 'Story Points': 1 } },
      { projectKey: 'RES', summary: 'Resized in the backlog', fields: { 'Story Points': 2 } },
      { projectKey: 'OUT', summary: 'Kept', fields: { 'Story Points': 1 }, sprints: ['Dropped Sprint 1'] },
      {
        projectKey: 'OUT',
        summary: 'Dropped plan',
        fields: { 'Story Points': 3 },
        sprints: ['Dropped Sprint 1'],
      },
      { projectKey: 'OUT', summary: 'Dropped hotfix', fields: { 'Story Points': 2 } },
    ].map((issue) => ({ ...issue, issuetype: 'Story', reporter: 'ada' })),
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const act = () => stack.jira.act;
const sprintId = (name: string) => [...stack.jira.state.sprints.values()].find((s) => s.name === name)!.id;
const complete = (key: string) => {
  act().transition({ as: 'ada', issue: key, to: 'In Progress' });
  act().transition({ as: 'ada', issue: key, to: 'Done' });
};
const summaryText = async (title: string) =>
  adfToPlainText(
    (
      await waitFor(() =>
        [...stack.jira.state.issues.values()].find(
          (i) => i.summary === title && i.labels.includes('sprint-summary'),
        ),
      )
    ).description,
  );

describe('issues added to a running sprint', () => {
  it('counts one finished before it was added as completed outside the sprint, not as completed in it', async () => {
    const id = sprintId('Added Sprint 1');
    act().startSprint({ sprintId: id });
    await waitUntilIdle(stack, { delayed: true });
    // Finished in the backlog after the start, then put in the sprint: its points were not delivered by it.
    complete('ADD-2');
    act().addToSprint({ as: 'ada', sprintId: id, issues: ['ADD-2'] });
    complete('ADD-1');
    act().closeSprint({ as: 'ada', sprintId: id });

    const body = await summaryText('Added Sprint 1 summary');
    expect(body).toContain(
      [
        'Committed | 1 item, 3 points',
        'Completed | 1 item, 3 points',
        'Completion rate | 100% of committed points',
        'Completed outside the sprint | 1 item',
        'Carried over | 0 items',
      ].join('\n'),
    );
    expect(body).toContain('Completed\n- ADD-1 Committed work (3 points)\n');
    expect(body).toContain(
      'Completed outside the sprint\n- ADD-2 Shipped from the backlog (2 points) — added after start',
    );
  });

  it('counts an issue re-sized after it was added as re-estimated, from its estimate when it joined', async () => {
    const id = sprintId('Resized Sprint 1');
    act().startSprint({ sprintId: id });
    await waitUntilIdle(stack, { delayed: true });
    act().addToSprint({ as: 'ada', sprintId: id, issues: ['RES-2'] });
    // Jira's changelog counts milliseconds: the re-sizing comes after the joining, as a person's would.
    await new Promise((resolve) => setTimeout(resolve, 5));
    act().editIssue({ as: 'ada', issue: 'RES-2', fields: { 'Story Points': 3 } });
    // Sized in the backlog before it joined: it joined at 5 points, and was not re-estimated in the sprint.
    act().editIssue({ as: 'ada', issue: 'RES-3', fields: { 'Story Points': 5 } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    act().addToSprint({ as: 'ada', sprintId: id, issues: ['RES-3'] });
    act().closeSprint({ as: 'ada', sprintId: id });

    const body = await summaryText('Resized Sprint 1 summary');
    expect(body).toContain(
      ['Added after start | 2 items', 'Removed after start | 0 items', 'Re-estimated | 1 item'].join('\n'),
    );
    // The summary's last section: RES-2 alone.
    expect(body).toMatch(/\nRe-estimated\n- RES-2 Resized in the sprint: 1 → 3$/);
  });

  it('lists an issue that left the sprint with the estimate it left with, not one it was given after', async () => {
    const id = sprintId('Dropped Sprint 1');
    act().startSprint({ sprintId: id });
    await waitUntilIdle(stack, { delayed: true });
    act().addToSprint({ as: 'ada', sprintId: id, issues: ['OUT-3'] });
    // Jira's changelog counts milliseconds: each change comes after the one before, as a person's would.
    await new Promise((resolve) => setTimeout(resolve, 5));
    act().removeFromSprint({ as: 'ada', issues: ['OUT-2', 'OUT-3'] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Sized again in the backlog, for a later sprint, before this one closes.
    act().editIssue({ as: 'ada', issue: 'OUT-2', fields: { 'Story Points': 8 } });
    act().editIssue({ as: 'ada', issue: 'OUT-3', fields: { 'Story Points': 5 } });
    complete('OUT-1');
    act().closeSprint({ as: 'ada', sprintId: id });

    const body = await summaryText('Dropped Sprint 1 summary');
    expect(body).toContain(['Committed | 2 items, 4 points', 'Completed | 1 item, 1 point'].join('\n'));
    expect(body).toContain('Added after start\n- OUT-3 Dropped hotfix (2 points)\n');
    expect(body).toContain(
      [
        'Removed after start',
        '- OUT-2 Dropped plan (3 points)',
        '- OUT-3 Dropped hotfix (2 points) — added after start',
      ].join('\n'),
    );
  });
});
