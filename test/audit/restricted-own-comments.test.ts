import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLastChange, undoEntries } from '../../src/audit/undo.ts';
import { bulletList, doc, paragraph } from '../../src/domain/doc.ts';
import type { CommentVisibility } from '../../src/domain/events.ts';
import { testRedis } from '../helpers/redis.ts';
import { type Harness, startHarness } from '../sandbox/jira/sandbox-harness.ts';
import { auditedJobs } from './audited-jobs.ts';

/**
 * A comment of the service's that shows to one group or role only (a reply to a restricted command, or one an
 * admin restricted in Jira) stays so whatever edits it next: whether Jira keeps a restriction on an edit that
 * names none is not known, and the sandbox lifts it.
 */
const redis = testRedis();
let h: Harness;
const ref = { tracker: 'jira' as const, id: '10002', key: 'BR-2' };
const TEAM: CommentVisibility = { type: 'group', value: 'security-team' };

/** The comments of BR-2 as a person reads them through Jira's REST API. */
async function readAs(email: string): Promise<{ id: string; text: string }[]> {
  const response = await fetch(`${h.baseUrl}/rest/api/3/issue/BR-2/comment`, {
    headers: { authorization: `Basic ${Buffer.from(`${email}:token`).toString('base64')}` },
  });
  const page = (await response.json()) as { comments: { id: string; body: unknown }[] };
  return page.comments.map((c) => ({ id: c.id, text: JSON.stringify(c.body) }));
}
const outsider = () => readAs('rita@security.test');
const member = () => readAs('dana@security.test');

beforeAll(async () => {
  h = await startHarness();
  h.sandbox.seed({
    people: [
      { accountId: 'dana', displayName: 'Dana Dev', email: 'dana@security.test', groups: ['security-team'] },
      { accountId: 'rita', displayName: 'Rita Reporter', email: 'rita@security.test' },
    ],
    botGroups: ['security-team'],
  });
});
afterAll(async () => {
  await h.close();
  redis.disconnect();
});

/** The service's comment for `purpose` on BR-2, restricted to the team by an admin in Jira. */
async function restrictedByAdmin(purpose: string, text: string): Promise<string> {
  const { id } = await h.jira.upsertComment(ref, purpose, doc(paragraph(text)));
  h.sandbox.state.comments.find((c) => c.id === id)!.visibility = TEAM;
  return id;
}

describe("the service's restricted comment, edited", () => {
  it('stays restricted when a sprint summary is posted again over it, and when that is undone', async () => {
    const jobs = auditedJobs(redis);
    const purpose = 'sprint-summary BR board#7';
    const id = await restrictedByAdmin(purpose, 'Sprint 7: embargoed fixes');

    await jobs
      .writes('job-2', 'sprint-summary', h.jira)
      .upsertComment(ref, purpose, doc(paragraph('Sprint 7: embargoed fixes, and one more')));
    expect((await member()).find((c) => c.id === id)?.text).toContain('and one more');
    expect((await outsider()).map((c) => c.id)).not.toContain(id);

    const result = await undoEntries(await findLastChange(jobs.audit, ref), {
      tracker: jobs.writes('job-3', 'run-commands', h.jira),
      audit: jobs.audit,
      dryRun: false,
      undoneBy: 'job-3',
    });

    expect(result.failed).toEqual([]);
    expect((await member()).find((c) => c.id === id)?.text).not.toContain('and one more');
    expect((await outsider()).map((c) => c.id)).not.toContain(id);
  });

  it('stays restricted when a moved item is renamed in it', async () => {
    const id = await restrictedByAdmin('link', 'Linked to APP-1');

    const outcome = await h.jira.renameInOwnComment(ref, 'link', 'APP-1', 'WEB-7');

    expect(outcome?.action).toBe('updated');
    expect((await member()).find((c) => c.id === id)?.text).toContain('WEB-7');
    expect((await outsider()).map((c) => c.id)).not.toContain(id);
  });

  it('stays restricted when cut to fit Jira’s limit', async () => {
    const id = await restrictedByAdmin('scorecard', 'Priority score: 3');
    const long = doc(bulletList(Array.from({ length: 3_000 }, (_, i) => `Reason ${i}: embargoed detail`)));

    await h.jira.upsertComment(ref, 'scorecard', long);

    expect((await member()).find((c) => c.id === id)?.text).toContain('more lines not shown');
    expect((await outsider()).map((c) => c.id)).not.toContain(id);
  });

  it('a reply to a restricted comment stays restricted when the comment it answers is no longer', async () => {
    const { id } = await h.jira.upsertComment(ref, 'reply-900', doc(paragraph('/score explain: 4')), {
      visibility: TEAM,
    });

    // The commenter lifted the restriction while editing: the delivery names none, the reply repeated the old text.
    await h.jira.upsertComment(ref, 'reply-900', doc(paragraph('/score explain: 4, /similar: none')));

    expect((await member()).find((c) => c.id === id)?.text).toContain('/similar');
    expect((await outsider()).map((c) => c.id)).not.toContain(id);
  });
});

describe("the service's restricted comment, deleted and put back by undo", () => {
  const undo = async (jobs: ReturnType<typeof auditedJobs>, jobId: string) =>
    undoEntries(await findLastChange(jobs.audit, ref), {
      tracker: jobs.writes(jobId, 'run-commands', h.jira),
      audit: jobs.audit,
      dryRun: false,
      undoneBy: jobId,
    });
  const showing = (comments: { text: string }[], text: string) =>
    comments.filter((c) => c.text.includes(text));

  it('comes back restricted to its group when a job deleted it and /undo restores it', async () => {
    const jobs = auditedJobs(redis);
    await restrictedByAdmin('acceptance-criteria', 'Embargoed: the fix ships on the 12th');

    await jobs.writes('job-10', 'check-acceptance', h.jira).deleteOwnComment(ref, 'acceptance-criteria');
    expect(showing(await member(), 'Embargoed: the fix ships')).toEqual([]);
    const result = await undo(jobs, 'job-11');

    expect(result.failed).toEqual([]);
    expect(showing(await member(), 'Embargoed: the fix ships')).toHaveLength(1);
    expect(showing(await outsider(), 'Embargoed: the fix ships')).toEqual([]);
    const [deleted] = await jobs.audit.list({
      item: { tracker: 'jira', idOrKey: ref.key },
      capability: 'check-acceptance',
      limit: 1,
    });
    // The entry says whom the text it keeps is for.
    expect(deleted).toMatchObject({ restrictedTo: TEAM });
  });

  it('comes back restricted when an /undo that deleted it is undone', async () => {
    const jobs = auditedJobs(redis);
    const purpose = 'sprint-summary BR board#8';
    await jobs
      .writes('job-20', 'sprint-summary', h.jira)
      .upsertComment(ref, purpose, doc(paragraph('Sprint 8: embargoed release notes')), { visibility: TEAM });
    expect(showing(await outsider(), 'Sprint 8: embargoed')).toEqual([]);

    expect((await undo(jobs, 'job-21')).failed).toEqual([]);
    expect(showing(await member(), 'Sprint 8: embargoed')).toEqual([]);
    expect((await undo(jobs, 'job-22')).failed).toEqual([]);

    expect(showing(await member(), 'Sprint 8: embargoed')).toHaveLength(1);
    expect(showing(await outsider(), 'Sprint 8: embargoed')).toEqual([]);
  });
});
