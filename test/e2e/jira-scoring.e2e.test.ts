import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STACK_JIRA_SECRET,
  type Stack,
  stackQueue,
  startStack,
  waitFor,
  waitUntilIdle,
} from '../../scripts/lib/stack.ts';
import { rescoreScopeRequest } from '../../src/domain/scoring/plan-scoring.ts';
import { unfinishedWork } from '../../src/queue/unfinished-work.ts';
import type { Delivery } from '../../src/sandbox/jira/webhooks.ts';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { testRedisUrl } from '../helpers/redis.ts';

let stack: Stack;
let queue: Queue;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl() });
  queue = stackQueue(stack);
  stack.jira.seed({
    // One of the default customerFields: who a support ticket's customer is, once triage sets it.
    fields: [{ id: 'customfield_10070', name: 'Organization', text: true }],
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' },
      { accountId: 'bob', displayName: 'Bob Buyer', email: 'bob@customer.test' },
      { accountId: 'cy', displayName: 'Cy Client', email: 'cy@customer.test' },
    ],
    projects: [
      { key: 'APP', name: 'App' },
      { key: 'WEB', name: 'Web', hiddenFields: ['Reach'] },
      { key: 'OPS', name: 'Operations' },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
    ],
    // Confidence is on every screen, but its one context leaves OPS out: Jira hides it there.
    fieldContexts: [{ field: 'Confidence', name: 'Product teams', projects: ['APP', 'WEB', 'HELP'] }],
    issues: [
      { projectKey: 'HELP', summary: 'Export fails for us', issuetype: 'Task', reporter: 'bob' },
      { projectKey: 'HELP', summary: 'Export still broken', issuetype: 'Task', reporter: 'bob' },
      { projectKey: 'HELP', summary: 'Cannot export', issuetype: 'Task', reporter: 'cy' },
      {
        projectKey: 'HELP',
        summary: 'Payroll export shows every salary at Initech',
        issuetype: 'Task',
        reporter: 'cy',
        securityLevel: { name: 'Agents only', members: ['ada'] },
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await queue?.close();
  await stack?.stop();
});

const bot = () => stack.jira.botCredentials.accountId;
const issue = (key: string) => [...stack.jira.state.issues.values()].find((i) => i.key === key)!;
const text = (value: unknown) => JSON.stringify(value);
const botComments = (key: string) =>
  stack.jira.state.comments.filter((c) => c.issueId === issue(key).id && c.authorId === bot());
const scorecards = (key: string) => botComments(key).filter((c) => text(c.body).includes('Priority score: '));
/** What the service changed in Jira; a JQL search is a POST, but reads. */
const botChanges = () =>
  stack.jira.writes.filter((write) => write.actor === bot() && !write.path.startsWith('/rest/api/3/search'));
const botWrites = () => botChanges().length;
/** The number fields the service writes, by their names in the sandbox's field list. */
const numbers = (key: string) => ({
  score: issue(key).custom.customfield_10052,
  impact: issue(key).custom.customfield_10050,
  effort: issue(key).custom.customfield_10051,
  reach: issue(key).custom.customfield_10053,
  confidence: issue(key).custom.customfield_10054,
});
const replyTo = (key: string, command: string) =>
  waitFor(() =>
    botComments(key).find(
      (c) => text(c.body).includes(`Reply to Ada Lovelace`) && text(c.body).includes(command),
    ),
  );

function createStory(summary: string, project = 'APP') {
  return stack.jira.act.createIssue({
    as: 'ada',
    project,
    summary,
    issuetype: 'Story',
    description: 'As a buyer, I want exports, so that I can file taxes.',
    fields: { 'Story Points': 2 },
  });
}

const deliveryOf = (event: string, key: string, actor = 'ada') =>
  stack.jira.deliveries.findLast(
    (d) =>
      d.event === event &&
      (d.payload.issue as { key?: string } | undefined)?.key === key &&
      (d.payload.user as { accountId?: string } | undefined)?.accountId === actor,
  );

/** Posts a recorded delivery to the API again, under its own id or a new one; answers the API's reply. */
/** The delivery again; with `deliveryId`, as a new delivery of the same event (a new id and timestamp). */
async function redeliver(delivery: Delivery | undefined, deliveryId?: string) {
  if (!delivery) throw new Error('no such delivery');
  const raw = JSON.stringify(deliveryId ? { ...delivery.payload, timestamp: Date.now() } : delivery.payload);
  const response = await fetch(`${stack.apiUrl}/webhooks/jira`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': signJiraBody(raw, STACK_JIRA_SECRET),
      'x-atlassian-webhook-identifier': deliveryId ?? delivery.id,
    },
    body: raw,
  });
  return (await response.json()) as { duplicate?: boolean; eventId?: string };
}

/** The names of the jobs a delivery became, once the workers have relayed every accepted delivery. */
async function jobsOf(eventId: string | undefined): Promise<string[]> {
  const service = { queue, redis: stack.redis, keyPrefix: stack.queuePrefix };
  await waitFor(async () => (await unfinishedWork(service, { delayed: false })).deliveries === 0);
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
  return jobs.filter((job) => job.id?.endsWith(`.${eventId}`)).map((job) => job.name);
}

/**
 * The bot's write count once the service has nothing left to do (other capabilities finished): every webhook
 * delivered and relayed, no job waiting, retrying or running (what the admin API's job counts show). A pause in
 * the writes proves nothing on a busy machine, where the next job may start late.
 */
async function quiet(): Promise<number> {
  await waitUntilIdle(stack, { delayed: true });
  return botWrites();
}

/** The job as it stands once completed: one read while it still ran carries neither return value nor progress. */
async function finishedJob(id: string) {
  return waitFor(async () =>
    (await (await queue.getJob(id))?.isCompleted()) ? queue.getJob(id) : undefined,
  );
}

describe('scoring on Jira', () => {
  it('scores a new story into its number fields and one scorecard; a repeated event writes nothing', async () => {
    const created = createStory('Export invoices as CSV');

    await waitFor(() => numbers(created.key).score !== undefined && scorecards(created.key).length > 0);
    // Priority Medium → impact 3; 2 story points; no tickets → reach 1 by default, so confidence is low (50%).
    expect(numbers(created.key)).toEqual({ score: 0.8, impact: 3, effort: 2, reach: 1, confidence: 50 });
    const [card] = scorecards(created.key);
    expect(text(card!.body)).toContain('Priority score: 0.8 (RICE)');
    expect(text(card!.body)).toContain('priority Medium → 3');
    expect(text(card!.body)).toContain('No linked support tickets yet');

    // The story's other jobs (its acceptance check, the index) may still be writing: they finish first.
    const writesBefore = await quiet();
    const delivery = deliveryOf('jira:issue_created', created.key);
    expect(await redeliver(delivery)).toMatchObject({ duplicate: true });
    const replay = await redeliver(delivery, `replay-${randomUUID()}`);
    expect(await jobsOf(replay.eventId)).toContain('score-item');
    const job = await finishedJob(`score-item.${replay.eventId}`);
    expect(job.returnvalue).toMatchObject({ scored: [{ item: created.key, write: 'unchanged' }] });
    // Every job of the replay, not only the score's.
    expect(await quiet()).toBe(writesBefore);
    expect(scorecards(created.key)).toHaveLength(1);
  });

  it('re-scores when the estimate changes, not when a person edits the fields the service writes', async () => {
    const created = createStory('Import bank statements');
    await waitFor(() => scorecards(created.key).length > 0);

    stack.jira.act.editIssue({ as: 'ada', issue: created.key, fields: { Impact: 1, 'Priority score': 9 } });
    await stack.jira.settled();
    const ownFields = await redeliver(
      deliveryOf('jira:issue_updated', created.key),
      `replay-${randomUUID()}`,
    );
    expect(ownFields.eventId).toBeDefined();
    expect(await jobsOf(ownFields.eventId)).not.toContain('score-item');
    expect(numbers(created.key)).toMatchObject({ impact: 1, score: 9 });

    stack.jira.act.editIssue({ as: 'ada', issue: created.key, fields: { 'Story Points': 5 } });
    await waitFor(() => numbers(created.key).effort === 5);
    // A re-score writes every field again, so the hand-edited Impact and score are put back.
    expect(numbers(created.key)).toMatchObject({ impact: 3, score: 0.3 });
  });

  it('/score impact=5 overrides the impact, says who set it, and rewrites fields and scorecard', async () => {
    const created = createStory('Export payroll');
    await waitFor(() => scorecards(created.key).length > 0);

    stack.jira.act.comment({ as: 'ada', issue: created.key, body: '/score impact=5' });

    const reply = await replyTo(created.key, 'impact=5');
    expect(text(reply.body)).toContain('Set impact=5.');
    await waitFor(() => numbers(created.key).impact === 5);
    expect(numbers(created.key)).toMatchObject({ score: 1.3, impact: 5, confidence: 50 });
    const [card] = scorecards(created.key);
    expect(scorecards(created.key)).toHaveLength(1);
    expect(text(card!.body)).toContain('set to 5 by Ada Lovelace');
  });

  it('a number too large for a Jira number field is left to the scorecard; the item is still scored after', async () => {
    const created = createStory('Export general ledger');
    await waitFor(() => scorecards(created.key).length > 0);

    // Jira stores numbers below 10^14 only: reach and the score (10^14 × 3 × 100% ÷ 2) cannot be written.
    stack.jira.act.comment({ as: 'ada', issue: created.key, body: '/score reach=100000000000000' });
    const reply = await replyTo(created.key, 'reach=');
    expect(text(reply.body)).toContain('Set reach=100000000000000.');
    const card = await waitFor(() => {
      const body = text(scorecards(created.key)[0]?.body);
      return body.includes('set to 100000000000000 by Ada Lovelace') ? body : undefined;
    });
    expect(card).toContain('Priority score: 150000000000000 (RICE)');
    expect(card).toContain('Not written to fields');
    expect(card).toContain('Jira stores numbers below 100,000,000,000,000');
    expect(numbers(created.key)).toMatchObject({
      score: 0.8,
      reach: 1,
      impact: 3,
      effort: 2,
      confidence: 100,
    });

    stack.jira.act.editIssue({ as: 'ada', issue: created.key, fields: { 'Story Points': 5 } });
    // The scorecard is edited after the fields are written.
    await waitFor(() =>
      text(scorecards(created.key)[0]?.body).includes('Priority score: 60000000000000 (RICE)'),
    );
    expect(numbers(created.key)).toMatchObject({ score: 60000000000000, effort: 5, reach: 1 });
  });

  it('linked support tickets raise reach, each customer counted once, with links as evidence', async () => {
    const created = createStory('Export to Excel');
    await waitFor(() => scorecards(created.key).length > 0);

    for (const ticket of ['HELP-1', 'HELP-2', 'HELP-3'])
      stack.jira.act.link({ as: 'ada', from: created.key, to: ticket });

    // Bob's two tickets count once, Cy's once: reach 2; every input now comes from a trusted source (100%).
    await waitFor(() => numbers(created.key).reach === 2 && numbers(created.key).confidence === 100);
    expect(numbers(created.key)).toMatchObject({ score: 3, impact: 3, effort: 2 });
    const body = await waitFor(() => {
      const card = text(scorecards(created.key)[0]?.body);
      return card.includes('HELP-3') ? card : undefined;
    });
    expect(body).toContain('3 linked tickets, 2 distinct customers → 2');
    expect(body).toContain('/browse/HELP-2"');
    expect(scorecards(created.key)).toHaveLength(1);
  });

  it('names linked tickets on the scorecard by key only: no customer’s name, no ticket’s words', async () => {
    const created = createStory('Export payslips');
    await waitFor(() => scorecards(created.key).length > 0);
    // HELP-4 is behind a security level: only agents see it, while everyone who may browse the story reads its
    // scorecard. Bob's two tickets and Cy's one still show as two customers, without naming either.
    for (const ticket of ['HELP-1', 'HELP-2', 'HELP-4'])
      stack.jira.act.link({ as: 'ada', from: created.key, to: ticket });

    const body = await waitFor(() => {
      const card = text(scorecards(created.key)[0]?.body);
      return card.includes('HELP-4') && card.includes('HELP-2') ? card : undefined;
    });
    expect(body).toContain('3 linked tickets, 2 distinct customers → 2');
    for (const words of [
      'Payroll export',
      'Export fails for us',
      'Export still broken',
      'Bob Buyer',
      'Cy Client',
    ])
      expect(body).not.toContain(words);
    expect(body).toContain('(customer 1)');
    expect(body).toContain('(customer 2)');
  });

  it('re-scores the linked items when triage sets a support ticket’s customer', async () => {
    const created = createStory('Export to PDF');
    await waitFor(() => scorecards(created.key).length > 0);
    stack.jira.act.link({ as: 'ada', from: created.key, to: 'HELP-1' });
    stack.jira.act.link({ as: 'ada', from: created.key, to: 'HELP-3' });
    await waitFor(() => numbers(created.key).reach === 2);
    await quiet();

    // Bob and Cy turn out to work for the same company: one customer.
    for (const ticket of ['HELP-1', 'HELP-3'])
      stack.jira.act.editIssue({ as: 'ada', issue: ticket, fields: { Organization: 'Initech' } });

    await waitFor(() => numbers(created.key).reach === 1);
    const body = await waitFor(() => {
      const card = text(scorecards(created.key)[0]?.body);
      return card.includes('1 distinct customer') ? card : undefined;
    });
    expect(body).toContain('2 linked tickets, 1 distinct customer → 1');
    expect(body).not.toContain('(customer 2)');
  });

  it('/score explain answers with the formula; /score impact=9 says what is allowed', async () => {
    const created = createStory('Export audit log');
    await waitFor(() => scorecards(created.key).length > 0);

    stack.jira.act.comment({ as: 'ada', issue: created.key, body: '/score explain' });
    const explained = await replyTo(created.key, 'How the RICE score');
    expect(text(explained.body)).toContain('Score = Reach × Impact × Confidence ÷ Effort');
    expect(text(explained.body)).toContain('= 1 × 3 × 50% ÷ 2 ≈ 0.8');

    stack.jira.act.comment({ as: 'ada', issue: created.key, body: '/score impact=9' });
    const refused = await replyTo(created.key, 'impact=9');
    expect(text(refused.body)).toContain(
      'impact=\\"9\\" is not allowed: impact must be a whole number from 1 to 5',
    );
    expect(numbers(created.key).impact).toBe(3);
  });

  it('a field missing from the edit screen is left to the scorecard, which says why', async () => {
    const created = createStory('Export shipping labels', 'WEB');

    await waitFor(() => scorecards(created.key).length > 0);
    expect(numbers(created.key)).toMatchObject({ score: 0.8, impact: 3, reach: undefined });
    const card = text(scorecards(created.key)[0]!.body);
    expect(card).toContain('Not written to fields');
    expect(card).toContain(
      `not on the edit screen of ${created.key} or outside the field's context for ${created.key}'s project and issue type`,
    );
  });

  it('a field on the screen but outside its context for the project is left to the scorecard, which names both causes', async () => {
    const created = createStory('Export payroll', 'OPS');

    await waitFor(() => scorecards(created.key).length > 0);
    expect(numbers(created.key)).toMatchObject({ score: 0.8, impact: 3, confidence: undefined });
    const card = text(scorecards(created.key)[0]!.body);
    expect(card).toContain('Not written to fields');
    expect(card).toContain(
      `: not on the edit screen of ${created.key} or outside the field's context for ${created.key}'s project and issue type`,
    );
  });

  it('writes a field an admin has since put on the edit screen at the next change, and drops the note', async () => {
    const created = createStory('Export customs forms', 'WEB');
    await waitFor(() => text(scorecards(created.key)[0]?.body ?? '').includes('Not written to fields'));
    await quiet();

    // An admin puts Reach on the project's edit screen (no event reaches the service).
    const web = [...stack.jira.state.projects.values()].find((project) => project.key === 'WEB')!;
    web.hiddenFieldIds = web.hiddenFieldIds.filter((id) => id !== 'customfield_10053');
    // An edit that leaves the score as it is.
    stack.jira.act.editIssue({
      as: 'ada',
      issue: created.key,
      description: 'As a buyer, I want customs forms exported, so that I can ship abroad.',
    });

    await waitFor(() => !text(scorecards(created.key)[0]?.body).includes('Not written to fields'));
    expect(numbers(created.key)).toMatchObject({ score: 0.8, reach: 1, impact: 3 });
    expect(scorecards(created.key)).toHaveLength(1);
  });

  it('a bulk re-score of a project scores each backlog item once and reports counts', async () => {
    const created = createStory('Export VAT report');
    await waitFor(() => scorecards(created.key).length > 0);
    const writesBefore = await quiet();

    const job = await queue.add(
      'rescore-scope',
      rescoreScopeRequest({
        tracker: 'jira',
        scope: { kind: 'container', containerId: 'APP' },
        requestedBy: { id: 'admin-api', displayName: 'Admin API' },
      }).data,
      { jobId: `rescore-${randomUUID()}` },
    );
    const done = await finishedJob(job.id!);
    const appItems = [...stack.jira.state.issues.values()].filter((i) => i.key.startsWith('APP-')).length;
    // Everything was scored when it changed, so nothing is rewritten.
    expect(done.returnvalue).toMatchObject({ seen: appItems, unchanged: appItems, written: 0, failed: 0 });
    expect(done.progress).toMatchObject({ seen: appItems });
    expect(botChanges().slice(writesBefore)).toEqual([]);
  });
});
