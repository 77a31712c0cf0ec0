import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docToPlainText } from '../../../src/domain/doc.ts';
import { summarizeJiraSprint } from '../../../workers/capabilities/sprint-summary.ts';
import { auditedJobContext } from '../../helpers/audited-job-context.ts';
import { testRedis, uniquePrefix } from '../../helpers/redis.ts';
import { type Harness, startHarness } from '../../sandbox/jira/sandbox-harness.ts';

const redis: Redis = testRedis();
let h: Harness;
let sprintId: string;
let boardId: number;

// A board whose columns have no status mapped, running a sprint: one issue done, one not.
beforeAll(async () => {
  h = await startHarness();
  const created = '2026-02-20T10:00:00.000+0000';
  const { boards, sprints } = h.sandbox.seed({
    projects: [{ key: 'COL', name: 'Columns' }],
    boards: [
      {
        name: 'Unmapped board',
        projectKey: 'COL',
        estimationField: 'Story Points',
        columns: [
          { name: 'Backlog', statuses: [] },
          { name: 'Shipped', statuses: [] },
        ],
      },
    ],
    sprints: [
      { name: 'Columns 1', board: 'Unmapped board', state: 'active', startDate: '2026-03-02T09:00:00.000Z' },
    ],
    issues: [
      { projectKey: 'COL', summary: 'Finished', statusName: 'Done', fields: { 'Story Points': 3 } },
      { projectKey: 'COL', summary: 'Open', fields: { 'Story Points': 2 } },
    ].map((issue) => ({ ...issue, created, sprints: ['Columns 1'] })),
  });
  sprintId = String(sprints['Columns 1']);
  boardId = boards['Unmapped board']!;
});
afterAll(async () => {
  await h.close();
  redis.disconnect();
});

const summaryText = async () => {
  const context = auditedJobContext({
    tracker: h.jira,
    redis,
    keyPrefix: uniquePrefix('board-columns'),
    capability: 'post-sprint-summary',
    dryRun: true,
  });
  return docToPlainText((await summarizeJiraSprint(sprintId, context)).body);
};

const NOTE =
  '≈ The board’s columns could not be read: completed counts the items in a Done-category status, where Jira’s sprint report counts those in the board’s right-most column.';

describe('a sprint summary without the board’s Done column', () => {
  it('counts the Done status category, marks what it decides ≈ and says why: no status mapped, or the board gone', async () => {
    const unmapped = await summaryText();
    h.sandbox.state.boards.delete(boardId);
    const gone = await summaryText();

    for (const text of [unmapped, gone]) {
      expect(text).toContain(
        [
          'Completed | ≈ 1 item, 3 points',
          'Completion rate | ≈ 60% of committed points',
          'Carried over | ≈ 1 item',
        ].join('\n'),
      );
      expect(text).toContain(NOTE);
    }
  });
});
