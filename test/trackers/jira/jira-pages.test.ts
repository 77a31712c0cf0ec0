import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { doc, paragraph } from '../../../src/domain/doc.ts';
import { createLogger } from '../../../src/logger.ts';
import { misconfigure } from '../../../src/sandbox/jira/routes-setup.ts';
import { JIRA_PAGE_LIMITS } from '../../../src/sandbox/jira/state.ts';
import { createJiraSetup } from '../../../src/trackers/jira/jira-setup.ts';
import { effectsOn } from '../../helpers/ledger.ts';
import { type Harness, PERSON, startHarness } from '../../sandbox/jira/sandbox-harness.ts';

/**
 * Jira Cloud answers fewer items than `maxResults` asks for where an endpoint's limit is lower, and Atlassian may
 * lower a limit without notice: every page is read from where the last one ended, not from where it would have.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  h.sandbox.state.setup.botIsAdmin = true;
});
afterEach(() => {
  h.sandbox.state.setup.pageLimits = { ...JIRA_PAGE_LIMITS };
});
afterAll(async () => {
  await h?.close();
});

const ref = (key: string) => {
  const issue = [...h.sandbox.state.issues.values()].find((candidate) => candidate.key === key)!;
  return { tracker: 'jira' as const, id: issue.id, key };
};

const setup = () =>
  createJiraSetup({
    baseUrl: h.baseUrl,
    email: h.sandbox.botCredentials.email,
    apiToken: h.sandbox.botCredentials.apiToken,
    log: createLogger({ level: 'silent' }),
    onSchemaMismatch: 'throw',
  });

describe('Jira lists read a page at a time, each from where the last one ended', () => {
  it('finds its own comment behind a page shorter than it asked for, and edits it instead of posting a second', async () => {
    const issue = h.sandbox.act.createIssue({ as: PERSON, project: 'BR', summary: 'A long discussion' });
    const target = ref(issue.key);
    for (let n = 1; n <= 30; n += 1)
      h.sandbox.act.comment({ as: PERSON, issue: issue.key, body: `Reply ${n}` });
    const first = await h.jira.upsertComment(target, 'score', doc(paragraph('Priority score: 3')));
    expect(first.action).toBe('created');

    misconfigure(h.sandbox.state, { pageLimits: { comments: 20 } });
    const second = await h.jira.upsertComment(target, 'score', doc(paragraph('Priority score: 4.2')));

    expect(second).toEqual({ id: first.id, action: 'updated' });
    expect(effectsOn(h.sandbox.ledger, h.sandbox.botCredentials.accountId, issue.key)).toEqual([
      'comment.created',
      'comment.edited',
    ]);
    expect(await h.jira.getOwnComment(target, 'score')).toMatchObject({ text: 'Priority score: 4.2' });
  });

  it("the doctor lists every project when Jira's project pages hold fewer than it asked for", async () => {
    const keys = Array.from({ length: 30 }, (_, n) => `P${String(n).padStart(2, '0')}`);
    h.sandbox.seed({ projects: keys.map((key) => ({ key, name: `Project ${key}` })) });
    misconfigure(h.sandbox.state, { pageLimits: { projects: 20 } });

    const listed = (await setup().projects()).map((project) => project.key);

    expect(listed).toEqual(expect.arrayContaining([...keys, 'BR', 'SUP']));
    expect(listed).toHaveLength(h.sandbox.state.projects.size);
  });

  it('the doctor sees every context of a field and every project in them, one item a page', async () => {
    const seeded = h.sandbox.seed({
      projects: [{ key: 'OPS', name: 'Operations' }],
      fieldContexts: [
        { field: 'Reach', name: 'Ops bugs', projects: ['OPS'], issueTypes: ['Bug', 'Task'] },
        { field: 'Reach', name: 'Backlog', projects: ['BR'] },
      ],
    });
    misconfigure(h.sandbox.state, { pageLimits: { admin: 1 } });

    const contexts = await setup().fieldContexts('customfield_10053');

    expect(contexts.map(({ name, projectIds }) => ({ name, projectIds }))).toEqual([
      { name: 'Ops bugs', projectIds: [seeded.projects.OPS] },
      {
        name: 'Backlog',
        projectIds: [[...h.sandbox.state.projects.values()].find((p) => p.key === 'BR')?.id],
      },
    ]);
  });
  it("reads every active sprint of a board running parallel sprints past the Agile API's page", async () => {
    const seeded = h.sandbox.seed({
      boards: [{ name: 'Parallel board', projectKey: 'BR' }],
      sprints: [
        { name: 'Old', board: 'Parallel board', state: 'closed' },
        ...['Web', 'Mobile', 'Platform'].map((name) => ({
          name,
          board: 'Parallel board',
          state: 'active' as const,
        })),
      ],
    });
    misconfigure(h.sandbox.state, { pageLimits: { boards: 2 } });

    const active = await h.jira.sprints?.getActiveSprints(String(seeded.boards['Parallel board']));

    expect(active?.map((sprint) => [sprint.name, sprint.state])).toEqual([
      ['Web', 'active'],
      ['Mobile', 'active'],
      ['Platform', 'active'],
    ]);
  });
});

describe("the sandbox's page limits, as Jira Cloud's", () => {
  const get = async (path: string) => {
    const auth = Buffer.from(
      `${h.sandbox.botCredentials.email}:${h.sandbox.botCredentials.apiToken}`,
    ).toString('base64');
    const answer = await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Basic ${auth}` } });
    return (await answer.json()) as Record<string, unknown>;
  };

  it('answers at most its limit, and says so in maxResults', async () => {
    expect(await get('/rest/api/3/project/search?maxResults=500')).toMatchObject({
      startAt: 0,
      maxResults: 50,
    });
    expect(await get('/rest/agile/1.0/board?maxResults=500')).toMatchObject({ maxResults: 50 });
    const search = (fields: string) =>
      get(
        `/rest/api/3/search/jql?jql=${encodeURIComponent('project = BR')}&maxResults=5000&fields=${fields}`,
      );
    h.sandbox.state.setup.pageLimits = { ...JIRA_PAGE_LIMITS, search: 1, searchIdsOnly: 2 };
    // 100 issues a page with fields, 5000 with only ids or keys: here 1 and 2, the seeded project having 3 or more.
    expect(((await search('*all')).issues as unknown[]).length).toBe(1);
    expect(((await search('id,key')).issues as unknown[]).length).toBe(2);
  });
});
