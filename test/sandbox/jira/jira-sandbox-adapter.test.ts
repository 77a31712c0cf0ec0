import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bold,
  code,
  codeBlock,
  doc,
  heading,
  inline,
  italic,
  link,
  orderedList,
  paragraph,
  rule,
  table,
} from '../../../src/domain/doc.ts';
import { ErrorKind } from '../../../src/errors.ts';
import { type Harness, PERSON, startHarness } from './sandbox-harness.ts';

const ref = (n: number) => ({ tracker: 'jira' as const, id: String(10000 + n), key: `BR-${n}` });
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('Jira adapter against the sandbox (served under a path prefix)', () => {
  it('reads the bot account and an issue with fields by name', async () => {
    expect(await h.jira.whoAmI()).toEqual({
      id: h.sandbox.botCredentials.accountId,
      displayName: 'Backlog Refinery',
      mentions: ['@Backlog Refinery', `@${h.sandbox.botCredentials.accountId}`],
    });

    const item = await h.jira.getItem(ref(1));

    expect(item).toMatchObject({
      ref: ref(1),
      url: `${h.baseUrl}/browse/BR-1`,
      title: 'Export invoices as CSV',
      description: '### Story\nAs a bookkeeper I want a CSV export\n- Given an invoice',
      type: 'Story',
      status: { id: '10000', name: 'To Do', category: 'todo' },
      container: { key: 'BR', projectType: 'software' },
      labels: ['billing'],
      estimate: { storyPoints: 5 },
      reporter: { id: PERSON, displayName: 'Dana Person' },
    });
    expect(item.fields).toMatchObject({ Impact: 8, Severity: 'Major', Effort: null });
  });

  it('finds issues by key and URL and pages a project', async () => {
    expect((await h.jira.findItem(`${h.baseUrl}/browse/SUP-1`))?.container.projectType).toBe('service_desk');
    expect(await h.jira.findItem('BR-99')).toBeUndefined();

    const page = await h.jira.listItems({ kind: 'container', containerId: 'BR' });

    expect(page.items.map((i) => i.ref.key)).toEqual(['BR-1', 'BR-2']);
    expect(page.next).toBeUndefined();
  });

  it('reads many issues in one request, leaving out those that do not exist', async () => {
    const before = h.sandbox.requests.length;

    const items = await h.jira.getItems?.([
      ref(2),
      ref(99),
      { tracker: 'jira', id: 'SUP-1', key: 'SUP-1' },
      ref(1),
    ]);

    expect(items?.map((item) => [item.ref.key, item.status.category, item.container.projectType])).toEqual([
      ['BR-1', 'todo', 'software'],
      ['BR-2', 'todo', 'software'],
      ['SUP-1', 'todo', 'service_desk'],
    ]);
    expect(h.sandbox.requests.slice(before)).toEqual(['POST /rest/api/3/issue/bulkfetch']);
  });

  it('writes number fields, skips unchanged ones and reports fields off the edit screen', async () => {
    const values = { Impact: 8, Effort: 3, 'Priority score': 2.67, Confidence: 0.8, Nope: 1 };

    const first = await h.jira.setNumberFields(ref(1), values, { createMissing: false });
    const second = await h.jira.setNumberFields(ref(1), values, { createMissing: false });

    expect(first).toEqual({
      written: ['Effort', 'Priority score'],
      unchanged: ['Impact'],
      missing: [
        { name: 'Nope', reason: 'no Jira field has this name' },
        {
          name: 'Confidence',
          reason:
            "not on the edit screen of BR-1 or outside the field's context for BR-1's project and issue type",
        },
      ],
    });
    expect(second.written).toEqual([]);
    expect((await h.jira.getItem(ref(1))).fields['Priority score']).toBe(2.67);
  });

  it('reports a field on the edit screen whose context leaves out the project, with both possible causes', async () => {
    h.sandbox.seed({ fieldContexts: [{ field: 'Reach', name: 'Support only', projects: ['SUP'] }] });

    const outcome = await h.jira.setNumberFields(ref(2), { Reach: 5, Effort: 2 }, { createMissing: false });

    expect(outcome).toEqual({
      written: ['Effort'],
      unchanged: [],
      missing: [
        {
          name: 'Reach',
          reason:
            "not on the edit screen of BR-2 or outside the field's context for BR-2's project and issue type",
        },
      ],
    });
    expect(h.sandbox.state.issues.get(ref(2).id)?.custom.customfield_10053).toBeUndefined();
  });

  it('keeps one comment per purpose, editing it in place', async () => {
    const body = (n: string) => doc(paragraph(`Score ${n}`), table(['Impact', 'Effort'], [['8', n]]));

    const created = await h.jira.upsertComment(ref(2), 'score', body('3'));
    const same = await h.jira.upsertComment(ref(2), 'score', body('3'));
    const updated = await h.jira.upsertComment(ref(2), 'score', body('5'));

    expect([created.action, same.action, updated.action]).toEqual(['created', 'unchanged', 'updated']);
    expect(h.sandbox.state.comments.filter((c) => c.issueId === ref(2).id)).toHaveLength(1);
    expect(await h.jira.getOwnComment(ref(2), 'score')).toEqual({
      id: created.id,
      text: 'Score 5\nImpact | Effort\n8 | 5',
      doc: body('5'),
      // Jira reads every comment outside Service Management as public (`jsdPublic`).
      audience: 'customers',
    });
    expect(await h.jira.deleteOwnComment(ref(2), 'score')).toBe(true);
    expect(await h.jira.getOwnComment(ref(2), 'score')).toBeUndefined();
  });

  it('reads its own comment back as the document it wrote, for undo to write it again', async () => {
    const body = doc(
      heading(2, 'Sprint 1 ', italic('summary')),
      orderedList([inline(bold('Done'), ': ', link('BR-1', 'https://example.atlassian.net/browse/BR-1'))]),
      paragraph('Run ', code('npm run doctor'), ' first.'),
      codeBlock('line 1\nline 2'),
      rule(),
    );
    await h.jira.upsertComment(ref(3), 'summary', body);

    expect((await h.jira.getOwnComment(ref(3), 'summary'))?.doc).toEqual(body);
  });

  it('sets labels, moves through the workflow and rewrites the description', async () => {
    expect(await h.jira.setLabel(ref(2), 'needs-ac', true)).toBe(true);
    expect(await h.jira.setLabel(ref(2), 'needs-ac', true)).toBe(false);
    await h.jira.moveTo(ref(2), 'in progress');
    await h.jira.setDescription(ref(2), '## AC\n1. Given a file\n2. Then rows appear');

    const item = await h.jira.getItem(ref(2));

    expect(item).toMatchObject({
      labels: ['needs-ac'],
      status: { name: 'In Progress', category: 'in_progress' },
    });
    expect(item.description).toBe('### AC\n1. Given a file\n2. Then rows appear');
    await expect(h.jira.moveTo(ref(1), 'Done')).rejects.toMatchObject({ kind: ErrorKind.Validation });
  });

  it('appends to a description and takes it back without reading what people wrote as Markdown', async () => {
    const written = {
      type: 'paragraph',
      content: [{ type: 'text', text: 'Log in at [x](https://evil.example) _first_' }],
    };
    const ticket = { tracker: 'jira' as const, id: '10003', key: 'SUP-1' };
    h.sandbox.state.issues.get(ticket.id)!.description = { type: 'doc', version: 1, content: [written] };
    const before = (await h.jira.getItem(ticket)).description;

    await h.jira.setDescription(ticket, `${before}\n\n## AC\n1. Given a [file](https://example.com)`);
    const appended = h.sandbox.state.issues.get(ticket.id)!.description!;
    expect(appended.content[0]).toEqual(written);
    expect(JSON.stringify(appended.content.slice(1))).toContain('https://example.com');

    await h.jira.setDescription(ticket, before);
    expect(h.sandbox.state.issues.get(ticket.id)!.description).toEqual({
      type: 'doc',
      version: 1,
      content: [written],
    });
  });

  it('links issues natively and across trackers, idempotently', async () => {
    const backlog = {
      kind: 'item' as const,
      ref: ref(1),
      url: `${h.baseUrl}/browse/BR-1`,
      title: 'Export invoices as CSV',
    };
    const card = { kind: 'url' as const, url: 'https://trello.com/c/AbCd1234', title: 'Card' };
    const ticket = { tracker: 'jira' as const, id: '10003', key: 'SUP-1' };

    const results = [
      await h.jira.addLink(ticket, backlog, ''),
      await h.jira.addLink(ticket, backlog, 'Relates'),
      await h.jira.addLink(ticket, card, 'mentioned in'),
      await h.jira.addLink(ticket, card, 'mentioned in'),
    ];
    const links = (await h.jira.getItem(ticket)).links;

    expect(results).toEqual([true, false, true, false]);
    expect(links.map((l) => [l.type, l.direction, l.target.title])).toEqual([
      ['Relates', 'outward', 'Export invoices as CSV'],
      ['mentioned in', 'outward', 'Card'],
    ]);
    expect(await h.jira.removeLink(ticket, backlog)).toBe(true);
    expect(await h.jira.removeLink(ticket, card)).toBe(true);
  });

  it('creates issues and reads sprints, their items and sprint history', async () => {
    const created = await h.jira.createItem(
      { containerId: 'BR', typeOrList: 'Task' },
      { title: 'Follow-up', body: doc(paragraph('From support')), labels: ['from-support'] },
    );
    h.sandbox.act.addToSprint({ as: PERSON, sprintId: 2, issues: ['BR-2'] });
    const sprints = h.jira.sprints;

    expect(created.key).toBe('BR-3');
    expect((await sprints?.getActiveSprints('1'))?.[0]).toMatchObject({
      id: '1',
      name: 'Sprint 1',
      state: 'active',
      boardId: '1',
    });
    expect(await sprints?.getBoardConfiguration('1')).toEqual({
      estimationField: { id: 'customfield_10016', name: 'Story Points' },
      doneStatuses: ['10001', '10003'],
    });
    expect(
      (await sprints?.getSprintItems('1', 'customfield_10016'))?.map((i) => [
        i.ref.key,
        i.estimate.storyPoints,
      ]),
    ).toEqual([['BR-1', 5]]);
    const histories = await sprints?.getHistories([ref(2)]);
    expect(histories?.[ref(2).id]?.sprint.map(({ from, to }) => ({ from, to }))).toEqual([
      { from: ['1'], to: ['2'] },
    ]);
  });

  it('finds the issues that left a sprint since its start, with their history; not sub-tasks, not those still in', async () => {
    // BR-2 moved on to Sprint 2 in the test before; a sub-task went in and out; BR-1 and "Back again" are in.
    const subtask = h.sandbox.act.createIssue({
      as: PERSON,
      project: 'BR',
      summary: 'Check the totals',
      issuetype: 'Sub-task',
    });
    h.sandbox.act.addToSprint({ as: PERSON, sprintId: 1, issues: [subtask.key] });
    h.sandbox.act.removeFromSprint({ as: PERSON, issues: [subtask.key] });
    const back = h.sandbox.act.createIssue({ as: PERSON, project: 'BR', summary: 'Back again' });
    h.sandbox.act.addToSprint({ as: PERSON, sprintId: 1, issues: [back.key] });
    h.sandbox.act.removeFromSprint({ as: PERSON, issues: [back.key] });
    h.sandbox.act.addToSprint({ as: PERSON, sprintId: 1, issues: [back.key] });
    h.sandbox.act.editIssue({ as: PERSON, issue: 'BR-2', fields: { 'Story Points': 3 } });
    const sprints = h.jira.sprints!;

    const left = await sprints.getItemsLeft(await sprints.getSprint('1'), ['BR', 'BR'], 'customfield_10016');

    expect(
      left.map(({ item, history }) => ({
        key: item.ref.key,
        sprint: history.sprint.map(({ from, to }) => [from, to]),
        estimate: history.estimate.map(({ from, to }) => [from, to]),
      })),
    ).toEqual([{ key: 'BR-2', sprint: [[['1'], ['2']]], estimate: [[undefined, 3]] }]);
  });

  it('answers injected faults: 429 with Retry-After, then normally; 500 as a server error', async () => {
    h.sandbox.injectFault({
      pathPrefix: '/rest/api/3/issue/10001',
      method: 'GET',
      status: 429,
      count: 1,
      retryAfterSeconds: 3,
    });
    h.sandbox.injectFault({ pathPrefix: '/rest/api/3/issue/10002/transitions', status: 500, count: 1 });

    await expect(h.jira.setLabel(ref(1), 'x', false)).rejects.toMatchObject({
      kind: ErrorKind.RateLimit,
      retryAfterMs: 3000,
    });
    await expect(h.jira.setLabel(ref(1), 'x', false)).resolves.toBe(false);
    await expect(h.jira.moveTo(ref(2), 'Done')).rejects.toMatchObject({
      kind: ErrorKind.Server,
      status: 500,
    });
  });

  it('records every write with the account that made it', () => {
    const bot = h.sandbox.botCredentials.accountId;

    expect(h.sandbox.writes.length).toBeGreaterThan(10);
    expect(new Set(h.sandbox.writes.map((w) => w.actor))).toEqual(new Set([bot]));
    expect(h.sandbox.writes).toContainEqual(
      expect.objectContaining({
        method: 'PUT',
        path: '/rest/api/3/issue/10002',
        body: { update: { labels: [{ add: 'needs-ac' }] } },
      }),
    );
  });
});
