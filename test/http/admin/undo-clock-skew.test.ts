import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobTrackers } from '../../../src/audit/job-audit.ts';
import type { ItemRef } from '../../../src/domain/events.ts';
import type { Tracker } from '../../../src/trackers/tracker.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { PERSON, startHarness as startJira } from '../../sandbox/jira/sandbox-harness.ts';
import { startSandbox as startTrello } from '../../sandbox/trello/trello-sandbox-harness.ts';
import { adminClient } from './admin-client.ts';

/**
 * Undo reads the tracker's history for who changed a label after the service's write. The audit trail dates that
 * write by this machine's clock, the history by the tracker's: a few seconds apart, which the doctor passes as
 * fine, the service's own write looked like a later one (undo refused), or a person's change looked older than the
 * write (undo put the old value back over it). Two writes of the service on the same subject seconds apart: the one
 * nearest the audit's time by the tracker's clock was the other one, so undo refused a job's own write as "a later
 * change of the service", or put an old value back over a later job's.
 */
const SKEW_MS = 3_000;
const LABEL = 'needs-acceptance-criteria';

let api: ApiHarness;
/** The trackers the admin API undoes against: set to the skewed one a test writes to. */
const trackers = new Map<'jira' | 'trello', Tracker>();
let jiraAhead: Awaited<ReturnType<typeof startJira>>;
let jiraBehind: Awaited<ReturnType<typeof startJira>>;
let trelloAhead: Awaited<ReturnType<typeof startTrello>>;
beforeAll(async () => {
  jiraAhead = await startJira({ now: () => new Date(Date.now() + SKEW_MS) });
  jiraBehind = await startJira({ now: () => new Date(Date.now() - SKEW_MS) });
  trelloAhead = await startTrello({ now: () => new Date(Date.now() + SKEW_MS) });
  api = await startApiHarness({ admin: { trackers } });
});
afterAll(async () => {
  await api?.close();
  await jiraAhead?.close();
  await jiraBehind?.close();
  await trelloAhead?.app.close();
});
const admin = adminClient(() => api.app);

const job = (jobId: string, tracker: Tracker) =>
  createJobTrackers(
    { id: jobId, name: 'check-acceptance', data: {} },
    { audit: api.audit!, config: { dryRun: false } },
  ).audited(tracker);

/** Undoes the last write on `item` through the admin API, against `tracker`. */
async function undoLast(tracker: Tracker, item: ItemRef) {
  trackers.set(item.tracker, tracker);
  const [entry] = await api.audit!.list({ item: { tracker: item.tracker, idOrKey: item.id }, limit: 1 });
  return (await admin('POST', `/admin/audit/${entry!.id}/undo`)).json() as {
    restored: unknown[];
    failed: { reason: string }[];
  };
}

function jiraIssue(harness: Awaited<ReturnType<typeof startJira>>, key: string): ItemRef {
  const found = [...harness.sandbox.state.issues.values()].find((issue) => issue.key === key)!;
  return { tracker: 'jira', id: found.id, key };
}

describe('undo with the tracker’s clock a few seconds off this machine’s', () => {
  it('Jira ahead: the service’s own label is undone, not taken for a later change of the service', async () => {
    const issue = jiraIssue(jiraAhead, 'BR-1');
    await job('job-ahead', jiraAhead.jira).setLabel(issue, LABEL, true);

    const answer = await undoLast(jiraAhead.jira, issue);

    expect(answer.failed).toEqual([]);
    expect((await jiraAhead.jira.getItem(issue)).labels).not.toContain(LABEL);
  });

  it('Trello ahead: the service’s own label is undone, not taken for a later change of the service', async () => {
    const tracker = trelloAhead.tracker();
    const seeded = trelloAhead.sandbox.seedBoard({
      name: 'Skewed board',
      lists: ['Backlog'],
      labels: [LABEL],
      cards: [{ list: 'Backlog', name: 'Saved carts' }],
    });
    const card: ItemRef = { tracker: 'trello', id: seeded.cards[0]!.id, key: seeded.cards[0]!.shortLink };
    await job('job-trello-ahead', tracker).setLabel(card, LABEL, true);

    const answer = await undoLast(tracker, card);

    expect(answer.failed).toEqual([]);
    expect((await tracker.getItem(card)).labels).not.toContain(LABEL);
  });

  it('Jira ahead: a later job’s removal of the label, seconds after an earlier job added it, is undone', async () => {
    const issue = jiraIssue(jiraAhead, 'BR-2');
    await job('job-ahead-add', jiraAhead.jira).setLabel(issue, LABEL, true);
    await job('job-ahead-remove', jiraAhead.jira).setLabel(issue, LABEL, false);

    const answer = await undoLast(jiraAhead.jira, issue);

    expect(answer.failed).toEqual([]);
    expect((await jiraAhead.jira.getItem(issue)).labels).toContain(LABEL);
  });

  it('Trello ahead: a later job’s removal of the label, seconds after an earlier job added it, is undone', async () => {
    const tracker = trelloAhead.tracker();
    const seeded = trelloAhead.sandbox.seedBoard({
      name: 'Skewed board of two jobs',
      lists: ['Backlog'],
      labels: [LABEL],
      cards: [{ list: 'Backlog', name: 'Gift cards' }],
    });
    const card: ItemRef = { tracker: 'trello', id: seeded.cards[0]!.id, key: seeded.cards[0]!.shortLink };
    await job('job-trello-add', tracker).setLabel(card, LABEL, true);
    await job('job-trello-remove', tracker).setLabel(card, LABEL, false);

    const answer = await undoLast(tracker, card);

    expect(answer.failed).toEqual([]);
    expect((await tracker.getItem(card)).labels).toContain(LABEL);
  });

  it('Jira behind: undoing a job’s Impact keeps the Impact a later job set again after a person', async () => {
    const issue = jiraIssue(jiraBehind, 'BR-2');
    jiraBehind.sandbox.act.editIssue({ as: PERSON, issue: 'BR-2', fields: { Impact: 2 } });
    await job('job-behind-score', jiraBehind.jira).setNumberFields(
      issue,
      { Impact: 5 },
      { createMissing: false },
    );
    const [first] = await api.audit!.list({ item: { tracker: 'jira', idOrKey: issue.id }, limit: 1 });
    jiraBehind.sandbox.act.editIssue({ as: PERSON, issue: 'BR-2', fields: { Impact: 3 } });
    await job('job-behind-rescore', jiraBehind.jira).setNumberFields(
      issue,
      { Impact: 5 },
      { createMissing: false },
    );
    trackers.set('jira', jiraBehind.jira);

    const answer = (await admin('POST', `/admin/audit/${first!.id}/undo`)).json() as {
      failed: { reason: string }[];
    };

    expect(answer.failed.map((failed) => failed.reason)).toEqual([
      'changed since: a later change of the service set Impact again; kept',
    ]);
    expect((await jiraBehind.jira.getItem(issue)).fields.Impact).toBe(5);
  });

  it('Jira behind: a person who took the label off and put it back right after the service keeps it', async () => {
    const issue = jiraIssue(jiraBehind, 'BR-1');
    await job('job-behind', jiraBehind.jira).setLabel(issue, LABEL, true);
    jiraBehind.sandbox.act.editIssue({ as: PERSON, issue: 'BR-1', removeLabels: [LABEL] });
    jiraBehind.sandbox.act.editIssue({ as: PERSON, issue: 'BR-1', addLabels: [LABEL] });

    const answer = await undoLast(jiraBehind.jira, issue);

    expect(answer.failed.map((failed) => failed.reason)).toEqual([
      `changed since: Dana Person added label ${LABEL} again after the service; kept`,
    ]);
    expect((await jiraBehind.jira.getItem(issue)).labels).toContain(LABEL);
  });
});
