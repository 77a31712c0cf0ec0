import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { linkIndexSize } from '../../src/linking/index.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { commandText, plain } from '../helpers/jira-commands.ts';
import { issueByKey, linkedInJira, markedComments } from '../helpers/jira-sandbox-state.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { ADA_APP_AND_HELP_DESK } from '../helpers/seeds.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';
import { type StackConsole, stackConsole } from '../helpers/stack-console.ts';

const ADMIN_TOKEN = 'e2e-admin-token-jira-issue-deleted-0123456789';
const logDir = mkdtempSync(join(tmpdir(), 'refinery-issue-deleted-'));
const logFile = join(logDir, 'service.log');

let stack: Stack;
let console_: StackConsole;
let queue: Queue;

const BACKLOG: [string, string][] = [
  ['Invoice totals round the VAT wrongly', 'Invoices show a VAT total one cent off when lines are rounded.'],
  [
    'Two-factor codes arrive too late by SMS',
    'The SMS with the two-factor login code reaches users minutes after they asked for it.',
  ],
  ['Team calendar export to iCal', 'Teams want their shared calendar as an iCal feed.'],
  ['Archive old projects', 'Project owners want to archive finished projects out of sight.'],
  ['Keyboard shortcuts in the editor', 'Writers want shortcuts for bold, italics and links.'],
  ['Usage report per seat', 'Admins need a monthly report of active seats.'],
];

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), logFile, env: { ADMIN_TOKEN, LOG_FORMAT: 'json' } });
  stack.jira.seed(ADA_APP_AND_HELP_DESK);
  console_ = stackConsole(stack);
  queue = new Queue(QUEUE_NAME, { connection: stack.redis, prefix: `{${stack.queuePrefix}}` });
}, 60_000);
afterAll(async () => {
  await queue?.close();
  await console_?.close();
  await stack?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

const { admin, runAction } = stackAdmin(() => stack, ADMIN_TOKEN);
const logLines = () =>
  readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; deliveryId?: string });
const ticket = (summary: string, description: string) =>
  stack.jira.act.createIssue({ as: 'ada', project: 'HELP', summary, description, issuetype: 'Task' }).key;
const jobsDone = () => waitUntilIdle(stack, { delayed: true, timeoutMs: 20_000 });
const failedJobs = async () => (await queue.getFailed()).map((job) => `${job.name}: ${job.failedReason}`);
const backlogKeys = async () => (await console_.readModel.backlog({ limit: 100 })).rows.map((row) => row.key);
const scorecard = (key: string) => plain(markedComments(stack.jira, key, 'scorecard').at(-1)?.body ?? {});
const linkComment = (key: string) => plain(markedComments(stack.jira, key, 'link').at(-1)?.body ?? {});

describe('a Jira backlog item deleted after it was indexed and linked to a support ticket', () => {
  let smsTicket = '';
  let smsItemId = '';

  it('is indexed, in the console, and linked to the ticket about it', async () => {
    for (const [summary, description] of BACKLOG)
      stack.jira.act.createIssue({ as: 'ada', project: 'APP', summary, description, issuetype: 'Story' });
    await waitFor(async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === BACKLOG.length);
    smsTicket = ticket(
      'Two-factor SMS code arrives too late',
      'I asked for the two-factor login code by SMS and it reached my phone ten minutes later.',
    );
    await waitFor(() => linkedInJira(stack.jira, smsTicket, 'APP-2'));
    // The same ticket counts for another item too, linked by hand.
    expect(await commandText(stack.jira, 'ada', smsTicket, '/link APP-6')).toContain('Linked');
    await jobsDone();
    smsItemId = issueByKey(stack.jira, 'APP-2').id;
    expect(await backlogKeys()).toContain('APP-2');
    expect(scorecard('APP-6')).toContain(smsTicket);
    expect(linkComment(smsTicket)).toContain('Also linked to APP-2');
  }, 60_000);

  it('is gone from the index, the console and the suggestions once a person deletes it in Jira', async () => {
    const links = stack.jira.state.links.filter((l) => l.fromId === smsItemId || l.toId === smsItemId);
    expect(links).not.toEqual([]);
    const mark = ledgerMark(stack.jira.ledger);
    const sentFrom = stack.jira.deliveries.length;
    const logsFrom = logLines().length;
    stack.jira.act.deleteIssue({ as: 'ada', issue: 'APP-2' });
    await jobsDone();

    // Jira's secondary issuelink_deleted of each of its links (jira.js) adds nothing to what issue_deleted told.
    const sent = stack.jira.deliveries.slice(sentFrom);
    expect(
      sent
        .filter((d) => d.event === 'issuelink_deleted')
        .map((d) => [d.flow, (d.payload.issueLink as { id: number }).id])
        .sort(),
    ).toEqual(links.map((l) => ['Secondary', Number(l.id)]).sort());
    expect(sent.map((d) => [d.event, d.status])).toEqual(sent.map((d) => [d.event, 'delivered']));
    expect(effectsBy(stack.jira.ledger, stack.jira.botCredentials.accountId, mark)[smsTicket]).toEqual([
      'comment.edited',
    ]);
    expect(
      logLines()
        .slice(logsFrom)
        .filter((line) => line.level >= 40),
    ).toEqual([]);

    expect(await linkIndexSize(stack.redis, stack.queuePrefix)).toBe(BACKLOG.length - 1);
    expect(await backlogKeys()).not.toContain('APP-2');
    expect(await console_.readModel.item({ tracker: 'jira', idOrKey: smsItemId })).toBeUndefined();
    // The ticket's agents read at once that the item is gone, not a link they could still /unlink.
    expect(linkComment(smsTicket)).toBe(
      'APP-2 was deleted in the tracker; this ticket is no longer linked to it.\n' +
        'Still linked to APP-6; support hears here when it is resolved.\n' +
        'backlog-refinery · link\n',
    );
    const asking = ticket(
      'SMS login code late',
      'The two-factor code by SMS comes minutes too late, I cannot log in.',
    );
    await jobsDone();
    expect(stack.jira.state.links.filter((l) => l.fromId === issueByKey(stack.jira, asking).id)).toEqual([]);
    expect(await commandText(stack.jira, 'ada', asking, '/similar')).not.toContain('APP-2');
    const inbox = await console_.readModel.triageTicket({
      tracker: 'jira',
      id: issueByKey(stack.jira, asking).id,
    });
    expect(inbox?.suggestions.map((s) => s.item.key) ?? []).not.toContain('APP-2');
    expect(await failedJobs()).toEqual([]);
  }, 60_000);

  it("leaves the ticket's later jobs, and the other item's scorecard, working without it", async () => {
    stack.jira.act.editIssue({
      as: 'ada',
      issue: smsTicket,
      description: 'The SMS code for two-factor login still arrives ten minutes late, also today.',
    });
    await jobsDone();
    expect(await commandText(stack.jira, 'ada', 'APP-6', '/score')).toContain('Priority score');
    expect(scorecard('APP-6')).toContain(smsTicket);
    expect(scorecard('APP-6')).not.toContain('APP-2');
    stack.jira.act.transition({ as: 'ada', issue: smsTicket, to: 'In Progress' });
    stack.jira.act.transition({ as: 'ada', issue: smsTicket, to: 'Done' });
    await jobsDone();

    expect(await failedJobs()).toEqual([]);
    expect(linkComment(smsTicket)).toContain('Still linked to APP-6');
  }, 60_000);
});

describe('a Jira backlog item deleted while webhooks were lost, found by a backfill', () => {
  it("settles the tickets linked to it as its deletion's webhook would", async () => {
    const calendarTicket = ticket(
      'Calendar export to iCal',
      'Our team wants the shared team calendar as an iCal feed in Outlook.',
    );
    await waitFor(() => linkedInJira(stack.jira, calendarTicket, 'APP-3'));
    await jobsDone();
    expect(linkComment(calendarTicket)).toContain('Linked to APP-3');
    // Deleted in Jira during an outage: the issue_deleted webhook never reaches the service; Jira deletes the
    // issue's links along with it.
    const calendar = issueByKey(stack.jira, 'APP-3');
    stack.jira.state.issues.delete(calendar.id);
    stack.jira.state.links = stack.jira.state.links.filter(
      (l) => l.fromId !== calendar.id && l.toId !== calendar.id,
    );

    expect(
      await runAction('backfill-index', { targets: [{ tracker: 'jira', containerId: 'APP' }] }),
    ).toMatchObject({
      removed: 1,
    });
    await jobsDone();

    // The agents read at once that the item is gone, not a link they could still /unlink.
    expect(linkComment(calendarTicket).split('\n')[0]).toBe(
      'APP-3 was deleted in the tracker; this ticket is no longer linked to it.',
    );
    expect(linkComment(calendarTicket)).not.toContain('Linked to APP-3');
    expect(await failedJobs()).toEqual([]);
  }, 60_000);
});

describe("a Jira backlog item deleted with comments, the service's among them", () => {
  it('takes the secondary comment_deleted deliveries that follow for nothing: no job, no re-post, no audit entry, no warning', async () => {
    const { key } = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Dark mode for the reports',
      description: 'Readers want the reports in dark colours when they work at night.',
      issuetype: 'Story',
    });
    stack.jira.act.comment({ as: 'ada', issue: key, body: 'Customers asked for it twice this month.' });
    expect(await commandText(stack.jira, 'ada', key, '/score')).toContain('Priority score');
    await jobsDone();
    const bot = stack.jira.botCredentials.accountId;
    const comments = stack.jira.state.comments.filter((c) => c.issueId === issueByKey(stack.jira, key).id);
    expect(comments.filter((c) => c.authorId === bot).length).toBeGreaterThan(1);
    const audited = (await admin('GET', `/admin/audit?tracker=jira&item=${key}`)).json;
    expect(audited.entries).not.toEqual([]);
    const logsFrom = logLines().length;
    const sentFrom = stack.jira.deliveries.length;

    stack.jira.act.deleteIssue({ as: 'ada', issue: key });
    const deletedAt = stack.jira.ledger.length;
    await jobsDone();

    const sent = stack.jira.deliveries.slice(sentFrom);
    const secondary = sent.filter((delivery) => delivery.flow === 'Secondary');
    expect(secondary.map((d) => [d.event, (d.payload.comment as { id: string }).id]).sort()).toEqual(
      comments.map((c) => ['comment_deleted', c.id]).sort(),
    );
    // Each answered at once (no retry asked of Jira), none taken for work.
    expect(sent.map((d) => [d.event, d.status, d.attempts])).toEqual(
      sent.map((d) => [d.event, 'delivered', 1]),
    );
    const secondaryIds = new Set(secondary.map((d) => `jira.${d.id}`));
    const later = logLines().slice(logsFrom);
    const primary = sent.find((d) => d.event === 'jira:issue_deleted');
    expect(
      later.filter((line) => line.deliveryId === `jira.${primary?.id}`).map((line) => line.msg),
    ).toContain('Delivery accepted');
    expect(later.filter((line) => secondaryIds.has(line.deliveryId ?? ''))).toEqual([]);
    expect(later.filter((line) => line.level >= 40)).toEqual([]);
    // The service neither restores nor re-posts its comments, and its audit shows no deletion it could undo.
    expect(stack.jira.ledger.slice(deletedAt).filter((effect) => effect.actor === bot)).toEqual([]);
    expect((await admin('GET', `/admin/audit?tracker=jira&item=${key}`)).json).toEqual(audited);
    expect(await failedJobs()).toEqual([]);
  }, 60_000);
});
