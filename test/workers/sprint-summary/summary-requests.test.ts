import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeJiraSprint } from '../../../workers/capabilities/sprint-summary.ts';
import { auditedJobContext } from '../../helpers/audited-job-context.ts';
import { testRedis, uniquePrefix } from '../../helpers/redis.ts';
import { type Harness, PERSON, startHarness } from '../../sandbox/jira/sandbox-harness.ts';

const redis: Redis = testRedis();
let h: Harness;
let sprintId: string;

// A busy project: 60 more issues in the running sprint, 90 in the backlog, all 150 changed since the start.
beforeAll(async () => {
  h = await startHarness();
  const sprint = [...h.sandbox.state.sprints.values()].find((s) => s.name === 'Sprint 1')!;
  sprintId = String(sprint.id);
  const created = '2026-02-20T10:00:00.000+0000';
  const { issues } = h.sandbox.seed({
    issues: Array.from({ length: 150 }, (_, i) => ({
      projectKey: 'BR',
      summary: `Busy item ${i + 1}`,
      created,
      fields: { 'Story Points': i < 60 ? 3 : 2 },
      ...(i < 60 && { sprints: [sprintId] }),
    })),
  });
  for (const { key } of issues) h.sandbox.act.editIssue({ as: PERSON, issue: key, addLabels: ['busy'] });
  const keys = issues.map(({ key }) => key);
  h.sandbox.act.removeFromSprint({ as: PERSON, issues: keys.slice(0, 10) });
  h.sandbox.act.addToSprint({ as: PERSON, sprintId: sprint.id, issues: keys.slice(60, 65) });
  h.sandbox.act.editIssue({ as: PERSON, issue: keys[20]!, fields: { 'Story Points': 8 } });
});
afterAll(async () => {
  await h.close();
  redis.disconnect();
});

const summaryContext = () =>
  auditedJobContext({
    tracker: h.jira,
    redis,
    keyPrefix: uniquePrefix('summary-requests'),
    capability: 'post-sprint-summary',
    dryRun: true,
  });

/** The summary's stats and the sandbox requests it made. */
async function summarize() {
  const before = h.sandbox.requests.length;
  const { stats } = await summarizeJiraSprint(sprintId, summaryContext());
  return { stats, requests: h.sandbox.requests.slice(before) };
}

describe('the Jira requests of a sprint summary', () => {
  it('reads the histories of 150 issues changed since the start in a handful of requests', async () => {
    const { stats, requests } = await summarize();

    expect(requests.filter((request) => request.endsWith('/changelog'))).toEqual([]);
    expect(requests.filter((request) => request === 'POST /rest/api/3/changelog/bulkfetch')).toHaveLength(2);
    expect(requests.length).toBeLessThanOrEqual(11);
    // The same figures as one changelog request per issue gave.
    expect({
      committed: stats.committed,
      added: stats.added.items.length,
      removed: stats.removed?.items.length,
      carriedOver: stats.carriedOver.items.length,
    }).toEqual({
      committed: { count: { value: 60, approximate: true }, points: { value: 180, approximate: true } },
      added: 7,
      removed: 10,
      carriedOver: 57,
    });
  });

  it.each(['epochMillis', 'epochSeconds'] as const)(
    'gives the same summary when the bulk changelog dates its histories as numbers (%s)',
    async (created) => {
      const iso = await summarize();
      h.sandbox.state.setup.bulkChangelogCreated = created;
      try {
        const answer = await fetch(`${h.baseUrl}/rest/api/3/changelog/bulkfetch`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${h.sandbox.botCredentials.email}:sandbox-token`).toString('base64')}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ issueIdsOrKeys: ['BR-4'] }),
        });
        const { issueChangeLogs } = (await answer.json()) as {
          issueChangeLogs: { changeHistories: { created: unknown }[] }[];
        };
        expect(typeof issueChangeLogs[0]?.changeHistories[0]?.created).toBe('number');

        const millis = await summarize();

        expect(millis.stats).toEqual(iso.stats);
        // The dates decide: the ten issues removed after the start were committed.
        expect(millis.stats.removed?.items).toHaveLength(10);
      } finally {
        h.sandbox.state.setup.bulkChangelogCreated = 'iso';
      }
    },
  );

  it('reads the sprint and the board once, and the support tickets of its done issues in bulk', async () => {
    const done = [...h.sandbox.state.issues.values()]
      .filter((issue) => issue.summary.startsWith('Busy item'))
      .slice(40, 46)
      .map((issue) => issue.key);
    for (const issue of done) {
      h.sandbox.act.transition({ as: PERSON, issue, to: 'In Progress' });
      h.sandbox.act.transition({ as: PERSON, issue, to: 'Done' });
    }
    const { issues: tickets } = h.sandbox.seed({
      issues: Array.from({ length: 30 }, (_, i) => ({
        projectKey: 'SUP',
        summary: `Customer ticket ${i + 1}`,
        statusName: 'Done',
        reporter: PERSON,
      })),
    });
    h.sandbox.act.link({ as: PERSON, from: done[0]!, to: tickets[0]!.key });
    const one = await summarize();
    tickets.slice(1).forEach(({ key }, i) => {
      h.sandbox.act.link({ as: PERSON, from: done[i % done.length]!, to: key });
    });

    const thirty = await summarize();

    expect(one.stats.customerImpact.tickets.value).toBe(1);
    expect(thirty.stats.customerImpact.tickets.value).toBe(30);
    expect(thirty.stats.customerImpact.items).toHaveLength(6);
    expect(thirty.requests).toHaveLength(one.requests.length);
    expect(
      thirty.requests.filter((request) => /^GET \/rest\/agile\/1\.0\/sprint\/\d+$/.test(request)),
    ).toEqual([`GET /rest/agile/1.0/sprint/${sprintId}`]);
    expect(thirty.requests.filter((request) => request.endsWith('/configuration'))).toHaveLength(1);
    expect(thirty.requests.filter((request) => request.startsWith('GET /rest/api/3/issue/'))).toEqual([]);
  });
});
