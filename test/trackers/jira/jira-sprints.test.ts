import { describe, expect, it } from 'vitest';
import { api, BOT, field, fields, issue, SITE, tracker, user } from './jira-fixtures.ts';

const sprint = {
  id: 37,
  self: `${SITE}/rest/agile/1.0/sprint/37`,
  state: 'active',
  name: 'BR Sprint 12',
  startDate: '2026-03-02T09:00:00.000Z',
  endDate: '2026-03-16T09:00:00.000Z',
  createdDate: '2026-02-27T12:00:00.000Z',
  originBoardId: 1,
  goal: 'Invoices',
};

const status = (id: string) => ({ id, self: `${SITE}/rest/api/2/status/${id}` });

const boardConfig = {
  id: 1,
  name: 'BR board',
  self: `${SITE}/rest/agile/1.0/board/1/configuration`,
  location: {
    type: 'project',
    key: 'BR',
    id: '10000',
    self: `${SITE}/rest/api/2/project/10000`,
    name: 'Backlog',
  },
  filter: { id: '10000', self: `${SITE}/rest/api/2/filter/10000` },
  columnConfig: {
    columns: [
      { name: 'To Do', statuses: [status('10000')] },
      { name: 'In Progress', statuses: [status('3')] },
      { name: 'Awaiting deploy', statuses: [status('10001')] },
      { name: 'Shipped', statuses: [status('10002'), status('10003')], max: 8 },
      { name: 'Archive', statuses: [] },
    ],
    constraintType: 'issueCount',
  },
  estimation: { type: 'field', field: { fieldId: 'customfield_10016', displayName: 'Story point estimate' } },
  ranking: { rankCustomFieldId: 10019 },
};

const expectedSprint = {
  id: '37',
  name: 'BR Sprint 12',
  state: 'active',
  boardId: '1',
  startDate: '2026-03-02T09:00:00.000Z',
  endDate: '2026-03-16T09:00:00.000Z',
  goal: 'Invoices',
};

describe('Jira adapter sprints', () => {
  it('reads a sprint and the active sprint of a board', async () => {
    api().get('/rest/agile/1.0/sprint/37').reply(200, sprint);
    api()
      .get('/rest/agile/1.0/board/1/sprint')
      .query({ state: 'active', startAt: 0 })
      .reply(200, { maxResults: 50, startAt: 0, isLast: true, values: [sprint] });
    const sprints = tracker().sprints;

    expect(await sprints?.getSprint('37')).toEqual(expectedSprint);
    expect(await sprints?.getActiveSprints('1')).toEqual([expectedSprint]);
  });

  it('reads no sprints of a kanban board, which Jira answers with 400', async () => {
    api()
      .get('/rest/agile/1.0/board/2/sprint')
      .query({ state: 'active', startAt: 0 })
      .reply(400, { errorMessages: ['The board does not support sprints'], errors: {} });

    expect(await tracker().sprints?.getActiveSprints('2')).toBeUndefined();
  });

  it("reads a board's estimation field and its Done column: the last one with statuses mapped", async () => {
    api().get('/rest/agile/1.0/board/1/configuration').reply(200, boardConfig);

    expect(await tracker().sprints?.getBoardConfiguration('1')).toEqual({
      estimationField: { id: 'customfield_10016', name: 'Story point estimate' },
      doneStatuses: ['10002', '10003'],
    });
  });

  it('reads no configuration of a board Jira does not show (404), and none of a board without columns', async () => {
    api()
      .get('/rest/agile/1.0/board/3/configuration')
      .reply(404, {
        errorMessages: ['Board does not exist or you do not have permission to see it.'],
        errors: {},
      });
    const { columnConfig: _, estimation: __, ...bare } = boardConfig;
    api().get('/rest/agile/1.0/board/4/configuration').reply(200, bare);

    expect(await tracker().sprints?.getBoardConfiguration('3')).toBeUndefined();
    expect(await tracker().sprints?.getBoardConfiguration('4')).toEqual({ doneStatuses: [] });
  });

  it.each([
    [
      'startAt/total',
      { startAt: 0, maxResults: 1, total: 2, issues: [issue('10001', 'BR-1')] },
      { startAt: '1', maxResults: '50', expand: 'names' },
      { startAt: 1, maxResults: 1, total: 2, issues: [issue('10002', 'BR-2', { customfield_10016: 3 })] },
    ],
    [
      'nextPageToken',
      { isLast: false, nextPageToken: 'p2', issues: [issue('10001', 'BR-1')] },
      { nextPageToken: 'p2', maxResults: '50', expand: 'names' },
      { isLast: true, issues: [issue('10002', 'BR-2', { customfield_10016: 3 })] },
    ],
  ])(
    'pages sprint issues by %s, with story points from the board estimation field',
    async (_, first, query, second) => {
      api().get('/rest/api/3/field').reply(200, fields);
      api()
        .get('/rest/agile/1.0/sprint/37/issue')
        .query({ startAt: '0', maxResults: '50', expand: 'names' })
        .reply(200, first);
      api().get('/rest/agile/1.0/sprint/37/issue').query(query).reply(200, second);

      const items = (await tracker().sprints?.getSprintItems('37', 'customfield_10016')) ?? [];

      expect(items.map((i) => [i.ref.key, i.estimate.storyPoints])).toEqual([
        ['BR-1', 5],
        ['BR-2', 3],
      ]);
    },
  );

  it('reads the Sprint, status and story-point changes of many issues in one bulk changelog request, over its pages', async () => {
    const entry = (id: string, created: string, items: unknown[]) => ({
      id,
      author: user(BOT, 'Refinery Bot'),
      created,
      items,
    });
    const sprintChange = (from: string, to: string) => ({
      field: 'Sprint',
      fieldtype: 'custom',
      fieldId: 'customfield_10020',
      from,
      fromString: from && 'BR Sprint 12',
      to,
      toString: 'BR Sprint 12, BR Sprint 13',
    });
    const pointsChange = { field: 'Story point estimate', fieldtype: 'custom', fieldId: 'customfield_10016' };
    const statusChange = (from: string, to: string) => ({
      field: 'status',
      fieldtype: 'jira',
      fieldId: 'status',
      from,
      fromString: 'In Progress',
      to,
      toString: 'Done',
    });
    api()
      .get('/rest/api/3/field')
      .reply(200, [
        ...fields,
        field('customfield_10020', 'Sprint', 'array', 'com.pyxis.greenhopper.jira:gh-sprint'),
      ]);
    const request = {
      issueIdsOrKeys: ['10042', '10043', '10044'],
      fieldIds: ['customfield_10020', 'status', 'customfield_10016'],
    };
    api()
      .post('/rest/api/3/changelog/bulkfetch', request)
      .reply(200, {
        issueChangeLogs: [
          {
            issueId: '10042',
            changeHistories: [entry('1', '2026-03-01T10:00:00.000+0000', [sprintChange('', '37')])],
          },
          {
            issueId: '10043',
            changeHistories: [
              entry('2', '2026-03-05T10:00:00.000+0000', [
                { ...pointsChange, from: null, fromString: '3', to: null, toString: '5' },
                statusChange('3', '10001'),
              ]),
            ],
          },
        ],
        nextPageToken: 'page-2',
      });
    api()
      .post('/rest/api/3/changelog/bulkfetch', { ...request, nextPageToken: 'page-2' })
      .reply(200, {
        issueChangeLogs: [
          {
            issueId: '10042',
            changeHistories: [
              entry('3', '2026-03-09T10:00:00.000+0000', [
                sprintChange('37', '37, 38'),
                { ...pointsChange, from: null, fromString: '', to: null, toString: '2.5' },
              ]),
            ],
          },
        ],
      });
    const ref = (n: number) => ({ tracker: 'jira' as const, id: String(10000 + n), key: `BR-${n}` });

    const histories = await tracker().sprints?.getHistories([ref(42), ref(43), ref(44)], 'customfield_10016');

    expect(histories).toEqual({
      '10042': {
        sprint: [
          { at: '2026-03-01T10:00:00.000Z', from: [], to: ['37'] },
          { at: '2026-03-09T10:00:00.000Z', from: ['37'], to: ['37', '38'] },
        ],
        status: [],
        estimate: [{ at: '2026-03-09T10:00:00.000Z', to: 2.5 }],
      },
      '10043': {
        sprint: [],
        status: [
          {
            at: '2026-03-05T10:00:00.000Z',
            from: { id: '3', name: 'In Progress' },
            to: { id: '10001', name: 'Done' },
          },
        ],
        estimate: [{ at: '2026-03-05T10:00:00.000Z', from: 3, to: 5 }],
      },
      '10044': { sprint: [], status: [], estimate: [] },
    });
  });

  it('asks for the changelogs of at most 1,000 issues a request', async () => {
    api().get('/rest/api/3/field').reply(200, fields);
    const refs = Array.from({ length: 1001 }, (_, i) => ({
      tracker: 'jira' as const,
      id: String(20000 + i),
      key: `BR-${i + 1}`,
    }));
    const asked: number[] = [];
    api()
      .post('/rest/api/3/changelog/bulkfetch', (body: { issueIdsOrKeys: string[] }) => {
        asked.push(body.issueIdsOrKeys.length);
        return true;
      })
      .times(2)
      .reply(200, { issueChangeLogs: [] });

    const histories = await tracker().sprints?.getHistories(refs);

    expect(asked).toEqual([1000, 1]);
    expect(Object.keys(histories ?? {})).toHaveLength(1001);
  });
});
