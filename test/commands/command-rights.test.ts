import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_JIRA_SECRET, waitFor } from '../../scripts/lib/stack.ts';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { fixture } from '../fixtures/index.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { commandText, plain, replyTo } from '../helpers/jira-commands.ts';
import { issueByKey, linkedInJira } from '../helpers/jira-sandbox-state.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';
import { testRedisUrl } from '../helpers/redis.ts';

/**
 * Who may change what through a command, as people on a real Service Management site meet it: agents edit the
 * requests, a customer only comments on their own (the portal lets them browse the request, not edit it).
 */
let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Agent', email: 'ada@example.test' },
      { accountId: 'dev', displayName: 'Dev Eloper', email: 'dev@example.test' },
      { accountId: 'rita', displayName: 'Rita Reader', email: 'rita@example.test' },
      {
        accountId: 'carl',
        displayName: 'Carl Customer',
        email: 'carl@example.test',
        accountType: 'customer',
      },
    ],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada', 'dev'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk', editors: ['ada'] },
    ],
    issues: [
      { projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Import bank statements', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Reconcile payouts nightly', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'HELP', summary: 'Invoices as CSV please', issuetype: 'Task', reporter: 'carl' },
      { projectKey: 'HELP', summary: 'Statements will not import', issuetype: 'Task', reporter: 'carl' },
      { projectKey: 'HELP', summary: 'CSV export is empty', issuetype: 'Task', reporter: 'carl' },
      { projectKey: 'HELP', summary: 'Call me about invoices', issuetype: 'Task', reporter: 'carl' },
      { projectKey: 'HELP', summary: 'Invoice totals are rounded', issuetype: 'Task', reporter: 'carl' },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const issue = (key: string) => issueByKey(stack.jira, key);
const linked = (a: string, b: string) => linkedInJira(stack.jira, a, b);
const command = (as: string, key: string, body: string) => commandText(stack.jira, as, key, body);

describe('commands that change links need edit permission on the item commented on', () => {
  it('a customer commenting on their request cannot link, unlink or dismiss its suggestions', async () => {
    const linkedByCustomer = await command('carl', 'HELP-1', '/link APP-2');
    expect(linkedByCustomer).toContain('you cannot edit this item');
    expect(linked('HELP-1', 'APP-2')).toBe(false);

    expect(await command('ada', 'HELP-1', '/link APP-1')).toContain('Linked');
    const unlinkedByCustomer = await command('carl', 'HELP-1', '/unlink APP-1');
    expect(unlinkedByCustomer).toContain('you cannot edit this item');
    expect(linked('HELP-1', 'APP-1')).toBe(true);

    const dismissedByCustomer = await command('carl', 'HELP-1', '/nomatch');
    expect(dismissedByCustomer).toContain('you cannot edit this item');
    expect(dismissedByCustomer).not.toContain('Noted');
  });

  it('a customer’s score override, /ac skip and /undo on their request change nothing, and say so', async () => {
    const before = structuredClone(issue('HELP-3').custom);

    const reply = await command('carl', 'HELP-3', '/score impact=5 reach=500\n/ac skip urgent\n/undo');

    // Jira names the portal customer's account as such in the delivery: the permission check, not the type, refuses.
    const authors = stack.jira.deliveries
      .filter((d) => d.event === 'comment_created')
      .map((d) => (d.payload.comment as { author: { accountId: string; accountType: string } }).author);
    expect(authors.findLast((author) => author.accountId === 'carl')?.accountType).toBe('customer');
    expect(reply.match(/you cannot edit this item/g)).toHaveLength(3);
    expect(reply).not.toContain('Set impact=5');
    expect(issue('HELP-3').custom).toEqual(before);
  });

  it('the agent links, unlinks and dismisses', async () => {
    expect(await command('ada', 'HELP-2', '/link APP-2')).toContain('Linked');
    expect(await command('ada', 'HELP-2', '/unlink APP-2')).toContain('Unlinked HELP-2 from APP-2.');
    expect(linked('HELP-2', 'APP-2')).toBe(false);
    expect(await command('ada', 'HELP-2', '/nomatch')).toContain('Noted: no suggested item matches.');
  });
});

describe('commands that write on the item commented on need edit permission, even without arguments', () => {
  it('a reader’s /score and /ac on a story write nothing on it but the reply, which names the right they lack', async () => {
    // Rita may browse APP and comment, not edit: a recompute writes the score fields and the scorecard comment, a
    // check sets or clears the acceptance label and its comment. Neither is hers to make the service write.
    const mark = ledgerMark(stack.jira.ledger);

    const reply = await command('rita', 'APP-3', '/score\n/ac\n/score explain\n/help ac');

    expect(
      reply.match(/Nothing changed: you cannot edit this item \(Jira: the Edit Issues permission\)/g),
    ).toHaveLength(2);
    expect(reply).not.toContain('Priority score');
    expect(reply).not.toContain('its template');
    // Reading commands stay open to her.
    expect(reply).toContain('/ac: Check the item against its acceptance-criteria template');
    expect(effectsBy(stack.jira.ledger, stack.jira.botCredentials.accountId, mark)).toEqual({
      'APP-3': ['comment.created'],
    });
  });

  it('the same commands by an editor recompute and check', async () => {
    const reply = await command('dev', 'APP-3', '/score\n/ac');
    expect(reply).toContain('Priority score');
    expect(reply).toMatch(/Fails|Passes/);
    expect(reply).not.toContain('you cannot edit');
  });
});

describe('a link changes both of its ends', () => {
  it('someone who may edit the backlog item but only read the request can neither link nor unlink it from the item', async () => {
    // A developer reads the help desk's requests; agents answer them. A link writes to the request too (a comment,
    // and later the public comment that tells the customer the item is resolved).
    const linkedByDeveloper = await command('dev', 'APP-1', '/link HELP-5');
    expect(linkedByDeveloper).toContain('you cannot edit HELP-5');
    expect(linkedByDeveloper).not.toContain('Linked');
    expect(linked('HELP-5', 'APP-1')).toBe(false);

    expect(await command('ada', 'HELP-5', '/link APP-1')).toContain('Linked');
    const unlinkedByDeveloper = await command('dev', 'APP-1', '/unlink HELP-5');
    expect(unlinkedByDeveloper).toContain('you cannot edit HELP-5');
    expect(linked('HELP-5', 'APP-1')).toBe(true);
  });
});

describe('a summary posted in the team’s name needs edit permission too', () => {
  it('a customer may preview, not post', async () => {
    expect(await command('carl', 'HELP-3', '/summary post')).toContain('you cannot edit this item');
    const preview = await command('carl', 'HELP-3', '/summary');
    expect(preview).not.toContain('you cannot edit this item');
    expect(preview).toContain('No active sprint found');
  });
});

describe('an edited comment', () => {
  const impact = (key: string) => issue(key).custom.customfield_10050;
  const replyTo = (commentId: string, text: string) =>
    waitFor(() => {
      const reply = stack.jira.state.comments.find(
        (c) =>
          c.authorId === stack.jira.botCredentials.accountId &&
          JSON.stringify(c.body).includes(`backlog-refinery · reply-${commentId}`),
      );
      return reply && plain(reply.body).includes(text) ? plain(reply.body) : undefined;
    });

  it('runs a command again when an edit brings back what an earlier edit replaced', async () => {
    const comment = stack.jira.act.comment({ as: 'ada', issue: 'APP-1', body: '/score impact=4' });
    await replyTo(comment.id, 'Set impact=4.');
    expect(impact('APP-1')).toBe(4);

    stack.jira.act.editComment({ as: 'ada', issue: 'APP-1', commentId: comment.id, body: '/score impact=5' });
    await replyTo(comment.id, 'Set impact=5.');
    expect(impact('APP-1')).toBe(5);

    stack.jira.act.editComment({ as: 'ada', issue: 'APP-1', commentId: comment.id, body: '/score impact=4' });
    const reply = await replyTo(comment.id, 'Set impact=4.');
    // The reply says impact is 4: Jira must hold 4, not the 5 of the version the edit replaced.
    expect(reply).not.toContain('impact=5');
    await stack.jira.settled();
    expect(impact('APP-1')).toBe(4);
  });
});

describe('a comment someone else edits', () => {
  it('runs none of its author’s commands with the rights of whoever edited it', async () => {
    const comment = stack.jira.act.comment({
      as: 'carl',
      issue: 'HELP-4',
      body: 'Call me on +1 555 0100\n/link APP-2',
    });
    expect(plain((await replyTo(stack.jira, 'HELP-4', comment.id)).body)).toContain(
      'you cannot edit this item',
    );
    // Months later (the remembered results are gone), an agent takes the phone number out of the comment.
    const redis = new Redis(testRedisUrl());
    await redis.del(`${stack.queuePrefix}:commands:jira:${issue('HELP-4').id}:${comment.id}`);
    redis.disconnect();
    stack.jira.act.editComment({
      as: 'ada',
      issue: 'HELP-4',
      commentId: comment.id,
      body: 'Call me on [redacted]\n/link APP-2',
    });
    await stack.jira.settled();
    // A command of ada's own on the same ticket: by its reply, the queue has reached the edit.
    expect(await command('ada', 'HELP-4', '/help link')).toContain('/link');

    expect(linked('HELP-4', 'APP-2')).toBe(false);
  });
});

describe('a command the tracker refuses', () => {
  it('is answered with the refusal, and the other commands of the comment still run', async () => {
    // What a site answers when the service account may not link issues in the project.
    stack.jira.injectFault({ pathPrefix: '/rest/api/3/issueLink', method: 'POST', status: 403, count: 1 });

    const reply = await command('ada', 'HELP-3', '/link APP-1\n/help link');

    expect(reply).toContain('Not done: the tracker refused it. Jira linkIssues failed with 403');
    expect(reply).not.toContain('Linked');
    expect(reply).toContain('/link: Link a support ticket to a backlog item');
    expect(linked('HELP-3', 'APP-1')).toBe(false);
  });
});

describe('a comment with more commands than a comment may hold', () => {
  it('says which ones did not run instead of dropping them silently', async () => {
    const body = [...Array.from({ length: 10 }, () => '/help score'), '/help link', '/help undo'].join('\n');

    const reply = await command('ada', 'APP-2', body);

    expect(reply.match(/^\/help score$/gm)).toHaveLength(10);
    expect(reply).not.toContain('/link: Link a support ticket');
    expect(reply).toContain(
      'Only the first 10 commands of a comment run (commands.maxPerComment in the rules): write the others in another comment.',
    );
  });
});

describe('a command by an author Jira cannot name', () => {
  type Authors = { author?: Record<string, unknown>; editor?: Record<string, unknown> };
  type Delivery = {
    timestamp: number;
    webhookEvent: string;
    comment: { id: string; body: string; author?: Record<string, unknown>; updateAuthor?: unknown };
    issue: { id: string; key: string; fields: { project: Record<string, unknown> } };
  };
  /**
   * The real comment_created delivery, about APP-2, with its author replaced by `author` (absent: anonymous) and
   * its last editor by `editor` (absent: the author).
   */
  const post = async (
    commentId: string,
    body: string,
    { author, editor = author, event = 'comment_created' }: Authors & { event?: string } = {},
  ) => {
    const payload = fixture<Delivery>('jira/comment_created');
    const target = issue('APP-2');
    const project = [...stack.jira.state.projects.values()].find((p) => p.key === 'APP')!;
    payload.timestamp = Date.now();
    payload.webhookEvent = event;
    payload.issue = {
      ...payload.issue,
      id: target.id,
      key: target.key,
      fields: {
        ...payload.issue.fields,
        project: { ...payload.issue.fields.project, id: project.id, key: 'APP' },
      },
    };
    const { author: _author, updateAuthor: _updateAuthor, ...comment } = payload.comment;
    payload.comment = {
      ...comment,
      id: commentId,
      body,
      ...(author ? { author } : {}),
      ...(editor ? { updateAuthor: editor } : {}),
    };
    const raw = JSON.stringify(payload);
    return fetch(`${stack.apiUrl}/webhooks/jira`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signJiraBody(raw, STACK_JIRA_SECRET),
        'x-atlassian-webhook-identifier': `author-rights-${commentId}-${event}`,
      },
      body: raw,
    });
  };
  const deliver = async (commentId: string, body: string, author?: Record<string, unknown>) => {
    const response = await post(commentId, body, { author });
    expect(response.status).toBeLessThan(300);
    return plain((await replyTo(stack.jira, 'APP-2', commentId)).body);
  };
  const failedJobsOf = async (commentId: string) =>
    (await stack.queue.getFailed()).filter((job) => JSON.stringify(job.data).includes(`"${commentId}"`));

  it.each([
    ['an anonymous comment (no author)', '90001', undefined],
    [
      'a deleted account (“Former user”)',
      '90002',
      {
        accountId: '557058:0d4b-deleted',
        displayName: 'Former user',
        active: false,
        accountType: 'atlassian',
      },
    ],
  ])('%s changes nothing and is told so, with no failed job', async (_case, commentId, author) => {
    const before = issue('APP-2').custom.customfield_10050;

    const reply = await deliver(commentId, '/score impact=2', author);

    expect(reply).toContain('you cannot edit this item');
    expect(reply).not.toContain('Set impact=2.');
    expect(issue('APP-2').custom.customfield_10050).toBe(before);
    expect(await failedJobsOf(commentId)).toEqual([]);
  });

  it('an anonymous comment an agent edits runs none of its commands with the agent’s rights', async () => {
    const ada = { accountId: 'ada', displayName: 'Ada Agent', active: true, accountType: 'atlassian' };
    const response = await post('90003', '/score impact=3', { editor: ada, event: 'comment_updated' });

    expect(await response.json()).toEqual({
      ignored: 'comment edited by someone other than its author: its commands stay the author’s',
    });
  });
});
