import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryTracker, memoryItem } from '../../audit/memory-tracker.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { adminClient } from './admin-client.ts';

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});
const admin = adminClient(() => api!.app);
const start = async () => {
  api = await startApiHarness({
    admin: { trackers: new Map([['jira', createMemoryTracker([memoryItem('ABC-1')])]]) },
  });
};

describe('capability admin actions', () => {
  it.each([
    [
      'rescore',
      { tracker: 'jira', container: 'APP' },
      'rescore-scope',
      { scope: { kind: 'container', containerId: 'APP' } },
    ],
    [
      'rescore',
      { tracker: 'jira', jql: 'project = APP AND status != Done' },
      'rescore-scope',
      { scope: { kind: 'query' } },
    ],
    [
      'backfill-index',
      { targets: [{ tracker: 'jira', containerId: 'APP' }] },
      'backfill-index',
      { targets: [{ tracker: 'jira', containerId: 'APP' }] },
    ],
    [
      'sprint-summary',
      { tracker: 'jira', sprintId: '37' },
      'post-sprint-summary',
      { request: { sprintId: '37', trigger: 'admin' } },
    ],
    [
      'sprint-summary',
      { tracker: 'trello', boardId: 'b1', end: '2026-11-20T00:00:00Z' },
      'post-sprint-summary',
      { request: { boardId: 'b1', trigger: 'admin' } },
    ],
    [
      'catch-up',
      { tracker: 'trello', container: 'b1', since: '2026-11-20T08:00:00+01:00' },
      'catch-up',
      { containerId: 'b1', since: '2026-11-20T07:00:00.000Z' },
    ],
  ])('POST /admin/actions/%s enqueues its job', async (name, body, jobName, data) => {
    await start();

    const response = await admin('POST', `/admin/actions/${name}`, body);

    expect(response.statusCode).toBe(202);
    const job = await api!.queue.getJob(response.json().jobId);
    expect(job?.name).toBe(jobName);
    expect(job?.data).toMatchObject(data);
  });

  it.each([
    ['rescore', { tracker: 'jira' }, /container .*or jql/],
    ['backfill-index', { targets: [] }, /targets/],
    ['sprint-summary', { tracker: 'trello', sprintId: '1' }, /./],
    ['catch-up', { tracker: 'jira', container: 'APP' }, /since/],
    ['catch-up', { tracker: 'jira', container: 'APP', since: 'yesterday' }, /since/],
  ])('POST /admin/actions/%s refuses an invalid body with 400 and the reason', async (name, body, reason) => {
    await start();

    const response = await admin('POST', `/admin/actions/${name}`, body);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(reason);
  });

  it('requires the admin token', async () => {
    await start();

    const response = await api!.app.inject({
      method: 'POST',
      url: '/admin/actions/rescore',
      payload: { tracker: 'jira', container: 'APP' },
    });

    expect(response.statusCode).toBe(401);
  });
});
