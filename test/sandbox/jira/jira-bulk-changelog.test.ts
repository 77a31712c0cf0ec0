import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { createJiraContext, type JiraContext } from '../../../src/trackers/jira/jira-context.ts';
import { botContext, type Harness, PERSON, startHarness } from './sandbox-harness.ts';

// The sandbox's clock, moved by hand: Jira orders bulk changelogs by their date, then by issue id.
let clock = Date.parse('2026-03-03T09:00:00.000Z');
let h: Harness;
let ctx: JiraContext;
let points: string;
let sprintField: string;

const at = (minutes: number) => {
  clock = Date.parse('2026-03-03T09:00:00.000Z') + minutes * 60_000;
};
const rest = (body: unknown) =>
  fetch(`${h.baseUrl}/rest/api/3/changelog/bulkfetch`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('refinery-bot@sandbox.test:sandbox-token').toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
/** Each issue's histories on a page as `issueId: at(field, …)`, with the page's token if any. */
const digest = (page: Awaited<ReturnType<JiraContext['cloud']['issues']['getBulkChangelogs']>>) => ({
  issues: (page.issueChangeLogs ?? []).map(
    ({ issueId, changeHistories }) =>
      `${issueId}: ${(changeHistories ?? [])
        .map(
          (history) =>
            `${history.created?.toISOString().slice(11, 16)}(${history.items?.map((i) => i.fieldId).join(',')})`,
        )
        .join(' ')}`,
  ),
  more: typeof page.nextPageToken === 'string',
});

beforeAll(async () => {
  h = await startHarness({ now: () => new Date(clock) });
  ctx = botContext(h);
  const field = (name: string) => h.sandbox.state.fields.find((f) => f.name === name)!.id;
  points = field('Story Points');
  sprintField = field('Sprint');
  const next = [...h.sandbox.state.sprints.values()].find((s) => s.name === 'Sprint 2')!.id;
  at(0);
  h.sandbox.act.editIssue({ as: PERSON, issue: 'BR-2', fields: { 'Story Points': 3 } });
  at(10);
  h.sandbox.act.editIssue({
    as: PERSON,
    issue: 'BR-1',
    fields: { 'Story Points': 8 },
    addLabels: ['export'],
  });
  at(20);
  h.sandbox.act.addToSprint({ as: PERSON, sprintId: next, issues: ['BR-2', 'BR-1'] });
});
afterAll(async () => {
  await h.close();
});

describe('POST /rest/api/3/changelog/bulkfetch, as Jira Cloud answers it', () => {
  it('returns the histories of the issues named by id or key, oldest first, then by smallest issue id', async () => {
    const page = await ctx.cloud.issues.getBulkChangelogs({ issueIdsOrKeys: ['BR-2', '10001', 'SUP-1'] });

    expect(digest(page)).toEqual({
      issues: [
        `10002: 09:00(${points}) 09:20(${sprintField})`,
        `10001: 09:10(${points},labels) 09:20(${sprintField})`,
      ],
      more: false,
    });
  });

  it('pages by nextPageToken, maxResults histories a page; an issue may run over two pages', async () => {
    const first = await ctx.cloud.issues.getBulkChangelogs({
      issueIdsOrKeys: ['BR-1', 'BR-2'],
      maxResults: 2,
    });
    const second = await ctx.cloud.issues.getBulkChangelogs({
      issueIdsOrKeys: ['BR-1', 'BR-2'],
      maxResults: 2,
      nextPageToken: first.nextPageToken ?? '',
    });

    expect(digest(first)).toEqual({
      issues: [`10002: 09:00(${points})`, `10001: 09:10(${points},labels)`],
      more: true,
    });
    expect(digest(second)).toEqual({
      issues: [`10001: 09:20(${sprintField})`, `10002: 09:20(${sprintField})`],
      more: false,
    });
  });

  it('keeps only the changed items of the fields asked for, and the histories that have one', async () => {
    const page = await ctx.cloud.issues.getBulkChangelogs({
      issueIdsOrKeys: ['BR-1', 'BR-2'],
      fieldIds: [points],
    });

    expect(digest(page)).toEqual({
      issues: [`10002: 09:00(${points})`, `10001: 09:10(${points})`],
      more: false,
    });
  });

  it('leaves out the issues the caller may not browse', async () => {
    const person = createJiraContext({
      baseUrl: h.baseUrl,
      email: 'dana@sandbox.test',
      apiToken: 'any-token',
      log: createLogger({ level: 'silent' }),
      onSchemaMismatch: 'throw',
    });
    try {
      h.sandbox.state.issues.get('10002')!.securityLevel = { name: 'Staff', members: ['someone-else'] };
      const page = await person.cloud.issues.getBulkChangelogs({ issueIdsOrKeys: ['BR-1', 'BR-2'] });

      expect(digest(page).issues.map((line) => line.slice(0, 5))).toEqual(['10001']);
    } finally {
      delete h.sandbox.state.issues.get('10002')!.securityLevel;
    }
  });

  it.each([
    ['no issues', { issueIdsOrKeys: [] }],
    ['more than 1,000 issues', { issueIdsOrKeys: Array.from({ length: 1001 }, (_, i) => `BR-${i + 1}`) }],
    [
      'more than 10 field ids',
      { issueIdsOrKeys: ['BR-1'], fieldIds: Array.from({ length: 11 }, (_, i) => `f${i}`) },
    ],
  ])('answers 400 with a reason to a request with %s', async (_, body) => {
    const response = await rest(body);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { errorMessages: string[] }).errorMessages).toHaveLength(1);
  });
});
