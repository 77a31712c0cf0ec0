import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAuditEntry } from '../../../src/audit/audit-entry.ts';
import { createJobTrackers } from '../../../src/audit/job-audit.ts';
import { doc, paragraph } from '../../../src/domain/doc.ts';
import type { CommentVisibility, ItemRef } from '../../../src/domain/events.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { startHarness as startJira } from '../../sandbox/jira/sandbox-harness.ts';
import { adminClient } from './admin-client.ts';

/**
 * Undo puts a comment of the service back to the people it showed to: a public one on a Service Management ticket
 * to the customer again, a restricted one to its group only. An entry that does not say whom it showed to (recorded
 * before entries kept it) must not widen the audience.
 */
let api: ApiHarness;
let jira: Awaited<ReturnType<typeof startJira>>;
const TEAM: CommentVisibility = { type: 'group', value: 'security-team' };
beforeAll(async () => {
  jira = await startJira();
  jira.sandbox.seed({
    people: [
      { accountId: 'dana', displayName: 'Dana Dev', email: 'dana@security.test', groups: ['security-team'] },
      { accountId: 'rita', displayName: 'Rita Reporter', email: 'rita@security.test' },
    ],
    botGroups: ['security-team'],
  });
  api = await startApiHarness({ admin: { trackers: new Map([['jira', jira.jira]]) } });
});
afterAll(async () => {
  await api?.close();
  await jira?.close();
});
const admin = adminClient(() => api.app);

const job = (jobId: string) =>
  createJobTrackers(
    { id: jobId, name: 'notify-resolution', data: {} },
    { audit: api.audit!, config: { dryRun: false } },
  ).audited(jira.jira);

function issue(key: string): ItemRef {
  const found = [...jira.sandbox.state.issues.values()].find((i) => i.key === key)!;
  return { tracker: 'jira', id: found.id, key };
}

async function lastEntry(item: ItemRef) {
  const [entry] = await api.audit!.list({ item: { tracker: item.tracker, idOrKey: item.id }, limit: 1 });
  return entry!;
}

async function undo(id: string) {
  const answer = await admin('POST', `/admin/audit/${id}/undo`);
  expect(answer.statusCode).toBe(200);
  return answer.json() as { restored: { id: string }[]; failed: { id: string; reason: string }[] };
}

interface RestComment {
  id: string;
  body: unknown;
  jsdPublic: boolean;
}

/** The issue's comments showing `text`, as `email` reads them through Jira's REST API (the service's by default). */
async function commentsShowing(key: string, text: string, email?: string): Promise<RestComment[]> {
  const headers = email
    ? { authorization: `Basic ${Buffer.from(`${email}:token`).toString('base64')}` }
    : undefined;
  const response = email
    ? await fetch(`${jira.baseUrl}/rest/api/3/issue/${key}/comment`, { headers })
    : await jira.rest(`/rest/api/3/issue/${key}/comment`);
  const { comments } = (await response.json()) as { comments: RestComment[] };
  return comments.filter((c) => JSON.stringify(c.body).includes(text));
}

/** The comment's `sd.public.comment` property, as Service Management reads it. */
async function publicProperty(commentId: string): Promise<unknown> {
  const response = await jira.rest(`/rest/api/3/comment/${commentId}/properties/sd.public.comment`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { value: unknown }).value;
}

describe('admin undo of a public Service Management comment of the service', () => {
  it('puts a deleted public comment back public, for the customer', async () => {
    const ticket = issue('SUP-1');
    const purpose = 'customer notice resolved-1 of BR-1';
    await job('job-notice').upsertComment(ticket, purpose, doc(paragraph('Your request is fixed')), {
      audience: 'customers',
    });
    const [posted] = await commentsShowing('SUP-1', 'Your request is fixed');
    expect(posted?.jsdPublic).toBe(true);

    // Undo of the post deletes it; undo of that delete puts it back.
    expect((await undo((await lastEntry(ticket)).id)).failed).toEqual([]);
    expect(await commentsShowing('SUP-1', 'Your request is fixed')).toEqual([]);
    expect((await undo((await lastEntry(ticket)).id)).failed).toEqual([]);

    const [back] = await commentsShowing('SUP-1', 'Your request is fixed');
    expect(back?.jsdPublic).toBe(true);
    expect(await publicProperty(back!.id)).toEqual({ internal: false });
  });

  it('puts a public comment back public when the edit that turned it internal is undone', async () => {
    const ticket = issue('SUP-1');
    const purpose = 'customer notice resolved-2 of BR-1';
    await job('job-notice-2').upsertComment(ticket, purpose, doc(paragraph('Fixed in 2.4')), {
      audience: 'customers',
    });
    await job('job-edit').upsertComment(ticket, purpose, doc(paragraph('Fixed in 2.5, internal draft')));
    const [edited] = await commentsShowing('SUP-1', 'internal draft');
    expect(edited?.jsdPublic).toBe(false);

    expect((await undo((await lastEntry(ticket)).id)).failed).toEqual([]);

    const [back] = await commentsShowing('SUP-1', 'Fixed in 2.4');
    expect(back?.jsdPublic).toBe(true);
    expect(await publicProperty(back!.id)).toEqual({ internal: false });
  });
});

describe('admin undo of an entry recorded before entries said whom a comment shows to', () => {
  /** The entry as releases before `restrictedTo` stored it: the text, and nothing about whom it showed to. */
  async function oldShape(item: ItemRef): Promise<string> {
    const {
      id: _id,
      at: _at,
      undoneBy: _undoneBy,
      restrictedTo: _restrictedTo,
      ...entry
    } = await lastEntry(item);
    const old: NewAuditEntry = entry;
    return (await api.audit!.record(old)).id;
  }

  it('does not post a deleted comment of a restricted item for everyone: it refuses, and says why', async () => {
    const item = issue('BR-2');
    const { id } = await jira.jira.upsertComment(
      item,
      'acceptance-criteria',
      doc(paragraph('Embargoed: ships on the 12th')),
    );
    jira.sandbox.state.comments.find((c) => c.id === id)!.visibility = TEAM;
    await job('job-delete').deleteOwnComment(item, 'acceptance-criteria');
    const old = await oldShape(item);

    const answer = await undo(old);

    expect(answer.restored).toEqual([]);
    expect(answer.failed).toEqual([
      {
        id: old,
        operation: 'deleteOwnComment',
        reason: expect.stringMatching(/restricted to a group or role/),
      },
    ]);
    expect(await commentsShowing('BR-2', 'Embargoed', 'rita@security.test')).toEqual([]);
    expect(await commentsShowing('BR-2', 'Embargoed', 'dana@security.test')).toEqual([]);
  });

  it('keeps the restriction a comment there has when the edit it records is undone', async () => {
    const item = issue('BR-2');
    const { id } = await jira.jira.upsertComment(item, 'scorecard', doc(paragraph('Score 3: embargoed')));
    jira.sandbox.state.comments.find((c) => c.id === id)!.visibility = TEAM;
    await job('job-rescore').upsertComment(item, 'scorecard', doc(paragraph('Score 5: embargoed')));
    const old = await oldShape(item);

    expect((await undo(old)).failed).toEqual([]);

    expect(await commentsShowing('BR-2', 'Score 3: embargoed', 'dana@security.test')).toHaveLength(1);
    expect(await commentsShowing('BR-2', 'embargoed', 'rita@security.test')).toEqual([]);
  });
});
