import { GetConfigurationSchema } from 'jira.js/agile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulletList, doc, inline, link, paragraph } from '../../../src/domain/doc.ts';
import { renderSprintSummary } from '../../../src/domain/sprint-summary/render.ts';
import { summarizeSprint } from '../../../src/domain/sprint-summary/summarize-sprint.ts';
import { ErrorKind, TrackerError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/logger.ts';
import type { SeedResult } from '../../../src/sandbox/jira/seed.ts';
import { TEXT_LIMIT } from '../../../src/sandbox/jira/state.ts';
import { createJiraTracker } from '../../../src/trackers/jira/jira-tracker.ts';
import { common, issue } from '../../domain/sprint-summary/sprint-fixture.ts';
import { cutPost } from '../../helpers/cut-post.ts';
import { RELEASE_COLUMNS } from '../../helpers/seeds.ts';
import { type Harness, PERSON, startHarness } from './sandbox-harness.ts';

const CUSTOMER = 'qm:5b10ac8d82e05b22cc7d4ef5:customer';
let h: Harness;
let seeded: SeedResult;

const ref = (key: string) => {
  const found = seeded.issues.find((issue) => issue.key === key) ?? { id: key, key };
  return { tracker: 'jira' as const, id: found.id, key: found.key };
};
const issueOf = (key: string) => [...h.sandbox.state.issues.values()].find((i) => i.key === key)!;
const emails = (key: string) => h.sandbox.state.emails.filter((email) => email.issueKey === key);
const rest = (path: string, init: RequestInit = {}) =>
  fetch(`${h.baseUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Basic ${Buffer.from('refinery-bot@sandbox.test:sandbox-token').toString('base64')}`,
      'content-type': 'application/json',
    },
  });
/** A token Jira no longer takes (expired: Atlassian API tokens last at most a year, or revoked). */
const expireBotToken = (expired: boolean) =>
  fetch(`${h.baseUrl.replace(/\/jira$/, '')}/_sandbox/jira/misconfigure`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ botTokenExpired: expired }),
  });
const longList = (lines: number) =>
  doc(
    paragraph('Sprint 12 summary'),
    bulletList(
      Array.from({ length: lines }, (_, i) => `BR-${i + 1} Export invoices as CSV for every region`),
    ),
  );

beforeAll(async () => {
  h = await startHarness();
  seeded = h.sandbox.seed({
    people: [
      {
        accountId: CUSTOMER,
        displayName: 'Cleo Customer',
        email: 'cleo@customer.test',
        accountType: 'customer',
      },
    ],
    // A team-managed project's own "Impact": same name as the company-managed one, and the one on its screen.
    fields: [{ id: 'customfield_10070', name: 'Impact' }],
    projects: [
      { key: 'DESK', name: 'Service desk', projectTypeKey: 'service_desk' },
      { key: 'ADM', name: 'Administered', botAdministers: true },
      { key: 'OPS', resolutionOnDone: true, requiredOnCreate: ['components'], components: ['Web'] },
      { key: 'TEAM', hiddenFields: ['customfield_10050'] },
    ],
    issues: [
      { projectKey: 'DESK', summary: 'I cannot log in', reporter: CUSTOMER },
      { projectKey: 'ADM', summary: 'Admin-run item', reporter: PERSON },
      { projectKey: 'OPS', summary: 'Deploy pipeline', reporter: PERSON, statusName: 'In Progress' },
      { projectKey: 'OPS', summary: 'Old idea', reporter: PERSON, statusName: 'In Progress' },
      { projectKey: 'TEAM', summary: 'Team item', reporter: PERSON },
    ],
  });
});
afterAll(async () => {
  await h.close();
});

describe('the sandbox behaves like Jira Cloud', () => {
  it('makes a REST comment on a Service Management ticket public, and mails it to the customer', async () => {
    const response = await rest('/rest/api/3/issue/DESK-1/comment', {
      method: 'POST',
      body: JSON.stringify({
        body: {
          version: 1,
          type: 'doc',
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }],
        },
      }),
    });

    expect(((await response.json()) as { jsdPublic: boolean }).jsdPublic).toBe(true);
    expect(emails('DESK-1')).toContainEqual({ to: CUSTOMER, issueKey: 'DESK-1', kind: 'customer-comment' });
  });

  it('refuses notifyUsers=false from an account that is neither site admin nor project admin', async () => {
    const response = await rest('/rest/api/3/issue/BR-2?notifyUsers=false', {
      method: 'PUT',
      body: JSON.stringify({ update: { labels: [{ add: 'quiet' }] } }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      errorMessages: [
        'To discard the user notification either admin or project admin permissions are required.',
      ],
      errors: {},
    });
  });

  it('answers a token it no longer takes as it answers an anonymous visitor, saying the login failed', async () => {
    await expireBotToken(true);
    try {
      const issue = await rest('/rest/api/3/issue/BR-2');
      const myself = await rest('/rest/api/3/myself');

      expect(issue.status).toBe(404);
      expect(await issue.json()).toEqual({
        errorMessages: ['Issue does not exist or you do not have permission to see it.'],
        errors: {},
      });
      expect(issue.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
      expect(myself.status).toBe(401);
      expect(myself.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    } finally {
      await expireBotToken(false);
    }
  });

  it('answers 400 to labels with spaces and to text over 32,767 characters', async () => {
    const label = await rest('/rest/api/3/issue/BR-2', {
      method: 'PUT',
      body: JSON.stringify({ update: { labels: [{ add: 'needs criteria' }] } }),
    });
    expect(label.status).toBe(400);
    expect(await label.json()).toEqual({
      errorMessages: [],
      errors: { labels: "The label 'needs criteria' contains spaces which is invalid." },
    });
    const text = 'x'.repeat(TEXT_LIMIT);
    const comment = await rest('/rest/api/3/issue/BR-2/comment', {
      method: 'POST',
      body: JSON.stringify({
        body: {
          version: 1,
          type: 'doc',
          content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
        },
      }),
    });
    expect(comment.status).toBe(400);
    expect(((await comment.json()) as { errors: Record<string, string> }).errors.comment).toMatch(/32,767/);
  });

  it('answers 400 INVALID_INPUT to a document Jira cannot store: an empty text node, a list without items', async () => {
    const adf = (...content: unknown[]) => ({ version: 1, type: 'doc', content });
    const emptyText = await rest('/rest/api/3/issue/BR-2/comment', {
      method: 'POST',
      body: JSON.stringify({ body: adf({ type: 'paragraph', content: [{ type: 'text', text: '' }] }) }),
    });
    const emptyList = await rest('/rest/api/3/issue/BR-2', {
      method: 'PUT',
      body: JSON.stringify({ fields: { description: adf({ type: 'bulletList', content: [] }) } }),
    });
    const codeAndBold = await rest('/rest/api/3/issue/BR-2/comment', {
      method: 'POST',
      body: JSON.stringify({
        body: adf({
          type: 'paragraph',
          content: [{ type: 'text', text: 'npm test', marks: [{ type: 'code' }, { type: 'strong' }] }],
        }),
      }),
    });
    for (const answer of [emptyText, emptyList, codeAndBold]) {
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({ errorMessages: ['INVALID_INPUT'], errors: {} });
    }
  });

  it('pages comments by at most 100, whatever maxResults asks for', async () => {
    for (const query of ['', '?maxResults=5000']) {
      const answer = await rest(`/rest/api/3/issue/BR-2/comment${query}`);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ startAt: 0, maxResults: 100 });
    }
  });

  it('answers 400 to a number field given a string or a number of 10^14 or more', async () => {
    const edit = (value: unknown) =>
      rest('/rest/api/3/issue/BR-2', {
        method: 'PUT',
        body: JSON.stringify({ fields: { customfield_10016: value } }),
      });
    const before = issueOf('BR-2').custom.customfield_10016 ?? null;
    const text = await edit('3');
    expect(text.status).toBe(400);
    expect(await text.json()).toEqual({
      errorMessages: [],
      errors: { customfield_10016: 'Operation value must be a number' },
    });
    const huge = await edit(1e14);
    expect(huge.status).toBe(400);
    expect(await huge.json()).toEqual({
      errorMessages: [],
      errors: { customfield_10016: 'Specify a number for the custom field (below 100,000,000,000,000)' },
    });
    expect((await edit(99_999_999_999_999)).status).toBe(204);
    expect((await edit(before)).status).toBe(204);
  });

  it('answers 400 to a label over 255 characters', async () => {
    const label = 'x'.repeat(256);
    const answer = await rest('/rest/api/3/issue/BR-2', {
      method: 'PUT',
      body: JSON.stringify({ update: { labels: [{ add: label }] } }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      errorMessages: [],
      errors: {
        labels: `The label '${label}' exceeds the maximum length for a single label of 255 characters.`,
      },
    });
  });

  it('answers 400 to a summary over 255 characters or with a line break, on create and on edit', async () => {
    const create = (summary: string) =>
      rest('/rest/api/3/issue', {
        method: 'POST',
        body: JSON.stringify({ fields: { project: { key: 'BR' }, issuetype: { name: 'Task' }, summary } }),
      });
    const long = await create('x'.repeat(256));
    expect(long.status).toBe(400);
    expect(await long.json()).toEqual({
      errorMessages: [],
      errors: { summary: "Summary can't exceed 255 characters." },
    });
    const broken = await rest('/rest/api/3/issue/BR-2', {
      method: 'PUT',
      body: JSON.stringify({ fields: { summary: 'Sprint 12\nsummary' } }),
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({
      errorMessages: [],
      errors: { summary: 'The summary is invalid because it contains newline characters.' },
    });
    expect((await create('x'.repeat(255))).status).toBe(201);
  });

  it('requires a resolution on a screened transition and the create screen’s required fields', async () => {
    const transitions = (await (
      await rest('/rest/api/3/issue/OPS-1/transitions?expand=transitions.fields')
    ).json()) as { transitions: { id: string; fields: Record<string, { required: boolean }> }[] };
    const done = transitions.transitions.find((t) => t.id === '31')!;
    expect(done.fields.resolution?.required).toBe(true);

    const bare = await rest('/rest/api/3/issue/OPS-1/transitions', {
      method: 'POST',
      body: JSON.stringify({ transition: { id: '31' } }),
    });
    expect(bare.status).toBe(400);
    expect(await bare.json()).toEqual({
      errorMessages: [],
      errors: { resolution: 'Resolution is required.' },
    });

    const create = await rest('/rest/api/3/issue', {
      method: 'POST',
      body: JSON.stringify({
        fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'x' },
      }),
    });
    expect(create.status).toBe(400);
    expect(await create.json()).toEqual({
      errorMessages: [],
      errors: { components: 'Component/s is required.' },
    });
  });

  it('sends link events without an actor, system links marked', async () => {
    h.sandbox.act.link({ as: PERSON, from: 'BR-1', to: 'BR-2', type: 'jira_subtask_link', system: true });
    const delivery = h.sandbox.deliveries.at(-1)!;
    expect(delivery.event).toBe('issuelink_created');
    expect(delivery.payload.user).toBeUndefined();
    expect(delivery.payload.issueLink).toMatchObject({ systemLink: true });
  });

  it('records a link and its removal in the changelog of both issues, by the account that made them', async () => {
    const linked = await rest('/rest/api/3/issueLink', {
      method: 'POST',
      body: JSON.stringify({
        type: { name: 'Blocks' },
        inwardIssue: { key: 'OPS-1' },
        outwardIssue: { key: 'OPS-2' },
      }),
    });
    expect(linked.status).toBe(201);
    h.sandbox.act.unlink({ as: PERSON, from: 'OPS-1', to: 'OPS-2' });

    const history = async (key: string) => {
      const page = (await (await rest(`/rest/api/3/issue/${key}/changelog`)).json()) as {
        values: { author: { displayName: string }; items: Record<string, unknown>[] }[];
      };
      return page.values
        .filter((entry) => entry.items.some((item) => item.field === 'Link'))
        .map((entry) => [entry.author.displayName, entry.items]);
    };
    const link = (side: 'from' | 'to', key: string, words: string) => ({
      field: 'Link',
      fieldtype: 'jira',
      from: side === 'from' ? key : null,
      fromString: side === 'from' ? words : null,
      to: side === 'to' ? key : null,
      toString: side === 'to' ? words : null,
    });
    expect(await history('OPS-1')).toEqual([
      ['Backlog Refinery', [link('to', 'OPS-2', 'This issue blocks OPS-2')]],
      ['Dana Person', [link('from', 'OPS-2', 'This issue blocks OPS-2')]],
    ]);
    expect(await history('OPS-2')).toEqual([
      ['Backlog Refinery', [link('to', 'OPS-1', 'This issue is blocked by OPS-1')]],
      ['Dana Person', [link('from', 'OPS-1', 'This issue is blocked by OPS-1')]],
    ]);
  });

  it("answers a board's columns with their statuses as Jira does, and closes a sprint by its last mapped column", async () => {
    const { boards, sprints } = h.sandbox.seed({
      projects: [{ key: 'REL', name: 'Releases' }],
      boards: [
        {
          name: 'Release board',
          projectKey: 'REL',
          // An empty column right of the last one with statuses.
          columns: [...RELEASE_COLUMNS, { name: 'Archive', statuses: [] }],
        },
      ],
      sprints: [
        { name: 'Release 1', board: 'Release board', state: 'active', startDate: '2026-03-02T09:00:00.000Z' },
        { name: 'Release 2', board: 'Release board' },
      ],
      issues: ['To Do', 'Done', 'Verified', 'Released'].map((statusName) => ({
        projectKey: 'REL',
        summary: `${statusName} work`,
        statusName,
        sprints: ['Release 1'],
      })),
    });
    const status = (id: string) => ({ id, self: `${h.baseUrl}/rest/api/2/status/${id}` });
    const configuration = async (board: number) =>
      (await (await rest(`/rest/agile/1.0/board/${board}/configuration`)).json()) as {
        columnConfig: { columns: unknown[] };
      };

    const release = await configuration(boards['Release board']!);
    expect(release.columnConfig).toEqual({
      columns: [
        { name: 'To Do', statuses: [status('10000')] },
        { name: 'In Progress', statuses: [status('3')] },
        { name: 'Awaiting deploy', statuses: [status('10001')] },
        { name: 'Shipped', statuses: [status('10002'), status('10003')] },
        { name: 'Archive', statuses: [] },
      ],
      constraintType: 'none',
    });
    expect(GetConfigurationSchema.safeParse(release).success).toBe(true);
    // A board seeded without columns has Jira's three, each status in the column of its category.
    expect((await configuration(1)).columnConfig.columns).toEqual([
      { name: 'To Do', statuses: [status('10000')] },
      { name: 'In Progress', statuses: [status('3'), status('10002')] },
      { name: 'Done', statuses: [status('10001'), status('10003')] },
    ]);

    h.sandbox.act.closeSprint({
      as: PERSON,
      sprintId: sprints['Release 1']!,
      moveOpenTo: sprints['Release 2']!,
    });
    const next = [...h.sandbox.state.issues.values()]
      .filter((issue) => issue.sprintIds.includes(sprints['Release 2']!))
      .map((issue) => issue.summary);
    expect(next).toEqual(['To Do work', 'Done work']);
  });
});

describe('the Jira adapter copes with what Jira Cloud does', () => {
  it('keeps its comments on a Service Management ticket internal: the customer hears nothing', async () => {
    const before = emails('DESK-1').length;

    await h.jira.upsertComment(ref('DESK-1'), 'score', doc(paragraph('Scorecard for agents')));

    const comment = h.sandbox.state.comments.filter((c) => c.issueId === ref('DESK-1').id).at(-1)!;
    expect(comment.internal).toBe(true);
    expect(emails('DESK-1').slice(before)).toEqual([]);
  });

  it('turns a comment it posted public before (an older version) internal when it next edits it', async () => {
    const { id } = await h.jira.upsertComment(ref('DESK-1'), 'legacy', doc(paragraph('Old')));
    const legacy = h.sandbox.state.comments.find((c) => c.id === id)!;
    legacy.internal = false;

    await h.jira.upsertComment(ref('DESK-1'), 'legacy', doc(paragraph('New')));

    expect(legacy.internal).toBe(true);
  });

  it('posts a comment meant for customers publicly when asked to', async () => {
    await h.jira.upsertComment(ref('DESK-1'), 'customer notice', doc(paragraph('Fixed')), {
      audience: 'customers',
    });

    const comment = h.sandbox.state.comments.filter((c) => c.issueId === ref('DESK-1').id).at(-1)!;
    expect(comment.internal).toBe(false);
    expect(emails('DESK-1').at(-1)).toEqual({ to: CUSTOMER, issueKey: 'DESK-1', kind: 'customer-comment' });
  });

  it('edits quietly where it may administer the project, and still edits where it may not', async () => {
    await h.jira.setLabel(ref('ADM-1'), 'scored', true);
    await h.jira.setNumberFields(ref('ADM-1'), { Effort: 3 }, { createMissing: false });
    await h.jira.setLabel(ref('BR-2'), 'scored', true);

    expect(emails('ADM-1')).toEqual([]);
    expect(issueOf('ADM-1').labels).toContain('scored');
    expect(emails('BR-2')).toContainEqual({ to: PERSON, issueKey: 'BR-2', kind: 'updated' });
    expect(issueOf('BR-2').labels).toContain('scored');
  });

  it('writes scores quietly as a site admin (Administer Jira) in a project it is no project admin of', async () => {
    h.sandbox.state.setup.botIsAdmin = true;
    try {
      // A new adapter: it learns the account's permissions per project once, and OPS must be learned as admin.
      const siteAdmin = createJiraTracker({
        baseUrl: h.baseUrl,
        email: h.sandbox.botCredentials.email,
        apiToken: h.sandbox.botCredentials.apiToken,
        log: createLogger({ level: 'silent' }),
        onSchemaMismatch: 'throw',
      });

      const outcome = await siteAdmin.setNumberFields(ref('OPS-2'), { Effort: 5 }, { createMissing: false });

      expect(outcome.written).toEqual(['Effort']);
      expect(issueOf('OPS-2').custom.customfield_10051).toBe(5);
      expect(emails('OPS-2')).toEqual([]);
    } finally {
      h.sandbox.state.setup.botIsAdmin = false;
    }
  });

  it('trims a comment, a description and a new issue longer than Jira takes, pointing to the rest', async () => {
    const huge = longList(3_000);

    const outcome = await h.jira.upsertComment(ref('BR-2'), 'sprint-summary 12', huge);
    await h.jira.setDescription(
      ref('BR-2'),
      `# Summary\n${'- a long line of the sprint summary\n'.repeat(3_000)}`,
    );
    const created = await h.jira.createItem(
      { containerId: 'BR', typeOrList: 'Task' },
      {
        title: 'Sprint 12',
        body: huge,
        labels: [],
      },
    );

    const comment = h.sandbox.state.comments.find((c) => c.id === outcome.id)!;
    for (const stored of [comment.body, issueOf('BR-2').description, issueOf(created.key).description]) {
      const json = JSON.stringify(stored);
      expect(json.length).toBeLessThanOrEqual(TEXT_LIMIT);
      expect(json).toMatch(/more lines not shown \(Jira stops at 32,767 characters\)/);
    }
    expect(JSON.stringify(comment.body)).toContain(`${h.baseUrl}/browse/BR-2`);
  });

  it("renames a moved item's key in its comment within Jira's limit: a comment the longer key would overflow is cut again, one notice counting every hidden line", async () => {
    const url = (key: string) => `${h.baseUrl}/browse/${key}`;
    const naming = (key: string) =>
      doc(
        paragraph('Linked to ', link(key, url(key)), ' Export invoices as CSV.'),
        bulletList(
          Array.from({ length: 2_000 }, (_, i) =>
            inline('Also worded like ', link(key, url(key)), ` (${i})`),
          ),
        ),
      );
    const posted = await h.jira.upsertComment(ref('BR-2'), 'link', naming('APP-1'));
    const stored = () => JSON.stringify(h.sandbox.state.comments.find((c) => c.id === posted.id)?.body);
    // Cut to what Jira takes when posted: nearly full, so every longer key in it makes it too long.
    expect(stored().length).toBeGreaterThan(TEXT_LIMIT - 200);

    const renamed = await h.jira.renameInOwnComment(ref('BR-2'), 'link', 'APP-1', 'LONGPROJECT-1');

    expect(renamed).toEqual({ id: posted.id, action: 'updated' });
    expect(stored().length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(stored()).toContain(`"href":"${url('LONGPROJECT-1')}"`);
    expect(stored()).not.toMatch(/\bAPP-1\b/);
    expect(stored()).toMatch(/more lines not shown \(Jira stops at 32,767 characters\)/);
    expect(stored()).toContain(`"href":"${url('BR-2')}"`);
    const text = (await h.jira.getOwnComment(ref('BR-2'), 'link'))?.text ?? '';
    expect(text).toMatch(/^Linked to LONGPROJECT-1 /);
    // One notice, counting every line of the 2,001 not shown: those the first cut hid too.
    const { shown, hidden } = cutPost(text);
    expect(hidden).toEqual([2_001 - shown]);
    expect(await h.jira.renameInOwnComment(ref('BR-2'), 'link', 'APP-1', 'LONGPROJECT-1')).toEqual({
      id: posted.id,
      action: 'unchanged',
    });
  });

  it('posts the summary of a 600-item sprint, cut to what Jira takes', async () => {
    const items = Array.from({ length: 600 }, (_, i) =>
      issue(i + 1, i % 3 === 0 ? 'in_progress' : 'done', 3),
    );
    const stats = summarizeSprint({ ...common, items, removed: [], history: {}, linkedTicketsResolved: {} });
    const body = renderSprintSummary(stats, { title: 'Sprint 12 summary' });

    const created = await h.jira.createItem(
      { containerId: 'BR', typeOrList: 'Task' },
      {
        title: 'Sprint 12 summary',
        body,
        labels: ['sprint-summary'],
      },
    );

    const description = JSON.stringify(issueOf(created.key).description);
    expect(description.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(description).toContain('ABC-1');
    expect(description).toMatch(/more lines not shown/);
  });

  it('creates an issue whose title is longer than a Jira summary, on one line, cut with an ellipsis', async () => {
    const title = `${'Quarterly platform reliability and customer onboarding improvements '.repeat(5)}\nsummary`;

    const created = await h.jira.createItem(
      { containerId: 'BR', typeOrList: 'Task' },
      { title, body: doc(paragraph('Body')), labels: [] },
    );

    const summary = issueOf(created.key).summary;
    expect(summary.length).toBe(255);
    expect(summary).not.toMatch(/\n/);
    expect(summary).toMatch(/^Quarterly platform reliability and customer onboarding improvements Quarterly/);
    expect(summary.endsWith('…')).toBe(true);
  });

  it('links a Trello card without a name, titling the remote link by the card (Jira requires a title)', async () => {
    const card = {
      kind: 'item' as const,
      ref: { tracker: 'trello' as const, id: '64f0c0ffee0000000000abcd', key: 'AbCd1234' },
      url: 'https://trello.com/c/AbCd1234',
      title: '',
    };

    expect(await h.jira.addLink(ref('BR-2'), card, 'relates to')).toBe(true);

    const link = h.sandbox.state.remoteLinks.find((l) => l.object.url === card.url)!;
    expect(link.object.title).toBe('AbCd1234');
    expect(await h.jira.addLink(ref('BR-2'), card, 'relates to')).toBe(false);
  });

  it('writes the same-named number field that is on the issue’s edit screen', async () => {
    const outcome = await h.jira.setNumberFields(ref('TEAM-1'), { Impact: 4 }, { createMissing: false });

    expect(outcome).toEqual({ written: ['Impact'], unchanged: [], missing: [] });
    expect(issueOf('TEAM-1').custom.customfield_10070).toBe(4);
  });

  it('refuses a label with spaces before asking Jira, saying why', async () => {
    const writes = h.sandbox.writes.length;

    const error = await h.jira.setLabel(ref('BR-2'), 'needs criteria', true).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TrackerError);
    expect(error).toMatchObject({ kind: ErrorKind.Validation });
    expect((error as Error).message).toMatch(/Jira labels cannot contain spaces: "needs criteria"/);
    expect(h.sandbox.writes.length).toBe(writes);
  });

  it('fills a required resolution on the way to Done, and names required fields it cannot fill', async () => {
    await h.jira.moveTo(ref('OPS-1'), 'Done');

    expect(issueOf('OPS-1')).toMatchObject({ statusId: '10001', resolution: 'Done' });
    const configured = createJiraTracker({
      baseUrl: h.baseUrl,
      email: h.sandbox.botCredentials.email,
      apiToken: h.sandbox.botCredentials.apiToken,
      log: createLogger({ level: 'silent' }),
      onSchemaMismatch: 'throw',
      resolution: "won't do",
    });
    await configured.moveTo(ref('OPS-2'), 'Done');
    expect(issueOf('OPS-2').resolution).toBe("Won't Do");
    const error = await h.jira
      .createItem({ containerId: 'OPS', typeOrList: 'Task' }, { title: 'x', body: doc(), labels: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: ErrorKind.Validation });
    expect((error as Error).message).toBe(
      'Jira requires Component/s to create a Task in OPS, and the service cannot choose a value: make the field optional or give it a default in OPS',
    );
  });

  it('answers a 429 as Jira does: Retry-After, X-RateLimit-* and a RateLimit-Reason naming the limit hit', async () => {
    h.sandbox.injectFault({
      pathPrefix: '/rest/api/3/issue/BR-2/comment',
      method: 'POST',
      status: 429,
      count: 1,
      retryAfterSeconds: 3,
      rateLimitReason: 'jira-per-issue-on-write',
    });
    const before = Date.now();
    const perIssue = await rest('/rest/api/3/issue/BR-2/comment', {
      method: 'POST',
      body: JSON.stringify({ body: doc(paragraph('too soon')) }),
    });
    const after = Date.now();

    expect(perIssue.status).toBe(429);
    expect(perIssue.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect(perIssue.headers.get('retry-after')).toBe('3');
    expect(perIssue.headers.get('x-ratelimit-limit')).toBe('20');
    expect(perIssue.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = perIssue.headers.get('x-ratelimit-reset') ?? '';
    expect(reset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(reset)).toBeGreaterThanOrEqual(Math.floor(before / 1_000) * 1_000 + 3_000);
    expect(Date.parse(reset)).toBeLessThanOrEqual(after + 3_000);

    // Without a reason given, a 429 is the burst limit of that endpoint and method (50 a second for PUT).
    h.sandbox.injectFault({ pathPrefix: '/rest/api/3/issue/BR-2', method: 'PUT', status: 429, count: 1 });
    const burst = await rest('/rest/api/3/issue/BR-2', {
      method: 'PUT',
      body: JSON.stringify({ fields: { labels: ['x'] } }),
    });
    expect(burst.status).toBe(429);
    expect(burst.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect(burst.headers.get('x-ratelimit-limit')).toBe('50');
    expect(burst.headers.get('retry-after')).toBeNull();
  });

  it('fails as a credentials problem when Jira no longer takes its token, not as an issue gone', async () => {
    await expireBotToken(true);
    try {
      const read = await h.jira.getItem(ref('BR-2')).catch((e: unknown) => e);

      expect(read).toBeInstanceOf(TrackerError);
      expect(read).toMatchObject({ kind: ErrorKind.Auth, status: 401 });
      expect((read as TrackerError).message).toContain('AUTHENTICATED_FAILED');
    } finally {
      await expireBotToken(false);
    }
  });

  it('keeps the Retry-After of a 503 and paces writes per endpoint and per issue', async () => {
    h.sandbox.injectFault({
      pathPrefix: '/rest/api/3/issue/BR-1',
      method: 'GET',
      status: 503,
      count: 1,
      retryAfterSeconds: 7,
    });
    const error = await h.jira.getItem({ tracker: 'jira', id: 'BR-1', key: 'BR-1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: ErrorKind.Server, status: 503, retryAfterMs: 7_000 });

    const acquired: string[][] = [];
    const paced = createJiraTracker({
      baseUrl: h.baseUrl,
      email: h.sandbox.botCredentials.email,
      apiToken: h.sandbox.botCredentials.apiToken,
      log: createLogger({ level: 'silent' }),
      onSchemaMismatch: 'throw',
      limiter: { acquire: async (keys) => void acquired.push([...keys]) },
    });
    await paced.setLabel(ref('BR-1'), 'paced', true);

    expect(acquired).toHaveLength(1);
    expect(acquired[0]).toEqual([
      expect.stringMatching(/^jira-burst:[0-9a-f]{16}:PUT \/rest\/api\/3\/issue\/\{id\}$/),
      expect.stringMatching(new RegExp(`^jira-issue:[0-9a-f]{16}:${ref('BR-1').id}$`)),
      expect.stringMatching(new RegExp(`^jira-issue-30s:[0-9a-f]{16}:${ref('BR-1').id}$`)),
    ]);
  });
});
