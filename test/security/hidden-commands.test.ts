import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { plain, replyTo } from '../helpers/jira-commands.ts';

/**
 * A command shown inside a code block is an example, not an order: people paste READMEs, logs and other people's
 * words in code blocks. The parser must see the block end where the tracker shows it end, or a line that reads
 * as code in the comment runs with the commenter's rights.
 */
let stack: InProcessStack;
let boardId: string;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Agent', email: 'ada@example.test' }],
    projects: [{ key: 'APP', name: 'App', editors: ['ada'] }],
    issues: [{ projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Story', reporter: 'ada' }],
  });
  boardId = stack.trello.seedBoard({ name: 'Product', lists: ['Backlog'] }).id;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

async function trelloAct(action: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const response = await fetch(`${stack.sandbox.url}/_sandbox/trello/act/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Trello sandbox ${action}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

/** Comments `text` on a new card and returns the text of the service's reply to it. */
async function trelloReply(text: string): Promise<string> {
  const card = await trelloAct('create-card', { boardId, list: 'Backlog', name: 'Dark mode', desc: '' });
  const comment = await trelloAct('comment', { cardId: card.id, text });
  const reply = await waitFor(() =>
    stack.trello
      .state()
      .actions.find(
        (a) =>
          a.type === 'commentCard' &&
          a.idMemberCreator === stack.trello.botMemberId &&
          String(a.data.text).includes(`backlog-refinery · reply-${comment.id}`),
      ),
  );
  return String(reply.data.text);
}

describe('a command displayed inside a code block does not run', () => {
  it('Jira: a code block whose text holds ``` lines', async () => {
    const comment = stack.jira.act.comment({
      as: 'ada',
      issue: 'APP-1',
      body: {
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'From the README:' }] },
          { type: 'codeBlock', content: [{ type: 'text', text: '```\n/score impact=5\n```' }] },
          { type: 'paragraph', content: [{ type: 'text', text: '/help' }] },
        ],
      },
    });
    const reply = plain((await replyTo(stack.jira, 'APP-1', comment.id)).body);

    expect(reply).toContain('/help');
    expect(reply).not.toContain('impact=5');
  });

  it.each([
    ['a fence of four backticks is not closed by three', '````\n```\n/score impact=5\n```\n````\n/help'],
    ['a fence line with an info string closes nothing', '```\n```js\n/score impact=5\n```\n/help'],
    ['a tilde fence is not closed by a shorter one', '~~~~\n~~~\n/score impact=5\n~~~~\n/help'],
  ])('Trello: %s', async (_label, text) => {
    const reply = await trelloReply(text);

    expect(reply).toContain('/help');
    expect(reply).not.toContain('impact=5');
  });
});
