import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { commandText, plain, replyTo } from '../helpers/jira-commands.ts';

/**
 * A Jira comment "Restricted to" a group or project role is read by its members only. The reply to its commands
 * repeats them and answers them, so it is restricted the same way, or it tells everyone else what the comment hid.
 */
let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [
      {
        accountId: 'dana',
        displayName: 'Dana Developer',
        email: 'dana@example.test',
        groups: ['developers', 'security-team'],
      },
      { accountId: 'rita', displayName: 'Rita Reporter', email: 'rita@example.test' },
    ],
    // Jira takes a reply restricted to the group only from a member.
    botGroups: ['developers'],
    projects: [{ key: 'SEC', name: 'Security', editors: ['dana'] }],
    issues: [
      { projectKey: 'SEC', summary: 'Tokens leak into the export', issuetype: 'Story', reporter: 'rita' },
      { projectKey: 'SEC', summary: 'Rotate the signing keys', issuetype: 'Story', reporter: 'rita' },
      { projectKey: 'SEC', summary: 'Embargoed advisory', issuetype: 'Story', reporter: 'rita' },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

describe('a command in a comment restricted to a group', () => {
  it('is answered in a reply restricted to that group: nobody outside it is sent the reply', async () => {
    const comment = stack.jira.act.comment({
      as: 'dana',
      issue: 'SEC-1',
      body: '/score explain',
      visibility: { type: 'group', value: 'developers' },
    });

    const reply = await replyTo(stack.jira, 'SEC-1', comment.id);
    await stack.jira.settled();

    expect(plain(reply.body)).toContain('Reply to Dana Developer');
    // The reporter is outside the group: Jira mails her about neither the comment nor the reply.
    expect(
      stack.jira.state.emails.filter((email) => email.to === 'rita' && email.kind === 'comment'),
    ).toEqual([]);
    expect(reply.visibility).toMatchObject({ type: 'group', value: 'developers' });
  });

  it('keeps the reply restricted when the comment is edited to show to everyone: the reply still repeats it', async () => {
    const developers = { type: 'group' as const, value: 'developers' };
    const comment = stack.jira.act.comment({
      as: 'dana',
      issue: 'SEC-1',
      body: '/score explain',
      visibility: developers,
    });
    const reply = await replyTo(stack.jira, 'SEC-1', comment.id);

    stack.jira.act.editComment({
      as: 'dana',
      issue: 'SEC-1',
      commentId: comment.id,
      body: '/score explain\n/similar',
      visibility: null,
    });

    await waitFor(() => plain(reply.body).includes('/similar'), undefined, 'the reply edited');
    expect(reply.visibility).toEqual(developers);
  });

  it('keeps an /ac skip reason given there out of the acceptance comment, which everyone reads', async () => {
    const secret = 'CVE-2026-0042 embargo until the patch ships';
    // The failing check's comment first, so the skip edits it.
    expect(await commandText(stack.jira, 'dana', 'SEC-2', '/ac')).toContain('Fails');
    const comment = stack.jira.act.comment({
      as: 'dana',
      issue: 'SEC-2',
      body: `/ac skip ${secret}`,
      visibility: { type: 'group', value: 'developers' },
    });
    const reply = await replyTo(stack.jira, 'SEC-2', comment.id);
    expect(plain(reply.body)).toContain(secret);

    const issueId = [...stack.jira.state.issues.values()].find((issue) => issue.key === 'SEC-2')!.id;
    const readByAll = stack.jira.state.comments
      .filter((c) => c.issueId === issueId && c.visibility === undefined)
      .map((c) => plain(c.body))
      .join('\n');
    expect(readByAll).not.toContain('CVE-2026-0042');
    expect(readByAll).toContain(
      'Acceptance check skipped: the reason is in a comment restricted to the group developers',
    );
  });
});

describe('a command in a comment restricted to a group the service account is not in', () => {
  it('gets no reply rather than one everyone reads; the failed job says why and what to do', async () => {
    const comment = stack.jira.act.comment({
      as: 'dana',
      issue: 'SEC-3',
      body: '/score explain',
      visibility: { type: 'group', value: 'security-team' },
    });
    const job = await waitFor(async () =>
      (await stack.queue.getJobs(['completed', 'failed'])).find(
        (j) => j.name === 'run-commands' && j.data.event?.comment?.id === comment.id,
      ),
    );

    const issueId = [...stack.jira.state.issues.values()].find((issue) => issue.key === 'SEC-3')!.id;
    const bot = stack.jira.botCredentials.accountId;
    expect(stack.jira.state.comments.filter((c) => c.issueId === issueId && c.authorId === bot)).toEqual([]);
    expect(await job.getState()).toBe('failed');
    // As the console's Operations page and GET /admin/jobs show it.
    expect(job.failedReason).toContain(
      'restricted to the group security-team, which the service account must be in: nothing was posted, nor anything unrestricted in its place. Add the account to the group security-team, then retry the job.',
    );

    // Once an admin puts the account in the group, the retried job answers, restricted.
    stack.jira.state.users.get(bot)!.groups!.push('security-team');
    await job.retry('failed');
    const reply = await replyTo(stack.jira, 'SEC-3', comment.id);
    expect(reply.visibility).toEqual({ type: 'group', value: 'security-team' });
  });
});
