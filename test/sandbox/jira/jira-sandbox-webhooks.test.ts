import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidJiraSignature } from '../../../src/trackers/jira/jira-signature.ts';
import { toJiraEvent } from '../../../src/trackers/jira/jira-webhook.ts';
import type { JiraDelivery } from '../../../src/trackers/jira/jira-webhook-schema.ts';
import { wikiToPlainText } from '../../../src/trackers/jira/wiki-text.ts';
import { type Harness, PERSON, startHarness } from './sandbox-harness.ts';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  body: Record<string, unknown>;
}

const SECRET = 'It is a secret to everybody';
let receiver: FastifyInstance;
let received: Received[] = [];
let failNext = 0;
let h: Harness;

beforeAll(async () => {
  receiver = Fastify();
  receiver.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );
  receiver.post('/hooks/jira', async (request, reply) => {
    const raw = request.body as Buffer;
    if (failNext > 0) {
      failNext -= 1;
      return reply.code(503).send();
    }
    received.push({ headers: request.headers, raw, body: JSON.parse(raw.toString('utf8')) });
    return reply.code(202).send();
  });
  await receiver.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks/jira`;
  h = await startHarness({
    webhook: { url, secret: SECRET },
    now: () => new Date('2026-03-04T12:00:00.000Z'),
  });
});

afterAll(async () => {
  await h.close();
  await receiver.close();
});

describe('Jira sandbox webhooks', () => {
  it("a person's comment arrives as a signed comment_created with a wiki-markup body", async () => {
    received = [];

    h.sandbox.act.comment({
      as: PERSON,
      issue: 'BR-1',
      body: 'Looks good\n\n/score impact=3\n\n```\n/ignored\n```',
    });
    await h.sandbox.settled();

    const events = received.map((r) => r.body.webhookEvent);
    expect(events).toEqual(['comment_created', 'jira:issue_updated']);
    const [delivery] = received;
    if (!delivery) throw new Error('no delivery');
    expect(isValidJiraSignature(delivery.raw, String(delivery.headers['x-hub-signature']), [SECRET])).toBe(
      true,
    );
    expect(delivery.headers['x-atlassian-webhook-flow']).toBe('Primary');
    expect(delivery.headers['x-atlassian-webhook-identifier']).not.toBe(
      received[1]?.headers['x-atlassian-webhook-identifier'],
    );
    expect(delivery.body).toMatchObject({
      timestamp: Date.parse('2026-03-04T12:00:00.000Z'),
      comment: {
        author: { accountId: PERSON, displayName: 'Dana Person' },
        body: 'Looks good\n\n/score impact=3\n\n{code}\n/ignored\n{code}',
        created: '2026-03-04T12:00:00.000+0000',
      },
      issue: { key: 'BR-1', fields: { summary: 'Export invoices as CSV', status: { name: 'To Do' } } },
    });
    expect(Object.keys((delivery.body.issue as { fields: object }).fields).sort()).toEqual([
      'assignee',
      'issuetype',
      'priority',
      'project',
      'status',
      'summary',
    ]);
    const text = wikiToPlainText(String((delivery.body.comment as { body: string }).body));
    expect(text.split('\n')).toContain('/score impact=3');
  });

  it('quotes and pasted links arrive as Jira renders them: {quote} blocks and smart links', async () => {
    received = [];
    const url = 'https://acme.atlassian.net/browse/BR-2';
    const text = (value: string) => ({ type: 'text', text: value });

    h.sandbox.act.comment({
      as: PERSON,
      issue: 'BR-1',
      body: {
        type: 'doc',
        version: 1,
        content: [
          { type: 'blockquote', content: [{ type: 'paragraph', content: [text('/score impact=5')] }] },
          { type: 'paragraph', content: [text('/link '), { type: 'inlineCard', attrs: { url } }] },
        ],
      },
    });
    await h.sandbox.settled();

    const body = String((received[0]?.body.comment as { body?: string } | undefined)?.body);
    expect(body).toBe(`{quote}\n/score impact=5\n{quote}\n\n/link [${url}|${url}|smart-link]`);
    expect(wikiToPlainText(body).split('\n')).toEqual(['> /score impact=5', '', `/link ${url}`]);
  });

  it('bot writes through the API send webhooks too, with changelog items', async () => {
    received = [];

    await h.jira.setNumberFields(
      { tracker: 'jira', id: '10002', key: 'BR-2' },
      { Impact: 4 },
      { createMissing: false },
    );
    await h.sandbox.settled();

    expect(received).toHaveLength(1);
    expect(received[0]?.body).toMatchObject({
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_updated',
      user: { accountId: h.sandbox.botCredentials.accountId, accountType: 'app' },
      changelog: {
        items: [
          {
            field: 'Impact',
            fieldtype: 'custom',
            fieldId: 'customfield_10050',
            fromString: null,
            toString: '4',
          },
        ],
      },
    });
  });

  it('retries a delivery the receiver rejects with 503, keeping its identifier', async () => {
    received = [];
    failNext = 2;

    h.sandbox.act.transition({ as: PERSON, issue: 'BR-1', to: 'In Progress' });
    await h.sandbox.settled();

    const last = h.sandbox.deliveries.at(-1);
    expect(last).toMatchObject({
      event: 'jira:issue_updated',
      status: 'delivered',
      attempts: 3,
      lastStatus: 202,
    });
    expect(received.map((r) => r.headers['x-atlassian-webhook-identifier'])).toEqual([last?.id]);
    expect(received[0]?.body).toMatchObject({
      issue_event_type_name: 'issue_generic',
      changelog: {
        items: [{ field: 'status', from: '10000', fromString: 'To Do', to: '3', toString: 'In Progress' }],
      },
    });
  });

  it('sprint start and close arrive with the Agile sprint object', async () => {
    received = [];

    h.sandbox.act.closeSprint({ as: PERSON, sprintId: 1, moveOpenTo: 2 });
    h.sandbox.act.startSprint({ sprintId: 2 });
    await h.sandbox.settled();

    const sprintEvents = received.filter((r) => String(r.body.webhookEvent).startsWith('sprint_'));
    expect(sprintEvents.map((r) => r.body)).toMatchObject([
      {
        webhookEvent: 'sprint_closed',
        sprint: { id: 1, state: 'closed', originBoardId: 1, completeDate: '2026-03-04T12:00:00.000Z' },
      },
      {
        webhookEvent: 'sprint_started',
        sprint: { id: 2, state: 'active', startDate: '2026-03-04T12:00:00.000Z' },
      },
    ]);
  });

  it('control routes seed, act and dump state over HTTP', async () => {
    const post = (path: string, body: unknown) =>
      h.app.inject({ method: 'POST', url: `/_sandbox/jira${path}`, payload: body as object });

    const created = await post('/act/issues', { as: PERSON, project: 'SUP', summary: 'Printer on fire' });
    const bad = await post('/act/issues/SUP-99/comments', { as: PERSON, body: 'hi' });
    const state = await h.app.inject({ method: 'GET', url: '/_sandbox/jira/state' });

    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ key: 'SUP-2' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ errorMessages: ["Issue 'SUP-99' does not exist"], errors: {} });
    expect(state.json().issues.map((i: { key: string }) => i.key)).toContain('SUP-2');
  });

  it('a security level set, then removed, through PUT /issue is one jira:issue_updated each, with Jira’s security item', async () => {
    h.sandbox.seed({ securityLevels: [{ name: 'Staff', members: [PERSON] }] });
    const { id, key } = h.sandbox.act.createIssue({ as: PERSON, project: 'BR', summary: 'Leaky tokens' });
    const asPerson = `Basic ${Buffer.from('dana@sandbox.test:token').toString('base64')}`;
    const put = (security: unknown) =>
      fetch(`${h.baseUrl}/rest/api/3/issue/${key}`, {
        method: 'PUT',
        headers: { authorization: asPerson, 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { security } }),
      });
    const editmeta = await fetch(`${h.baseUrl}/rest/api/3/issue/${key}/editmeta`, {
      headers: { authorization: asPerson },
    }).then((response) => response.json() as Promise<{ fields: Record<string, unknown> }>);
    expect(editmeta.fields.security).toMatchObject({
      key: 'security',
      name: 'Security Level',
      operations: ['set'],
      allowedValues: [{ id: '10000', name: 'Staff' }],
    });
    await h.sandbox.settled();
    received = [];

    expect((await put({ id: '10000' })).status).toBe(204);
    expect((await h.jira.getItem({ tracker: 'jira', id, key }))?.restricted).toBe(true);
    expect((await put(null)).status).toBe(204);
    expect((await h.jira.getItem({ tracker: 'jira', id, key }))?.restricted).toBeUndefined();
    const unknown = await put({ id: '99999' });
    await h.sandbox.settled();

    expect(unknown.status).toBe(400);
    expect(received.map((r) => r.body)).toMatchObject([
      {
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_updated',
        issue: { key, fields: { security: { id: '10000', name: 'Staff' } } },
        changelog: {
          items: [
            {
              field: 'security',
              fieldtype: 'jira',
              fieldId: 'security',
              from: null,
              fromString: null,
              to: '10000',
              toString: 'Staff',
            },
          ],
        },
      },
      {
        webhookEvent: 'jira:issue_updated',
        changelog: {
          items: [
            {
              field: 'security',
              fieldId: 'security',
              from: '10000',
              fromString: 'Staff',
              to: null,
              toString: null,
            },
          ],
        },
      },
    ]);
    expect(received).toHaveLength(2);
    expect((received[1]!.body.issue as { fields: object }).fields).not.toHaveProperty('security');
  });

  it('a move to another project gives a new key, says so in one issue_moved update, and the old key still answers', async () => {
    const ticket = h.sandbox.act.createIssue({ as: PERSON, project: 'SUP', summary: 'Moved along' });
    const oldKey = ticket.key;
    await h.sandbox.settled();
    received = [];

    h.sandbox.act.move({ as: PERSON, issue: oldKey, project: 'BR' });
    await h.sandbox.settled();

    expect(ticket.key).toMatch(/^BR-\d+$/);
    expect(received.map((r) => r.body)).toMatchObject([
      {
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_moved',
        issue: { id: ticket.id, key: ticket.key, fields: { project: { key: 'BR' } } },
        changelog: {
          items: [
            { field: 'Key', fieldtype: 'jira', fromString: oldKey, toString: ticket.key },
            { field: 'project', fieldId: 'project', fromString: 'Support', toString: 'Backlog' },
          ],
        },
      },
    ]);
    expect((received[0]!.body.changelog as { items: object[] }).items[0]).not.toHaveProperty('fieldId');
    expect((await h.jira.findItem(oldKey))?.ref).toEqual({ tracker: 'jira', id: ticket.id, key: ticket.key });
    // Jira never gives a key twice: the next issue of the project it left gets a new number.
    expect(h.sandbox.act.createIssue({ as: PERSON, project: 'SUP', summary: 'Next' }).key).not.toBe(oldKey);
  });

  it('DELETE /issue answers 204, the issue answers 404 after, one jira:issue_deleted carries it as it was, a secondary comment_deleted each comment, a secondary issuelink_deleted each link', async () => {
    const story = h.sandbox.act.createIssue({ as: PERSON, project: 'BR', summary: 'Printable invoices' });
    h.sandbox.act.link({ as: PERSON, from: 'SUP-1', to: story.key });
    const link = h.sandbox.state.links.find((l) => l.toId === story.id);
    const comment = h.sandbox.act.comment({ as: PERSON, issue: story.key, body: 'Please print them' });
    await h.sandbox.settled();
    received = [];

    const deleted = await h.rest(`/rest/api/3/issue/${story.key}`, { method: 'DELETE' });
    await h.sandbox.settled();

    expect(deleted.status).toBe(204);
    for (const path of [`issue/${story.key}`, `issue/${story.id}`, `issue/${story.key}/comment`])
      expect((await h.rest(`/rest/api/3/${path}`)).status).toBe(404);
    expect(await h.jira.findItem(story.key)).toBeUndefined();
    expect((await h.rest(`/rest/api/3/issue/${story.key}`, { method: 'DELETE' })).status).toBe(404);
    // Its links and comments went with it: the ticket it was linked to shows no link to it.
    expect((await h.jira.findItem('SUP-1'))?.links).toEqual([]);
    expect(h.sandbox.state.comments.filter((c) => c.issueId === story.id)).toEqual([]);
    // Like a real delivery (Atlassian's capture): the whole issue as it was, who deleted it, no event type name.
    // Its comments' and links' deletions follow as secondary deliveries, each like a person's.
    expect(received.map((r) => r.body)).toMatchObject([
      {
        webhookEvent: 'jira:issue_deleted',
        timestamp: Date.parse('2026-03-04T12:00:00.000Z'),
        user: { accountId: h.sandbox.botCredentials.accountId, accountType: 'app' },
        issue: {
          id: story.id,
          key: story.key,
          fields: { summary: 'Printable invoices', project: { key: 'BR' }, status: { name: 'To Do' } },
        },
      },
      {
        webhookEvent: 'comment_deleted',
        timestamp: Date.parse('2026-03-04T12:00:00.000Z'),
        comment: { id: comment.id, body: 'Please print them', author: { accountId: PERSON } },
        issue: { id: story.id, key: story.key, fields: { summary: 'Printable invoices' } },
      },
      {
        webhookEvent: 'issuelink_deleted',
        timestamp: Date.parse('2026-03-04T12:00:00.000Z'),
        issueLink: {
          id: Number(link?.id),
          sourceIssueId: Number(link?.fromId),
          destinationIssueId: Number(story.id),
          systemLink: false,
        },
      },
    ]);
    expect(received.map((r) => r.headers['x-atlassian-webhook-flow'])).toEqual([
      'Primary',
      'Secondary',
      'Secondary',
    ]);
    expect(received[2]?.body).not.toHaveProperty('user');
    expect(received[1]?.body).not.toHaveProperty('user');
    expect(received[0]?.body).not.toHaveProperty('issue_event_type_name');
    expect(toJiraEvent(received[0]?.body as JiraDelivery, 'd-1')).toMatchObject({
      event: {
        kind: 'item.deleted',
        item: { tracker: 'jira', id: story.id, key: story.key },
        container: { key: 'BR' },
        actor: { id: h.sandbox.botCredentials.accountId, app: true },
      },
    });
    // Jira never gives a key twice, also not a deleted issue's.
    expect(h.sandbox.act.createIssue({ as: PERSON, project: 'BR', summary: 'Next' }).key).not.toBe(story.key);
  });

  it('an issue with sub-tasks is deleted only with deleteSubtasks=true, and each sub-task says so', async () => {
    const parent = h.sandbox.act.createIssue({ as: PERSON, project: 'BR', summary: 'Invoice layout' });
    const sub = h.sandbox.act.createIssue({
      as: PERSON,
      project: 'BR',
      summary: 'Logo on invoices',
      issuetype: 'Sub-task',
    });
    h.sandbox.act.link({
      as: PERSON,
      from: parent.key,
      to: sub.key,
      type: 'jira_subtask_link',
      system: true,
    });
    await h.sandbox.settled();
    received = [];

    const refused = await h.rest(`/rest/api/3/issue/${parent.key}`, { method: 'DELETE' });
    const refusedToo = await h.rest(`/rest/api/3/issue/${parent.key}?deleteSubtasks=false`, {
      method: 'DELETE',
    });

    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      errorMessages: [
        `Issue (${parent.key}) has subtasks. You must specify the 'deleteSubtasks' parameter to delete this issue and all its subtasks.`,
      ],
      errors: {},
    });
    expect(refusedToo.status).toBe(400);
    expect((await h.rest(`/rest/api/3/issue/${sub.key}`)).status).toBe(200);

    const deleted = await h.rest(`/rest/api/3/issue/${parent.key}?deleteSubtasks=true`, { method: 'DELETE' });
    await h.sandbox.settled();

    expect(deleted.status).toBe(204);
    expect((await h.rest(`/rest/api/3/issue/${sub.key}`)).status).toBe(404);
    // The sub-task's system link goes with it, a secondary delivery too.
    expect(
      received.map((r) => [
        r.body.webhookEvent,
        (r.body.issue as { key: string } | undefined)?.key ??
          (r.body.issueLink as { systemLink: boolean }).systemLink,
      ]),
    ).toEqual([
      ['jira:issue_deleted', sub.key],
      ['issuelink_deleted', true],
      ['jira:issue_deleted', parent.key],
    ]);
  });

  it('a sub-task alone is deleted without deleteSubtasks', async () => {
    const parent = h.sandbox.act.createIssue({ as: PERSON, project: 'BR', summary: 'Credit notes' });
    const sub = h.sandbox.act.createIssue({
      as: PERSON,
      project: 'BR',
      summary: 'Numbering',
      issuetype: 'Sub-task',
    });
    h.sandbox.act.link({
      as: PERSON,
      from: parent.key,
      to: sub.key,
      type: 'jira_subtask_link',
      system: true,
    });

    expect((await h.rest(`/rest/api/3/issue/${sub.key}`, { method: 'DELETE' })).status).toBe(204);
    expect((await h.rest(`/rest/api/3/issue/${parent.key}`, { method: 'DELETE' })).status).toBe(204);
  });
});
