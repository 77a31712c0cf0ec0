import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Stack, stackQueue, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { replyTo } from '../helpers/jira-commands.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';
import { testRedisUrl } from '../helpers/redis.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl() });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'APP', name: 'App' }],
    issues: [{ projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Task', reporter: 'ada' }],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

it('a person comments /help in Jira → API process → Redis → worker process → one reply in Jira', async () => {
  stack.jira.act.comment({ as: 'ada', issue: 'APP-1', body: 'How does this work?\n/help' });

  const reply = await waitFor(() =>
    stack.jira.state.comments.find((comment) => comment.authorId === stack.jira.botCredentials.accountId),
  );

  expect(JSON.stringify(reply.body)).toContain('backlog-refinery commands');
  expect(JSON.stringify(reply.body)).toContain('/help');
});

it('an edited comment runs only the commands it added, and the one reply is edited in place', async () => {
  const bot = stack.jira.botCredentials.accountId;
  const replies = () =>
    stack.jira.state.comments.filter(
      (c) => c.authorId === bot && JSON.stringify(c.body).includes('Reply to'),
    );
  const comment = stack.jira.act.comment({ as: 'ada', issue: 'APP-1', body: '/socre' });
  const [reply] = await waitFor(() => {
    const found = replies().filter((c) => JSON.stringify(c.body).includes('Did you mean'));
    return found.length > 0 ? found : undefined;
  });

  // What is written from here on is the edit's alone.
  await waitUntilIdle(stack, { delayed: true });
  const mark = ledgerMark(stack.jira.ledger);
  stack.jira.act.editComment({ as: 'ada', issue: 'APP-1', commentId: comment.id, body: '/socre\n/help' });

  await waitFor(() => {
    const edited = stack.jira.state.comments.find((c) => c.id === reply!.id);
    return JSON.stringify(edited?.body).includes('backlog-refinery commands');
  });
  // The edit is the job's last write, not its end: its return value and any write after come once it is done.
  await waitUntilIdle(stack, { delayed: true });
  const edited = JSON.stringify(stack.jira.state.comments.find((c) => c.id === reply!.id)?.body);
  expect(edited).toContain('/score');
  expect(replies()).toHaveLength(2);
  expect(effectsBy(stack.jira.ledger, bot, mark)).toEqual({ 'APP-1': ['comment.edited'] });
  // The edit's job ran /help only; /socre's answer came from the first run's stored results.
  const queue = stackQueue(stack);
  const jobs = (await queue.getJobs(['completed']))
    .filter(
      (job) => (job.data as { event?: { comment?: { id?: string } } }).event?.comment?.id === comment.id,
    )
    .sort((a, b) => (a.finishedOn ?? 0) - (b.finishedOn ?? 0));
  await queue.close();
  expect(jobs.map((job) => job.returnvalue)).toEqual([
    { ran: ['socre #1'], reply: 'created' },
    { ran: ['help #1'], reply: 'updated' },
  ]);
});

it('a command addressed to the service by mention runs; /help shows the forms that work here', async () => {
  const bot = stack.jira.botCredentials.accountId;
  // What Jira's editor stores when someone picks the service account after typing "@".
  const mention = { type: 'mention', attrs: { id: bot, text: '@Backlog Refinery', accessLevel: '' } };
  const comment = stack.jira.act.comment({
    as: 'ada',
    issue: 'APP-1',
    body: {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [mention, { type: 'text', text: ' help' }] }],
    },
  });

  const reply = JSON.stringify((await replyTo(stack.jira, 'APP-1', comment.id)).body);

  expect(reply).toContain('backlog-refinery commands');
  expect(reply).toContain('Forms that work on this site');
  expect(reply).toContain('@Backlog Refinery score impact=4');
});
