import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';

const ADMIN_TOKEN = 'e2e-admin-token-first-day-0123456789';
/** More than one page of the Jira search (50). */
const ISSUES = 60;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { ADMIN_TOKEN } });
  // A project that existed long before the service: seeding sends no webhooks.
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'OLD', name: 'Old backlog' }],
    issues: Array.from({ length: ISSUES }, (_, n) => ({
      projectKey: 'OLD',
      summary: `Export report ${n + 1} as PDF`,
      issuetype: 'Story',
      description: 'As an accountant I want the report as PDF.',
      reporter: 'ada',
    })),
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const bot = () => stack.jira.botCredentials.accountId;
const botWrites = () =>
  stack.jira.writes.filter((write) => write.actor === bot() && !write.path.startsWith('/rest/api/3/search'));
const scorecards = () =>
  stack.jira.state.comments.filter(
    (comment) => comment.authorId === bot() && JSON.stringify(comment.body).includes('Priority score: '),
  );

const issueId = (key: string) => [...stack.jira.state.issues.values()].find((i) => i.key === key)?.id;

const { admin, runAction } = stackAdmin(() => stack, ADMIN_TOKEN);

describe('the first bulk re-score of an existing project', () => {
  it('can be previewed: a dry run writes nothing, mails nobody, and tells how many items it would change', async () => {
    const preview = await runAction('rescore', { tracker: 'jira', container: 'OLD', dryRun: true }, 30_000);

    expect(preview).toMatchObject({ pages: 2, seen: ISSUES, written: ISSUES, failed: 0 });
    expect(botWrites()).toEqual([]);
    expect(stack.jira.state.emails).toEqual([]);
    const audit = await admin('GET', '/admin/audit?capability=rescore-scope&limit=5');
    expect((audit.json.entries as { mode: string }[]).map((entry) => entry.mode)).toContain('dry-run');
  }, 60_000);

  it('then runs for real and writes every scorecard the preview counted', async () => {
    const real = await runAction('rescore', { tracker: 'jira', container: 'OLD' }, 30_000);

    expect(real).toMatchObject({ seen: ISSUES, written: ISSUES, failed: 0 });
    expect(scorecards()).toHaveLength(ISSUES);
  }, 60_000);

  it('shows how far it got while it runs: GET /admin/jobs/<id> carries the progress it reports', async () => {
    const started = await admin('POST', '/admin/actions/rescore', { tracker: 'jira', container: 'OLD' });
    const jobId = started.json.jobId as string;
    const done = await waitFor(async () => {
      const { json } = await admin('GET', `/admin/jobs/${jobId}`);
      return json.state === 'completed' ? json : undefined;
    }, 30_000);

    expect(done.progress).toMatchObject({ pages: 2, seen: ISSUES, unchanged: ISSUES });
    // Out of how many: Jira's search has no total, its approximate count does.
    expect(done.progress).toMatchObject({ listed: ISSUES, total: ISSUES });
  }, 60_000);
});

describe('a quiet first re-score (quiet: true)', () => {
  it('writes the score fields and no scorecard comment: where the service administers the project, nobody is mailed', async () => {
    stack.jira.seed({
      projects: [{ key: 'CALM', name: 'Long-standing backlog', botAdministers: true }],
      issues: Array.from({ length: 3 }, (_, n) => ({
        projectKey: 'CALM',
        summary: `Import contacts ${n + 1} from CSV`,
        issuetype: 'Story',
        reporter: 'ada',
      })),
    });
    const calm = (key: string) => key.startsWith('CALM-');

    const quiet = await runAction('rescore', { tracker: 'jira', container: 'CALM', quiet: true });

    expect(quiet).toMatchObject({ seen: 3, written: 3, failed: 0 });
    const scored = [...stack.jira.state.issues.values()].filter((issue) => calm(issue.key));
    expect(scored.map((issue) => typeof issue.custom.customfield_10052)).toEqual([
      'number',
      'number',
      'number',
    ]);
    expect(scorecards().filter((comment) => scored.some((issue) => issue.id === comment.issueId))).toEqual(
      [],
    );
    expect(stack.jira.state.emails.filter((email) => calm(email.issueKey))).toEqual([]);

    // Nothing changed since: a re-score after it finds every score written and adds no comment either.
    expect(await runAction('rescore', { tracker: 'jira', container: 'CALM' })).toMatchObject({
      unchanged: 3,
    });
    expect(scorecards().filter((comment) => scored.some((issue) => issue.id === comment.issueId))).toEqual(
      [],
    );
  }, 60_000);
});

describe('catching up after downtime (POST /admin/actions/catch-up)', () => {
  it('can be previewed: a dry run reads every changed item, runs its checks and writes nothing', async () => {
    stack.jira.seed({
      projects: [{ key: 'DOWN', name: 'Changed while down' }],
      issues: Array.from({ length: 3 }, (_, n) => ({
        projectKey: 'DOWN',
        summary: `Archive invoice ${n + 1}`,
        issuetype: 'Story',
        reporter: 'ada',
      })),
    });
    const since = new Date(Date.now() - 60_000).toISOString();

    const preview = await runAction(
      'catch-up',
      { tracker: 'jira', container: 'DOWN', since, dryRun: true },
      30_000,
    );

    expect(preview).toMatchObject({ items: 3, failed: 0 });
    expect(botWrites().filter((write) => write.path.includes('DOWN'))).toEqual([]);
    const audit = await admin('GET', '/admin/audit?item=DOWN-1&tracker=jira');
    const modes = (audit.json.entries as { mode: string }[]).map((entry) => entry.mode);
    expect(modes.length).toBeGreaterThan(0);
    expect(new Set(modes)).toEqual(new Set(['dry-run']));

    // The real run after the preview still does all of it.
    expect(await runAction('catch-up', { tracker: 'jira', container: 'DOWN', since }, 30_000)).toMatchObject({
      items: 3,
    });
    expect(scorecards().filter((comment) => comment.issueId === issueId('DOWN-1'))).toHaveLength(1);
  }, 60_000);
});

describe('trying a command with the admin API dry run first (docs/admin-api.md)', () => {
  it('leaves no input set by hand behind: the real score after it is computed as before', async () => {
    stack.jira.seed({
      projects: [{ key: 'TRY', name: 'Try-out' }],
      issues: [{ projectKey: 'TRY', summary: 'Print the invoice', issuetype: 'Story', reporter: 'ada' }],
    });
    const command = (text: string, dryRun: boolean) =>
      admin('POST', '/admin/actions/command', { tracker: 'jira', item: 'TRY-1', command: text, dryRun });
    const finished = (jobId: string) =>
      waitFor(async () => {
        const { json } = await admin('GET', `/admin/jobs/${jobId}`);
        return json.state === 'completed' ? json : undefined;
      }, 30_000);

    await finished((await command('/score impact=5', true)).json.jobId as string);
    expect(botWrites().filter((write) => write.path.includes('TRY'))).toEqual([]);
    await finished((await command('/score', false)).json.jobId as string);

    const card = scorecards().find((comment) => comment.issueId === issueId('TRY-1'));
    expect(JSON.stringify(card?.body)).toContain('Priority score: ');
    expect(JSON.stringify(card?.body)).not.toContain('set to 5 by');
  }, 60_000);
});
