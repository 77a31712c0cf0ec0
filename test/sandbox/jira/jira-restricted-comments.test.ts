import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doc, paragraph } from '../../../src/domain/doc.ts';
import { ErrorKind } from '../../../src/errors.ts';
import { type Harness, startHarness } from './sandbox-harness.ts';

/**
 * Jira shows a comment "Restricted to" a group or project role to their members only, and takes one only from a
 * member: "You are currently not a member of the project role: Developers." (400, `errors.commentLevel`).
 */
let h: Harness;
const ref = { tracker: 'jira' as const, id: '10001', key: 'BR-1' };
const adf = (text: string) => ({
  version: 1,
  type: 'doc',
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});
const as =
  (email: string) =>
  (path: string, init: RequestInit = {}) =>
    fetch(`${h.baseUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Basic ${Buffer.from(`${email}:token`).toString('base64')}`,
        'content-type': 'application/json',
      },
    });
const dana = as('dana@security.test');
const rita = as('rita@security.test');
const bot = as('refinery-bot@sandbox.test');
const texts = async (response: Response) =>
  (
    (await response.json()) as {
      total: number;
      comments: { body: { content: { content: { text: string }[] }[] } }[];
    }
  ).comments.map((c) => c.body.content[0]!.content[0]!.text);
const commentCount = () => h.sandbox.state.comments.length;

beforeAll(async () => {
  h = await startHarness();
  h.sandbox.seed({
    people: [
      {
        accountId: 'dana',
        displayName: 'Dana Dev',
        email: 'dana@security.test',
        groups: ['security-team', 'Administrators'],
      },
      { accountId: 'rita', displayName: 'Rita Reporter', email: 'rita@security.test' },
    ],
    botGroups: ['security-team'],
  });
  h.sandbox.act.comment({ as: 'dana', issue: 'BR-1', body: 'Everyone reads this' });
  h.sandbox.act.comment({
    as: 'dana',
    issue: 'BR-1',
    body: 'The embargo ends on Friday',
    visibility: { type: 'group', value: 'security-team' },
  });
});
afterAll(async () => {
  await h.close();
});

describe('a comment restricted to a group or project role', () => {
  it('is left out of the comments a person outside it reads, and of their total', async () => {
    const outside = await rita('/rest/api/3/issue/BR-1/comment');
    const inside = await dana('/rest/api/3/issue/BR-1/comment');

    expect(await texts(outside)).toEqual(['Everyone reads this']);
    expect(await texts(inside)).toEqual(['Everyone reads this', 'The embargo ends on Friday']);
    const page = (await (await rita('/rest/api/3/issue/BR-1/comment')).json()) as { total: number };
    expect(page.total).toBe(1);
  });

  it('is not found by id for a person outside it', async () => {
    const restricted = h.sandbox.state.comments.find((c) => c.visibility)!;

    const response = await rita(`/rest/api/3/issue/BR-1/comment/${restricted.id}`);

    expect(response.status).toBe(404);
    expect((await dana(`/rest/api/3/issue/BR-1/comment/${restricted.id}`)).status).toBe(200);
  });

  it('is refused (400) from a person outside the group or role, and not added', async () => {
    const before = commentCount();

    const toGroup = await rita('/rest/api/3/issue/BR-1/comment', {
      method: 'POST',
      body: JSON.stringify({ body: adf('x'), visibility: { type: 'group', value: 'security-team' } }),
    });
    const toRole = await rita('/rest/api/3/issue/BR-1/comment', {
      method: 'POST',
      body: JSON.stringify({ body: adf('x'), visibility: { type: 'role', value: 'Administrators' } }),
    });

    expect(toGroup.status).toBe(400);
    expect(await toGroup.json()).toEqual({
      errorMessages: [],
      errors: { commentLevel: 'You are currently not a member of the group: security-team.' },
    });
    expect(toRole.status).toBe(400);
    expect(await toRole.json()).toEqual({
      errorMessages: [],
      errors: { commentLevel: 'You are currently not a member of the project role: Administrators.' },
    });
    expect(commentCount()).toBe(before);
  });

  it('is taken from the service account when it is in the group, and refused when not, through the adapter', async () => {
    const posted = await h.jira.upsertComment(ref, 'restricted-note', doc(paragraph('For the team')), {
      visibility: { type: 'group', value: 'security-team' },
    });
    expect(posted.action).toBe('created');
    expect(await texts(await rita('/rest/api/3/issue/BR-1/comment'))).not.toContain('For the team');

    const before = commentCount();
    const refused = h.jira.upsertComment(ref, 'admins-note', doc(paragraph('For admins')), {
      visibility: { type: 'role', value: 'Administrators' },
    });

    await expect(refused).rejects.toMatchObject({
      kind: ErrorKind.Validation,
      message: expect.stringContaining('You are currently not a member of the project role: Administrators.'),
    });
    expect(commentCount()).toBe(before);
  });

  it('refuses an edit that restricts a comment to a group its author is not in, and leaves it as it was', async () => {
    const created = await bot('/rest/api/3/issue/BR-1/comment', {
      method: 'POST',
      body: JSON.stringify({ body: adf('Plain') }),
    });
    const { id } = (await created.json()) as { id: string };

    const edited = await bot(`/rest/api/3/issue/BR-1/comment/${id}`, {
      method: 'PUT',
      body: JSON.stringify({ body: adf('Secret'), visibility: { type: 'role', value: 'Administrators' } }),
    });

    expect(edited.status).toBe(400);
    expect(await texts(await rita('/rest/api/3/issue/BR-1/comment'))).toContain('Plain');
  });

  it('turns public on an edit that names no restriction (whether Jira keeps it then is not known: the worse case)', async () => {
    const created = await bot('/rest/api/3/issue/BR-1/comment', {
      method: 'POST',
      body: JSON.stringify({
        body: adf('Was restricted'),
        visibility: { type: 'group', value: 'security-team' },
      }),
    });
    const { id } = (await created.json()) as { id: string };
    expect(await texts(await rita('/rest/api/3/issue/BR-1/comment'))).not.toContain('Was restricted');

    await bot(`/rest/api/3/issue/BR-1/comment/${id}`, {
      method: 'PUT',
      body: JSON.stringify({ body: adf('Now public') }),
    });

    expect(await texts(await rita('/rest/api/3/issue/BR-1/comment'))).toContain('Now public');
  });
});
