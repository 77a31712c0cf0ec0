import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_JIRA_SECRET, type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { JIRA_WEBHOOK_PATH } from '../../src/config.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import type { SandboxIssue } from '../../src/sandbox/jira/state.ts';
import { adfToPlainText } from '../../src/trackers/jira/adf-text.ts';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { startSprintWhileWorkersDown } from '../helpers/late-sprint-start.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { RELEASE_COLUMNS } from '../helpers/seeds.ts';

let stack: Stack;
// Issue titles and sprint goals are anyone's text: Markdown in them must stay text in the bot's summary.
const HOSTILE_TITLE = 'Fix [login](https://evil.example/phish) for **all** _admin_ users | now';
const HOSTILE_GOAL = 'Read [the plan](https://evil.example/plan) first';
// Boards are numbered in seed order: APP's board is 1, OPS's is 2, WEB's is 3, KAN's is 10, PAR's is 11.
const rulesFile = join(mkdtempSync(join(tmpdir(), 'summary-rules-')), 'rules.yaml');
writeFileSync(
  rulesFile,
  [
    'scope:',
    '  jira:',
    '    supportProjects: [SUP]',
    'summaries:',
    '  jira:',
    '    boards:',
    "      '2':",
    '        projectKey: OPS',
    "      '3':",
    '        target: { kind: comment, issueKey: WEB-1 }',
    "      '10':",
    '        projectKey: KAN',
    "      '11':",
    '        projectKey: PAR',
  ].join('\n'),
);

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { REFINERY_CONFIG: rulesFile } });
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' },
      { accountId: 'cora', displayName: 'Cora Buyer', email: 'cora@example.test', accountType: 'customer' },
      { accountId: 'dan', displayName: 'Dan Buyer', email: 'dan@example.test', accountType: 'customer' },
    ],
    projects: [
      { key: 'APP', name: 'App' },
      { key: 'OPS', name: 'Ops' },
      { key: 'SUP', name: 'Support', projectTypeKey: 'service_desk' },
      { key: 'WEB', name: 'Web' },
      { key: 'MOB', name: 'Mobile' },
      { key: 'PAY', name: 'Payments' },
      { key: 'HOS', name: 'Hostile' },
      { key: 'TIM', name: 'Timed' },
      { key: 'DON', name: 'Done early' },
      { key: 'CAR', name: 'Carry' },
      { key: 'KAN', name: 'Flow' },
      { key: 'PAR', name: 'Parallel' },
      { key: 'EST', name: 'Estimates' },
      { key: 'CHU', name: 'Churn' },
      { key: 'LAT', name: 'Late' },
      { key: 'PTS', name: 'Points' },
      { key: 'REL', name: 'Releases' },
    ],
    boards: [
      { name: 'App board', projectKey: 'APP', estimationField: 'Story Points' },
      { name: 'Ops board', projectKey: 'OPS', estimationField: 'Story Points' },
      { name: 'Web board', projectKey: 'WEB', estimationField: 'Story Points' },
      { name: 'Mobile board', projectKey: 'MOB', estimationField: 'Story Points' },
      { name: 'Payments board', projectKey: 'PAY', estimationField: 'Story Points' },
      { name: 'Hostile board', projectKey: 'HOS', estimationField: 'Story Points' },
      // Jira boards may estimate by Original Time Estimate instead of story points.
      { name: 'Timed board', projectKey: 'TIM', estimationField: 'Original estimate' },
      { name: 'Done early board', projectKey: 'DON', estimationField: 'Story Points' },
      { name: 'Carry board', projectKey: 'CAR', estimationField: 'Story Points' },
      { name: 'Flow board', projectKey: 'KAN', type: 'kanban' },
      // Parallel sprints: a board may run several active sprints at once.
      { name: 'Parallel board', projectKey: 'PAR', estimationField: 'Story Points' },
      { name: 'Estimates board', projectKey: 'EST', estimationField: 'Story Points' },
      { name: 'Churn board', projectKey: 'CHU', estimationField: 'Story Points' },
      { name: 'Late board', projectKey: 'LAT', estimationField: 'Story Points' },
      { name: 'Points board', projectKey: 'PTS', estimationField: 'Story Points' },
      { name: 'Release board', projectKey: 'REL', estimationField: 'Story Points', columns: RELEASE_COLUMNS },
    ],
    sprints: [
      { name: 'App Sprint 1', board: 'App board' },
      { name: 'Ops Sprint 1', board: 'Ops board' },
      { name: 'Web Sprint 1', board: 'Web board' },
      { name: 'Mobile Sprint 1', board: 'Mobile board' },
      { name: 'Payments Sprint 1', board: 'Payments board' },
      { name: 'Hostile Sprint 1', board: 'Hostile board', goal: HOSTILE_GOAL },
      { name: 'Timed Sprint 1', board: 'Timed board' },
      { name: 'Done early Sprint 1', board: 'Done early board' },
      { name: 'Done early Sprint 2', board: 'Done early board' },
      { name: 'Carry Sprint 1', board: 'Carry board' },
      { name: 'Carry Sprint 2', board: 'Carry board' },
      { name: 'Parallel Web', board: 'Parallel board' },
      { name: 'Parallel Mobile', board: 'Parallel board' },
      { name: 'Estimates Sprint 1', board: 'Estimates board' },
      { name: 'Estimates Sprint 2', board: 'Estimates board' },
      { name: 'Churn Sprint 1', board: 'Churn board' },
      { name: 'Late Sprint 1', board: 'Late board' },
      { name: 'Points Sprint 1', board: 'Points board' },
      { name: 'Points Sprint 2', board: 'Points board' },
      { name: 'Release Sprint 1', board: 'Release board' },
      { name: 'Release Sprint 2', board: 'Release board' },
    ],
    issues: [
      {
        projectKey: 'APP',
        summary: 'Export to CSV',
        fields: { 'Story Points': 3 },
        sprints: ['App Sprint 1'],
      },
      {
        projectKey: 'APP',
        summary: 'Saved filters',
        fields: { 'Story Points': 5 },
        sprints: ['App Sprint 1'],
      },
      {
        projectKey: 'APP',
        summary: 'Export crashes on empty rows',
        issuetype: 'Bug',
        fields: { 'Story Points': 2 },
        sprints: ['App Sprint 1'],
      },
      { projectKey: 'SUP', summary: 'Customer cannot export', statusName: 'Done' },
      { projectKey: 'OPS', summary: 'Rotate keys', fields: { 'Story Points': 2 }, sprints: ['Ops Sprint 1'] },
      {
        projectKey: 'OPS',
        summary: 'Upgrade Redis',
        fields: { 'Story Points': 3 },
        sprints: ['Ops Sprint 1'],
      },
      { projectKey: 'WEB', summary: 'Sprint reports' },
      {
        projectKey: 'WEB',
        summary: 'New landing page',
        fields: { 'Story Points': 5 },
        sprints: ['Web Sprint 1'],
      },
      { projectKey: 'WEB', summary: 'Dark mode', fields: { 'Story Points': 3 }, sprints: ['Web Sprint 1'] },
      {
        projectKey: 'MOB',
        summary: 'Offline mode',
        fields: { 'Story Points': 5 },
        sprints: ['Mobile Sprint 1'],
      },
      // Jira lists a story's sub-tasks among the sprint's issues; teams put points on them too.
      {
        projectKey: 'MOB',
        summary: 'Cache the feed',
        issuetype: 'Sub-task',
        fields: { 'Story Points': 2 },
        sprints: ['Mobile Sprint 1'],
      },
      { projectKey: 'MOB', summary: 'Sync on reconnect', issuetype: 'Subtask', sprints: ['Mobile Sprint 1'] },
      {
        projectKey: 'MOB',
        summary: 'Push badges',
        fields: { 'Story Points': 3 },
        sprints: ['Mobile Sprint 1'],
      },
      {
        projectKey: 'PAY',
        summary: 'Refunds',
        fields: { 'Story Points': 2 },
        sprints: ['Payments Sprint 1'],
      },
      {
        projectKey: 'PAY',
        summary: 'Invoices',
        fields: { 'Story Points': 3 },
        sprints: ['Payments Sprint 1'],
      },
      // Portal customers without an organization: each ticket's reporter is its customer, as scoring counts them.
      { projectKey: 'SUP', summary: 'Refund never arrived', statusName: 'Done', reporter: 'cora' },
      { projectKey: 'SUP', summary: 'Invoice has no VAT number', statusName: 'Done', reporter: 'cora' },
      { projectKey: 'SUP', summary: 'Cannot download invoice', statusName: 'Done', reporter: 'dan' },
      { projectKey: 'HOS', summary: HOSTILE_TITLE, sprints: ['Hostile Sprint 1'] },
      { projectKey: 'TIM', summary: 'Audit log', timeoriginalestimate: 28_800, sprints: ['Timed Sprint 1'] },
      { projectKey: 'TIM', summary: 'Retention', timeoriginalestimate: 14_400, sprints: ['Timed Sprint 1'] },
      // Finished before the sprint started, yet planned into it: Jira's sprint report lists it apart.
      {
        projectKey: 'DON',
        summary: 'Already shipped',
        statusName: 'Done',
        fields: { 'Story Points': 2 },
        sprints: ['Done early Sprint 1'],
      },
      {
        projectKey: 'DON',
        summary: 'Real work',
        fields: { 'Story Points': 3 },
        sprints: ['Done early Sprint 1'],
      },
      { projectKey: 'CAR', summary: 'Ship it', fields: { 'Story Points': 2 }, sprints: ['Carry Sprint 1'] },
      { projectKey: 'KAN', summary: 'Flowing work' },
      { projectKey: 'PAR', summary: 'Not planned yet' },
      { projectKey: 'EST', summary: 'Sized', fields: { 'Story Points': 5 }, sprints: ['Estimates Sprint 1'] },
      { projectKey: 'EST', summary: 'Unsized spike', sprints: ['Estimates Sprint 1'] },
      { projectKey: 'EST', summary: 'Unsized chore', sprints: ['Estimates Sprint 1'] },
      { projectKey: 'CAR', summary: 'Move me', fields: { 'Story Points': 3 }, sprints: ['Carry Sprint 1'] },
      {
        projectKey: 'CHU',
        summary: 'Steady work',
        fields: { 'Story Points': 3 },
        sprints: ['Churn Sprint 1'],
      },
      { projectKey: 'LAT', summary: 'Planned', fields: { 'Story Points': 3 }, sprints: ['Late Sprint 1'] },
      { projectKey: 'LAT', summary: 'Dropped', fields: { 'Story Points': 2 }, sprints: ['Late Sprint 1'] },
      { projectKey: 'LAT', summary: 'Resized', fields: { 'Story Points': 5 }, sprints: ['Late Sprint 1'] },
      { projectKey: 'PTS', summary: 'Finished', fields: { 'Story Points': 3 }, sprints: ['Points Sprint 1'] },
      {
        projectKey: 'PTS',
        summary: 'Unfinished',
        fields: { 'Story Points': 5 },
        sprints: ['Points Sprint 1'],
      },
      {
        projectKey: 'PTS',
        summary: 'Sized late',
        fields: { 'Story Points': 2 },
        sprints: ['Points Sprint 2'],
      },
      ...(
        [
          ['Release notes', 3],
          ['Deploy script', 5],
          ['QA checklist', 2],
          ['Changelog page', 1],
          ['Shipped long ago', 2, 'Released'],
          ['Merged, not deployed', 3, 'Done'],
        ] as const
      ).map(([summary, points, statusName]) => ({
        projectKey: 'REL',
        summary,
        fields: { 'Story Points': points },
        ...(statusName && { statusName }),
        sprints: ['Release Sprint 1'],
      })),
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const issues = () => [...stack.jira.state.issues.values()];
const issue = (key: string) => issues().find((i) => i.key === key)!;
const sprintId = (name: string) => [...stack.jira.state.sprints.values()].find((s) => s.name === name)!.id;
const summaries = (title: string) =>
  issues().filter((i) => i.summary === title && i.labels.includes('sprint-summary'));
const text = (found: SandboxIssue) => adfToPlainText(found.description);

/** Once the worker has kept the sprint's start snapshot. */
const snapshotTaken = (sprint: number | string) =>
  waitFor(
    async () =>
      (await stack.redis.exists(`${stack.queuePrefix}:sprint-summary:snapshot:jira:${sprint}`)) === 1,
  );

/** The first summary posted under `title`, once there is one. */
async function postedSummary(title: string): Promise<SandboxIssue> {
  const [summary] = await waitFor(() => {
    const found = summaries(title);
    return found.length > 0 ? found : undefined;
  });
  return summary!;
}
const act = () => stack.jira.act;

function complete(key: string) {
  act().transition({ as: 'ada', issue: key, to: 'In Progress' });
  act().transition({ as: 'ada', issue: key, to: 'Done' });
}

/**
 * Posts the event again as a new delivery: a new identifier and a new timestamp (the same bytes under a new
 * identifier would be a replay, answered as a duplicate).
 */
async function redeliver(event: string): Promise<number> {
  const delivery = stack.jira.deliveries.filter((d) => d.event === event).at(-1)!;
  const raw = JSON.stringify({ ...delivery.payload, timestamp: Date.now() });
  const response = await fetch(`${stack.apiUrl}${JIRA_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': signJiraBody(raw, STACK_JIRA_SECRET),
      'x-atlassian-webhook-identifier': `redelivery-${delivery.id}`,
    },
    body: raw,
  });
  return response.status;
}

/** Waits until the summary job of a redelivered sprint_closed has finished. */
async function redeliveredSummaryDone(id: number): Promise<void> {
  const queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
  try {
    await waitFor(async () =>
      (await queue.getCompleted()).some(
        (job) =>
          job.id?.includes('redelivery-') &&
          job.name === 'post-sprint-summary' &&
          (job.data as { request?: { sprintId?: string } }).request?.sprintId === String(id),
      ),
    );
  } finally {
    await queue.close();
  }
}

describe('sprint summaries on Jira', () => {
  it('posts one exact summary issue on close, from the scope snapshot taken at start', async () => {
    const id = sprintId('App Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);

    const added = act().createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Share a filter',
      fields: { 'Story Points': 1 },
    });
    act().addToSprint({ as: 'ada', sprintId: id, issues: [added.key] });
    act().editIssue({ as: 'ada', issue: 'APP-2', fields: { 'Story Points': 8 } });
    act().link({ as: 'ada', from: 'APP-1', to: 'SUP-1' });
    complete('APP-1');
    complete('APP-3');
    act().closeSprint({ as: 'ada', sprintId: id });

    const summary = await postedSummary('App Sprint 1 summary');
    expect(summary!.key).toMatch(/^APP-/);
    expect(summary!.description?.type).toBe('doc');
    const body = text(summary!);
    expect(body).toContain(
      [
        'Figure | Value',
        'Committed | 3 items, 10 points',
        'Completed | 2 items, 5 points',
        'Completion rate | 50% of committed points',
        'Carried over | 2 items (to the backlog)',
        'Added after start | 1 item',
        'Removed after start | 0 items',
        'Re-estimated | 1 item',
        'Bugs fixed | 1 item',
        'Support tickets resolved | 1',
      ].join('\n'),
    );
    expect(body).toContain('Re-estimated\n- APP-2 Saved filters: 5 → 8');
    expect(body).toContain(`Added after start\n- ${added.key} Share a filter (1 point)`);
    expect(body).toContain('Customer impact\n- APP-1 Export to CSV (3 points): SUP-1');
    expect(body).not.toContain('≈');
  });

  it('edits the same summary when sprint_closed is delivered again, still with the figures at the close', async () => {
    const before = summaries('App Sprint 1 summary');
    expect(before).toHaveLength(1);
    // Carried over, then finished after the close (in the next sprint): the closed sprint did not deliver it.
    act().editIssue({ as: 'ada', issue: 'APP-2', summary: 'Saved search filters' });
    complete('APP-2');

    expect(await redeliver('sprint_closed')).toBe(202);

    await waitFor(() => text(summaries('App Sprint 1 summary')[0]!).includes('Saved search filters: 5 → 8'));
    expect(summaries('App Sprint 1 summary').map((i) => i.key)).toEqual(before.map((i) => i.key));
    const body = text(summaries('App Sprint 1 summary')[0]!);
    expect(body).toContain('Completed | 2 items, 5 points');
    expect(body).toContain('Carried over | 2 items');
    expect(body).toContain('Carried over\n- APP-2 Saved search filters (8 points)');
  });

  it('previews the active sprint with /summary, and marks figures approximate without a snapshot', async () => {
    // The sprint_started delivery was lost: no snapshot, so the scope comes from the issues' history.
    const id = sprintId('Ops Sprint 1');
    Object.assign(stack.jira.state.sprints.get(id)!, {
      state: 'active',
      startDate: new Date().toISOString(),
    });
    // Jira timestamps are in milliseconds: what happens in the same one as the start counts as committed.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const late = act().createIssue({
      as: 'ada',
      project: 'OPS',
      summary: 'Patch TLS',
      fields: { 'Story Points': 1 },
    });
    act().addToSprint({ as: 'ada', sprintId: id, issues: [late.key] });
    complete('OPS-1');

    act().comment({ as: 'ada', issue: 'OPS-2', body: '/summary' });
    const reply = await waitFor(() =>
      stack.jira.state.comments
        .filter((c) => c.issueId === issue('OPS-2').id && c.authorId === stack.jira.botCredentials.accountId)
        .map((c) => adfToPlainText(c.body))
        .find((body) => body.includes('Preview of Ops Sprint 1 so far')),
    );
    expect(reply).toContain('Committed | ≈ 2 items, 5 points');
    expect(summaries('Ops Sprint 1 summary')).toHaveLength(0);

    act().comment({ as: 'ada', issue: 'OPS-3', body: '/summary post' });
    const posted = await postedSummary('Ops Sprint 1 summary');
    expect(text(posted!)).toContain('Completed | 1 item, 2 points');

    complete('OPS-2');
    act().closeSprint({ as: 'ada', sprintId: id });
    await waitFor(() =>
      text(summaries('Ops Sprint 1 summary')[0]!).includes('Completed | 2 items, 5 points'),
    );
    expect(summaries('Ops Sprint 1 summary').map((i) => i.key)).toEqual([posted!.key]);
    const body = text(summaries('Ops Sprint 1 summary')[0]!);
    expect(body).toContain('Committed | ≈ 2 items, 5 points');
    expect(body).toContain('Added after start | ≈ 1 item');
    expect(body).toContain('Re-estimated | 0 items');
    expect(body).toMatch(/≈ No scope snapshot was taken when the sprint started/);
  });

  it('posts to a comment target, once, with the items removed after the start', async () => {
    const id = sprintId('Web Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    act().removeFromSprint({ as: 'ada', issues: ['WEB-3'] });
    complete('WEB-2');
    act().closeSprint({ as: 'ada', sprintId: id });

    const summaryComments = () =>
      stack.jira.state.comments
        .filter((c) => c.issueId === issue('WEB-1').id && c.authorId === stack.jira.botCredentials.accountId)
        .map((c) => adfToPlainText(c.body))
        .filter((body) => body.includes('Web Sprint 1 summary'));
    const [body] = await waitFor(() => (summaryComments().length > 0 ? summaryComments() : undefined));
    expect(body).toContain('Committed | 2 items, 8 points');
    expect(body).toContain('Completed | 1 item, 5 points');
    expect(body).toContain('Removed after start | 1 item');
    expect(body).toContain('Removed after start\n- WEB-3 Dark mode (3 points)');
    expect(summaries('Web Sprint 1 summary')).toHaveLength(0);

    expect(await redeliver('sprint_closed')).toBe(202);
    await redeliveredSummaryDone(id);
    expect(summaryComments()).toHaveLength(1);
  });

  it('counts stories, not their sub-tasks, as Jira’s sprint report does', async () => {
    const id = sprintId('Mobile Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    complete('MOB-1');
    complete('MOB-2');
    act().closeSprint({ as: 'ada', sprintId: id });

    const summary = await postedSummary('Mobile Sprint 1 summary');
    const body = text(summary!);
    expect(body).toContain(
      [
        'Committed | 2 items, 8 points',
        'Completed | 1 item, 5 points',
        'Completion rate | 63% of committed points',
        'Carried over | 1 item',
      ].join('\n'),
    );
    expect(body).not.toContain('Cache the feed');
    expect(body).not.toContain('Sync on reconnect');
  });

  it('counts the customers of the resolved support tickets as scoring does (reporter without organization)', async () => {
    const id = sprintId('Payments Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    const ticket = (title: string) => issues().find((i) => i.summary === title)!.key;
    act().link({ as: 'ada', from: 'PAY-1', to: ticket('Refund never arrived') });
    act().link({ as: 'ada', from: 'PAY-2', to: ticket('Invoice has no VAT number') });
    act().link({ as: 'ada', from: 'PAY-2', to: ticket('Cannot download invoice') });
    complete('PAY-1');
    complete('PAY-2');
    act().closeSprint({ as: 'ada', sprintId: id });

    const summary = await postedSummary('Payments Sprint 1 summary');
    expect(text(summary!)).toContain('Support tickets resolved | 3 (2 customers)');
  });

  it('keeps Markdown in titles and goals as text when it edits a summary', async () => {
    const id = sprintId('Hostile Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    act().closeSprint({ as: 'ada', sprintId: id });
    await waitFor(() => summaries('Hostile Sprint 1 summary')[0]);

    expect(await redeliver('sprint_closed')).toBe(202);
    await redeliveredSummaryDone(id);

    const [summary] = summaries('Hostile Sprint 1 summary');
    expect(JSON.stringify(summary!.description)).not.toContain('"href":"https://evil.example');
    expect(text(summary!)).toContain(`Goal: ${HOSTILE_GOAL}`);
    // Closed without a next sprint: Jira returns the open issues to the backlog.
    expect(text(summary!)).toContain('Carried over | 1 item (to the backlog)');
    expect(text(summary!)).toContain(`Carried over\n- HOS-1 ${HOSTILE_TITLE} → backlog`);
  });

  it('reads no story points into a board that estimates by time', async () => {
    const id = sprintId('Timed Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    complete('TIM-1');
    act().closeSprint({ as: 'ada', sprintId: id });

    const summary = await postedSummary('Timed Sprint 1 summary');
    expect(text(summary!)).toContain(
      ['Committed | 2 items', 'Completed | 1 item', 'Completion rate | 50% of committed count'].join('\n'),
    );
    expect(text(summary!)).not.toContain('point');
  });
  it('takes its own summary issue for none of the backlog: a person’s edit scores it not, and /similar does not offer it', async () => {
    const [summary] = summaries('App Sprint 1 summary');
    const bot = stack.jira.botCredentials.accountId;
    const botComments = (key: string) =>
      stack.jira.state.comments.filter((c) => c.issueId === issue(key).id && c.authorId === bot);
    // The same edit on the summary and on a backlog story: the story's scorecard shows the edit's jobs ran.
    const story = act().createIssue({ as: 'ada', project: 'APP', summary: 'Print the sprint report' });
    for (const key of [summary!.key, story.key])
      act().editIssue({
        as: 'ada',
        issue: key,
        description: 'Export to CSV, saved filters and sharing a filter, as the sprint summary lists them.',
        fields: { 'Story Points': 3 },
      });
    await waitFor(() =>
      botComments(story.key).find((c) => JSON.stringify(c.body).includes('Priority score: ')),
    );
    const ticket = act().createIssue({
      as: 'cora',
      project: 'SUP',
      summary: 'App sprint summary: export to CSV, saved filters, share a filter',
    });
    act().comment({ as: 'ada', issue: ticket.key, body: '/similar' });
    const reply = await waitFor(() =>
      botComments(ticket.key).find((c) => JSON.stringify(c.body).includes('Reply to Ada Lovelace')),
    );

    expect(JSON.stringify(reply.body)).toContain('/link APP-');
    expect(JSON.stringify(reply.body)).not.toContain(summary!.key);
    expect(
      botComments(summary!.key).filter((c) => JSON.stringify(c.body).includes('Priority score: ')),
    ).toEqual([]);
    // Nor is it held to an acceptance-criteria template.
    act().comment({ as: 'ada', issue: summary!.key, body: '/ac template' });
    const answer = await waitFor(() =>
      botComments(summary!.key).find((c) => JSON.stringify(c.body).includes('Reply to Ada Lovelace')),
    );
    expect(JSON.stringify(answer.body)).toContain('Not checked');
    expect(text(issue(summary!.key))).not.toContain('Acceptance criteria');
  });

  it('counts an issue done before the start neither as committed nor as completed, as Jira’s sprint report', async () => {
    const id = sprintId('Done early Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    complete('DON-2');
    act().closeSprint({ as: 'ada', sprintId: id });

    const summary = await postedSummary('Done early Sprint 1 summary');
    const body = text(summary!);
    expect(body).toContain(
      [
        'Committed | 1 item, 3 points',
        'Completed | 1 item, 3 points',
        'Completion rate | 100% of committed points',
        'Completed outside the sprint | 1 item',
        'Carried over | 0 items',
      ].join('\n'),
    );
    expect(body).toContain('Completed\n- DON-2 Real work (3 points)\n');
    expect(body).toContain('Completed outside the sprint\n- DON-1 Already shipped (2 points)');
  });

  it('previews the sprint an issue was created into, which no Sprint-field change names', async () => {
    // DON is mapped to no board in the rules: only the issue itself tells its sprint.
    const id = sprintId('Done early Sprint 2');
    act().startSprint({ sprintId: id });
    const created = act().createIssue({ as: 'ada', project: 'DON', summary: 'Inline task', sprintId: id });

    act().comment({ as: 'ada', issue: created.key, body: '/summary' });
    const reply = await waitFor(() =>
      stack.jira.state.comments
        .filter((c) => c.issueId === created.id && c.authorId === stack.jira.botCredentials.accountId)
        .map((c) => adfToPlainText(c.body))
        .find((body) => body.includes('Reply to Ada Lovelace') || body.includes('Preview of')),
    );
    expect(reply).toContain('Preview of Done early Sprint 2 so far');
    expect(reply).toContain(`${created.key} Inline task`);
  });

  it('says where the open issues went when the sprint closed: the next sprint', async () => {
    const id = sprintId('Carry Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    complete('CAR-1');
    act().closeSprint({ as: 'ada', sprintId: id, moveOpenTo: sprintId('Carry Sprint 2') });

    const summary = await postedSummary('Carry Sprint 1 summary');
    expect(text(summary!)).toContain('Carried over | 1 item (to Carry Sprint 2)');
    expect(text(summary!)).toContain('Carried over\n- CAR-2 Move me (3 points) → Carry Sprint 2');
  });

  it('lists an issue added after the start and removed before the close as removed, as Jira’s sprint report does', async () => {
    const id = sprintId('Churn Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    const hotfix = act().createIssue({
      as: 'ada',
      project: 'CHU',
      summary: 'Banner hotfix',
      fields: { 'Story Points': 2 },
    });
    act().addToSprint({ as: 'ada', sprintId: id, issues: [hotfix.key] });
    act().removeFromSprint({ as: 'ada', issues: [hotfix.key] });
    complete('CHU-1');
    act().closeSprint({ as: 'ada', sprintId: id });

    const summary = await postedSummary('Churn Sprint 1 summary');
    const body = text(summary!);
    // Jira's report: under "Issues removed from sprint", marked as added after the start; both count in the scope change.
    expect(body).toContain(
      [
        'Committed | 1 item, 3 points',
        'Completed | 1 item, 3 points',
        'Completion rate | 100% of committed points',
        'Carried over | 0 items',
        'Added after start | 1 item',
        'Removed after start | 1 item',
      ].join('\n'),
    );
    expect(body).toContain(`Added after start\n- ${hotfix.key} Banner hotfix (2 points)\n`);
    expect(body).toContain(
      `Removed after start\n- ${hotfix.key} Banner hotfix (2 points) — added after start`,
    );
  });

  it('commits what the sprint held at its start date when the start is processed late', async () => {
    const id = sprintId('Late Sprint 1');
    // The workers are down when the sprint starts: the start waits while the team goes on changing the sprint.
    await startSprintWhileWorkersDown(stack, id);
    const urgent = act().createIssue({
      as: 'ada',
      project: 'LAT',
      summary: 'Urgent fix',
      fields: { 'Story Points': 1 },
    });
    act().addToSprint({ as: 'ada', sprintId: id, issues: [urgent.key] });
    act().removeFromSprint({ as: 'ada', issues: ['LAT-2'] });
    act().editIssue({ as: 'ada', issue: 'LAT-3', fields: { 'Story Points': 8 } });
    await stack.startWorker();
    await snapshotTaken(id);
    complete('LAT-1');
    act().closeSprint({ as: 'ada', sprintId: id });

    const summary = await postedSummary('Late Sprint 1 summary');
    const body = text(summary!);
    expect(body).toContain(
      [
        'Committed | 3 items, 10 points',
        'Completed | 1 item, 3 points',
        'Completion rate | 30% of committed points',
        'Carried over | 2 items (to the backlog)',
        'Added after start | 1 item',
        'Removed after start | 1 item',
        'Re-estimated | 1 item',
      ].join('\n'),
    );
    expect(body).toContain(`Added after start\n- ${urgent.key} Urgent fix (1 point)\n`);
    expect(body).toContain('Removed after start\n- LAT-2 Dropped (2 points)\n');
    expect(body).toContain('Re-estimated\n- LAT-3 Resized: 5 → 8');
    expect(body).not.toContain('≈');
  });

  it('re-run long after the close, counts the story points as they were at the close', async () => {
    const id = sprintId('Points Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    act().editIssue({ as: 'ada', issue: 'PTS-2', fields: { 'Story Points': 8 } });
    complete('PTS-1');
    act().closeSprint({ as: 'ada', sprintId: id });
    await waitFor(() => summaries('Points Sprint 1 summary')[0]);

    // Sized again for the next sprint, then the summary is posted again (a retro, /summary post, a redelivery).
    act().editIssue({ as: 'ada', issue: 'PTS-1', fields: { 'Story Points': 13 } });
    act().editIssue({ as: 'ada', issue: 'PTS-2', fields: { 'Story Points': 2 } });
    expect(await redeliver('sprint_closed')).toBe(202);
    await redeliveredSummaryDone(id);

    const body = text(summaries('Points Sprint 1 summary')[0]!);
    expect(body).toContain(
      [
        'Committed | 2 items, 8 points',
        'Completed | 1 item, 3 points',
        'Completion rate | 38% of committed points',
        'Carried over | 1 item (to the backlog)',
        'Added after start | 0 items',
        'Removed after start | 0 items',
        'Re-estimated | 1 item',
      ].join('\n'),
    );
    expect(body).toContain('Completed\n- PTS-1 Finished (3 points)\n');
    expect(body).toContain('Carried over\n- PTS-2 Unfinished (8 points) → backlog\n');
    expect(body).toContain('Re-estimated\n- PTS-2 Unfinished: 5 → 8');
  });

  it('without a snapshot, counts committed points as at the start and completed ones as at the close', async () => {
    // The sprint_started delivery was lost: no snapshot.
    const id = sprintId('Points Sprint 2');
    Object.assign(stack.jira.state.sprints.get(id)!, {
      state: 'active',
      startDate: new Date().toISOString(),
    });
    // Jira timestamps are in milliseconds: what happens in the same one as the start counts as before it.
    await new Promise((resolve) => setTimeout(resolve, 10));
    act().editIssue({ as: 'ada', issue: 'PTS-3', fields: { 'Story Points': 5 } });
    complete('PTS-3');
    act().closeSprint({ as: 'ada', sprintId: id });
    await waitFor(() => summaries('Points Sprint 2 summary')[0]);
    act().editIssue({ as: 'ada', issue: 'PTS-3', fields: { 'Story Points': 1 } });
    expect(await redeliver('sprint_closed')).toBe(202);
    await redeliveredSummaryDone(id);

    const body = text(summaries('Points Sprint 2 summary')[0]!);
    expect(body).toContain(['Committed | ≈ 1 item, 2 points', 'Completed | 1 item, 5 points'].join('\n'));
    expect(body).toContain('Re-estimated\n- PTS-3 Sized late: 2 → 5');
    expect(body).toContain(
      '≈ No scope snapshot was taken when the sprint started: committed scope is reconstructed from the issues’ changelogs.',
    );
  });

  it('counts complete what sits in the board’s last column at the close, as Jira’s sprint report does, whatever the status category', async () => {
    const id = sprintId('Release Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    const to = (issue: string, ...statuses: string[]) => {
      for (const status of statuses) act().transition({ as: 'ada', issue, to: status });
    };
    to('REL-1', 'In Progress', 'Done', 'Released');
    to('REL-2', 'In Progress', 'Done');
    to('REL-3', 'In Progress', 'Verified');
    to('REL-6', 'Released');
    act().closeSprint({ as: 'ada', sprintId: id, moveOpenTo: sprintId('Release Sprint 2') });
    const figures = [
      'Committed | 5 items, 14 points',
      'Completed | 3 items, 8 points',
      'Completion rate | 57% of committed points',
      'Completed outside the sprint | 1 item',
      'Carried over | 2 items (to Release Sprint 2)',
    ].join('\n');
    await waitFor(() => summaries('Release Sprint 1 summary').find((found) => text(found).includes(figures)));

    // Deployed and reopened in the next sprint, then the summary is posted again: the close decided.
    to('REL-2', 'Released');
    to('REL-3', 'In Progress');
    expect(await redeliver('sprint_closed')).toBe(202);
    await redeliveredSummaryDone(id);

    const body = text(summaries('Release Sprint 1 summary')[0]!);
    expect(body).toContain(figures);
    expect(body).toContain(
      [
        'Completed',
        '- REL-1 Release notes (3 points)',
        '- REL-3 QA checklist (2 points)',
        '- REL-6 Merged, not deployed (3 points)',
      ].join('\n'),
    );
    expect(body).toContain('Completed outside the sprint\n- REL-5 Shipped long ago (2 points)');
    expect(body).toContain(
      [
        'Carried over',
        '- REL-2 Deploy script (5 points) → Release Sprint 2',
        '- REL-4 Changelog page (1 point) → Release Sprint 2',
      ].join('\n'),
    );
    expect(body).not.toContain('≈');
  });

  /** The bot's reply to a comment on the issue. */
  const replyOn = (key: string) =>
    waitFor(() =>
      stack.jira.state.comments
        .filter((c) => c.issueId === issue(key).id && c.authorId === stack.jira.botCredentials.accountId)
        .map((c) => adfToPlainText(c.body))
        .find((body) => body.includes('Reply to Ada Lovelace')),
    );

  it('/summary on a project whose board is a kanban board says the board has no sprints', async () => {
    act().comment({ as: 'ada', issue: 'KAN-1', body: '/summary' });
    const reply = await replyOn('KAN-1');
    expect(reply).toContain(
      'Board 10 (summaries.jira.boards.10 in the rules file) is a kanban board: it has no sprints',
    );
    expect(reply).not.toContain('Not done');
  });

  it('/summary asks which sprint when the board runs several and the issue is in neither', async () => {
    act().startSprint({ sprintId: sprintId('Parallel Web') });
    act().startSprint({ sprintId: sprintId('Parallel Mobile') });
    act().comment({ as: 'ada', issue: 'PAR-1', body: '/summary post' });
    const reply = await replyOn('PAR-1');
    expect(reply).toContain(
      'Board 11 has 2 active sprints (Parallel Web, Parallel Mobile): comment /summary on an issue of the one you mean',
    );
    expect(summaries('Parallel Web summary')).toHaveLength(0);
    expect(summaries('Parallel Mobile summary')).toHaveLength(0);
  });

  it('says how many items have no estimate beside the points it sums', async () => {
    const id = sprintId('Estimates Sprint 1');
    act().startSprint({ sprintId: id });
    await snapshotTaken(id);
    complete('EST-1');
    complete('EST-2');
    act().closeSprint({ as: 'ada', sprintId: id });

    const summary = await postedSummary('Estimates Sprint 1 summary');
    expect(text(summary!)).toContain(
      [
        'Committed | 3 items, 5 points (2 unestimated)',
        'Completed | 2 items, 5 points (1 unestimated)',
        'Completion rate | 100% of committed points',
      ].join('\n'),
    );
  });

  it('/summary on an issue planned into a sprint not started yet says so, rather than "add it to a sprint"', async () => {
    // CAR-2 went to Carry Sprint 2 when Carry Sprint 1 closed; that sprint has not started.
    act().comment({ as: 'ada', issue: 'CAR-2', body: '/summary' });
    const reply = await replyOn('CAR-2');
    expect(reply).toContain('CAR-2 is in Carry Sprint 2, which has not started');
    expect(reply).not.toContain('add it to a sprint');
  });

  it('renames the summary it edits when the sprint was renamed since it was posted', async () => {
    const id = sprintId('Estimates Sprint 2');
    act().startSprint({ sprintId: id });
    const task = act().createIssue({ as: 'ada', project: 'EST', summary: 'Export footer', sprintId: id });
    act().comment({ as: 'ada', issue: task.key, body: '/summary post' });
    const posted = await postedSummary('Estimates Sprint 2 summary');

    // Jira's "Edit sprint" renames an active sprint; no summary job follows until the close.
    Object.assign(stack.jira.state.sprints.get(id)!, { name: 'Estimates Sprint 2 – Exports' });
    act().closeSprint({ as: 'ada', sprintId: id });

    await waitFor(() => text(issue(posted!.key)).includes('Estimates Sprint 2 – Exports summary'));
    expect(issue(posted!.key).summary).toBe('Estimates Sprint 2 – Exports summary');
    expect(issues().filter((i) => i.summary.startsWith('Estimates Sprint 2'))).toHaveLength(1);
  });
});
