import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { plain, replyTo } from '../helpers/jira-commands.ts';

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
        groups: ['developers'],
      },
      { accountId: 'rita', displayName: 'Rita Reporter', email: 'rita@example.test' },
    ],
    projects: [{ key: 'SEC', name: 'Security', editors: ['dana'] }],
    issues: [
      { projectKey: 'SEC', summary: 'Tokens leak into the export', issuetype: 'Story', reporter: 'rita' },
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
});
