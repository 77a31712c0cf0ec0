import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { jiraDate } from '../../src/sandbox/jira/state.ts';
import { trelloAct } from '../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { replyTo as jiraReplyTo, plain } from '../helpers/jira-commands.ts';
import { issueByKey } from '../helpers/jira-sandbox-state.ts';

/**
 * The result of a comment's commands is kept for 90 days; an author's edit runs only the commands it adds. A
 * comment written before that window has no record left, so an edit (a typo fixed, a line added months later)
 * would run every command it holds again: an old `/score impact=2` overriding the score the team set since.
 */
const DAY_MS = 86_400_000;
let stack: InProcessStack;
let card: string;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'APP', name: 'App', editors: ['ada'] }],
    issues: [
      { projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Import bank statements', issuetype: 'Story', reporter: 'ada' },
    ],
  });
  card = stack.trello.seedBoard({
    name: 'Product',
    lists: ['Backlog', 'Doing'],
    cards: [{ list: 'Backlog', name: 'Dark mode' }],
  }).cards[0]!.id;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const impact = (key: string) => issueByKey(stack.jira, key).custom.customfield_10050;

/** A comment of Ada's without commands, as if she had written it `daysAgo` days ago. */
function oldJiraComment(key: string, daysAgo: number) {
  const comment = stack.jira.act.comment({ as: 'ada', issue: key, body: 'Notes from the call.' });
  comment.created = jiraDate(new Date(Date.now() - daysAgo * DAY_MS));
  return comment;
}

const act = (action: string, body: Record<string, string>) => trelloAct(stack.sandbox.url, action, body);

/** A comment on the card without commands, as if written `daysAgo` days ago: Trello's ids carry their creation time. */
async function oldTrelloComment(daysAgo: number): Promise<string> {
  const id = String((await act('comment', { cardId: card, text: 'Notes from the call.' })).id);
  await stack.trello.webhooksIdle();
  const action = stack.trello.state().actions.find((a) => a.id === id)!;
  const written = new Date(Date.now() - daysAgo * DAY_MS);
  action.id = `${Math.floor(written.getTime() / 1000).toString(16)}${id.slice(8)}`;
  action.date = written.toISOString();
  return action.id;
}

const trelloReplies = (commentId: string) =>
  stack.trello
    .state()
    .actions.filter(
      (a) =>
        a.type === 'commentCard' &&
        a.idMemberCreator === stack.trello.botMemberId &&
        String(a.data.text).includes(`backlog-refinery · reply-${commentId}`),
    );

describe('an author’s edit of a comment written before the 90 days its command results are kept', () => {
  it('on Jira runs none of its commands; an edit of a comment inside the window runs the ones it adds', async () => {
    const old = oldJiraComment('APP-1', 100);
    const recent = oldJiraComment('APP-2', 80);

    stack.jira.act.editComment({
      as: 'ada',
      issue: 'APP-1',
      commentId: old.id,
      body: 'Notes.\n/score impact=2',
    });
    stack.jira.act.editComment({
      as: 'ada',
      issue: 'APP-2',
      commentId: recent.id,
      body: 'Notes.\n/score impact=3',
    });

    expect(plain((await jiraReplyTo(stack.jira, 'APP-2', recent.id)).body)).toContain('Set impact=3.');
    await waitUntilIdle(stack, { delayed: true });
    const replies = stack.jira.state.comments.filter((c) =>
      JSON.stringify(c.body).includes(`backlog-refinery · reply-${old.id}`),
    );
    expect(replies).toEqual([]);
    expect(impact('APP-1')).not.toBe(2);
  });

  it('on Trello runs none of its commands either', async () => {
    const old = await oldTrelloComment(100);
    const recent = await oldTrelloComment(80);

    await act('edit-comment', { cardId: card, actionId: old, text: 'Notes.\n/help' });
    await act('edit-comment', { cardId: card, actionId: recent, text: 'Notes.\n/help' });

    await waitFor(() => trelloReplies(recent).length > 0);
    await waitUntilIdle(stack, { delayed: true });
    expect(trelloReplies(old)).toEqual([]);
  });
});
