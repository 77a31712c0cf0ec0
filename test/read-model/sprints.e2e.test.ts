import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { startSprintWhileWorkersDown } from '../helpers/late-sprint-start.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { RELEASE_COLUMNS } from '../helpers/seeds.ts';
import { type StackConsole, stackConsole } from '../helpers/stack-console.ts';

let stack: Stack;
let console_: StackConsole;
// Boards are numbered in seed order.
const BOARD = 'jira:1';

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl() });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [
      { key: 'APP', name: 'App' },
      { key: 'EAR', name: 'Early' },
      { key: 'CHU', name: 'Churn' },
      { key: 'LTE', name: 'Late' },
    ],
    boards: [
      { name: 'App board', projectKey: 'APP', estimationField: 'Story Points' },
      { name: 'Early board', projectKey: 'EAR', estimationField: 'Story Points' },
      { name: 'Churn board', projectKey: 'CHU', estimationField: 'Story Points' },
      { name: 'Late board', projectKey: 'LTE', estimationField: 'Story Points', columns: RELEASE_COLUMNS },
    ],
    sprints: [
      { name: 'App Sprint 1', board: 'App board' },
      { name: 'Early Sprint 1', board: 'Early board' },
      { name: 'Churn Sprint 1', board: 'Churn board' },
      { name: 'Late Sprint 1', board: 'Late board' },
    ],
    issues: [
      {
        projectKey: 'APP',
        summary: 'Export to CSV',
        fields: { 'Story Points': 3 },
        sprints: ['App Sprint 1'],
      },
      {
        projectKey: 'APP',
        summary: 'Saved filters',
        fields: { 'Story Points': 5 },
        sprints: ['App Sprint 1'],
      },
      {
        projectKey: 'EAR',
        summary: 'Already shipped',
        fields: { 'Story Points': 2 },
        statusName: 'Done',
        sprints: ['Early Sprint 1'],
      },
      { projectKey: 'EAR', summary: 'Real work', fields: { 'Story Points': 3 }, sprints: ['Early Sprint 1'] },
      {
        projectKey: 'CHU',
        summary: 'Steady work',
        fields: { 'Story Points': 3 },
        sprints: ['Churn Sprint 1'],
      },
      ...(
        [
          ['Quick fix', 2, 'To Do'],
          ['Big job', 3, 'To Do'],
          ['Merged, not deployed', 1, 'Done'],
          ['Shipped before', 4, 'Released'],
        ] as const
      ).map(([summary, points, statusName]) => ({
        projectKey: 'LTE',
        summary,
        statusName,
        fields: { 'Story Points': points },
        sprints: ['Late Sprint 1'],
      })),
    ],
  });
  console_ = stackConsole(stack);
}, 60_000);
afterAll(async () => {
  await console_?.close();
  await stack?.stop();
});

const sprintId = (name: string) => [...stack.jira.state.sprints.values()].find((s) => s.name === name)!.id;

describe('console sprints page, written by the real jobs', () => {
  it('shows the burn-up of the active sprint while it runs, and no active sprint once it is closed', async () => {
    const id = sprintId('App Sprint 1');
    stack.jira.act.startSprint({ sprintId: id });
    const running = await waitFor(async () => (await console_.readModel.sprints(BOARD))?.active);
    expect(running).toMatchObject({ name: 'App Sprint 1', unit: 'points' });

    stack.jira.act.closeSprint({ as: 'ada', sprintId: id });
    const closed = await waitFor(async () => {
      const view = await console_.readModel.sprints(BOARD);
      return view?.sprints.some((sprint) => sprint.name === 'App Sprint 1') ? view : undefined;
    });
    expect(closed.sprints.map((sprint) => sprint.name)).toEqual(['App Sprint 1']);
    expect(closed.active).toBeUndefined();
  });

  it("leaves an issue done before the start out of the burn-up's scope, as the sprint summary and Jira's report do", async () => {
    stack.jira.act.startSprint({ sprintId: sprintId('Early Sprint 1') });
    const running = await waitFor(async () => (await console_.readModel.sprints('jira:2'))?.active);

    expect(running.unit).toBe('points');
    // Committed: "Real work" (3 points); "Already shipped" was done when the sprint started.
    expect(running.points.map(({ scope, done }) => ({ scope, done }))).toEqual([
      { scope: 3, done: 0 },
      { scope: 3, done: 0 },
    ]);
  });

  it('starts the burn-up from where the issues stood at the start date when the start is processed late', async () => {
    const id = sprintId('Late Sprint 1');
    // The workers are down when the sprint starts; the team finishes an issue before its start is processed.
    await startSprintWhileWorkersDown(stack, id);
    for (const to of ['In Progress', 'Done', 'Released'])
      stack.jira.act.transition({ as: 'ada', issue: 'LTE-1', to });
    await stack.startWorker();

    const running = await waitFor(async () => (await console_.readModel.sprints('jira:4'))?.active);
    // Committed: all but "Shipped before", in the board's last column at the start; "Merged, not deployed" was in
    // Done then, left of it; "Quick fix" was in To Do.
    expect(running.points[0]).toMatchObject({ scope: 6, done: 0 });
  });

  it("counts done in the running burn-up what sits in the board's Done column, as the summary does", async () => {
    // "Quick fix" was released; "Big job" is verified (In Progress category, in the last column); "Merged, not
    // deployed" waits in Done, left of it.
    for (const to of ['In Progress', 'Verified'])
      stack.jira.act.transition({ as: 'ada', issue: 'LTE-2', to });

    const now = await waitFor(async () => {
      const point = (await console_.readModel.sprints('jira:4'))?.active?.points.at(-1);
      return point?.done === 5 ? point : undefined;
    });
    expect(now).toMatchObject({ scope: 6, done: 5 });
  });

  it('counts an issue added after the start and removed before the close among the added and the removed', async () => {
    const id = sprintId('Churn Sprint 1');
    stack.jira.act.startSprint({ sprintId: id });
    await waitFor(async () => (await console_.readModel.sprints('jira:3'))?.active);
    const hotfix = stack.jira.act.createIssue({
      as: 'ada',
      project: 'CHU',
      summary: 'Banner hotfix',
      fields: { 'Story Points': 2 },
    });
    stack.jira.act.addToSprint({ as: 'ada', sprintId: id, issues: [hotfix.key] });
    stack.jira.act.removeFromSprint({ as: 'ada', issues: [hotfix.key] });
    stack.jira.act.closeSprint({ as: 'ada', sprintId: id });

    const record = await waitFor(async () =>
      (await console_.readModel.sprints('jira:3'))?.sprints.find(
        (sprint) => sprint.name === 'Churn Sprint 1',
      ),
    );
    expect(record.figures).toMatchObject({ committed: 1, added: 1, removed: 1, carriedOver: 1 });
    expect(record.summaryText).toContain(`${hotfix.key} Banner hotfix (2 points) — added after start`);
  });
});
