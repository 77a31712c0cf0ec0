import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, waitFor } from '../../../scripts/lib/stack.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import {
  type InProcessStack,
  indexSeededIssues,
  startInProcessStack,
} from '../../helpers/in-process-stack.ts';
import { issueByKey } from '../../helpers/jira-sandbox-state.ts';
import { setSecurityLevel } from '../../helpers/jira-security-level.ts';

/**
 * A Trello ticket's link to a Jira item is an attachment on the card, whose name every member of the board reads.
 * An item behind a Jira issue security level is named there by its key only, as in the service's comments.
 */
let stack: InProcessStack;
let boardId = '';
const SECRET = 'Password reset tokens leak through the referrer header';
const OPEN = 'Dark mode for the settings page';
const LATER = 'Session cookies survive a password change';
const RETRIED = 'Audit log shows the customer support agent passwords';
const rulesFile = join(mkdtempSync(join(tmpdir(), 'restricted-attachment-rules-')), 'rules.yaml');
// Cross-tracker commands are opt-in: the commenter's rights on the other tracker cannot be checked.
writeFileSync(rulesFile, 'scope:\n  trello:\n    supportLists: [Tickets]\ncommands:\n  crossTracker: true\n');

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile });
  boardId = stack.trello.seedBoard({ name: 'Support', lists: ['Tickets', 'Done'] }).id;
  stack.jira.seed({
    people: [{ accountId: 'sam', displayName: 'Sam Security', email: 'sam@example.test' }],
    projects: [{ key: 'APP', name: 'App', editors: ['sam'] }],
    issues: [
      {
        summary: SECRET,
        description: 'The reset link carries its token, which third-party scripts receive.',
        securityLevel: { name: 'Security team', members: ['sam'] },
      },
      { summary: OPEN, description: 'Offer a dark theme toggle on the settings page.' },
      { summary: LATER, description: 'Signed-in browsers stay signed in after the password is changed.' },
      { summary: RETRIED, description: 'Agents typing a password into a ticket see it in the audit log.' },
    ].map((issue) => ({ ...issue, projectKey: 'APP', issuetype: 'Story', reporter: 'sam' })),
  });
  await indexSeededIssues(stack, 'sam', ['APP-1', 'APP-2', 'APP-3', 'APP-4']);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const act: Stack['trelloAct'] = (action, body) => trelloAct(stack.sandbox.url, action, body);

/** The card's attachments as the Trello sandbox holds them: what the board's members see on the card. */
const attachmentsOf = (cardId: string) =>
  [...stack.trello.state().attachments.values()].filter((attachment) => attachment.idCard === cardId);

const cardOf = (action: { data: Record<string, unknown> }) =>
  (action.data.card as { id?: string } | undefined)?.id;

const linkedWithCommand = async (key: string) => {
  const ticket = await act('create-card', {
    boardId,
    list: 'Tickets',
    name: 'Question about my account',
    desc: 'Something looks odd since yesterday.',
  });
  const cardId = String(ticket.id);
  await act('comment', { cardId, text: `/link ${key}` });
  return waitFor(() => {
    const found = attachmentsOf(cardId).find((attachment) => attachment.url.endsWith(`/browse/${key}`));
    return found && { ...found, all: attachmentsOf(cardId) };
  }, 30_000);
};

describe('a Trello ticket linked to a Jira item', () => {
  it('names an item behind a security level by its key alone in the attachment', async () => {
    const attachment = await linkedWithCommand('APP-1');
    expect(attachment.name).toBe('APP-1');
    expect(attachment.all.map((a) => a.name).join(' ')).not.toContain(SECRET);
  });

  it('names an item everyone may read by its title', async () => {
    const attachment = await linkedWithCommand('APP-2');
    expect(attachment.name).toBe(issueByKey(stack.jira, 'APP-2').summary);
  });
});

describe('a Trello ticket linked to a Jira item that gets a security level afterwards', () => {
  it('names the item by its key alone in the attachment made before', async () => {
    const before = await linkedWithCommand('APP-3');
    expect(before.name).toBe(issueByKey(stack.jira, 'APP-3').summary);

    await setSecurityLevel(stack, 'sam@example.test', 'APP-3', {
      id: stack.jira.state.securityLevels[0]?.id ?? '',
    });

    const after = attachmentsOf(before.idCard);
    expect(after.filter((a) => a.url === before.url).map((a) => a.name)).toEqual(['APP-3']);
    expect(after.map((a) => a.name).join(' ')).not.toContain(LATER);
    // The attachment taken off and put back is the service's own write, not a person unlinking the item.
    const comments = stack.trello
      .state()
      .actions.filter((action) => action.type === 'commentCard' && cardOf(action) === before.idCard)
      .map((action) => String(action.data.text));
    expect(comments.join('\n')).toContain('Linked to [APP-3]');
    expect(comments.join('\n')).not.toMatch(/unlinked/i);
  });

  it('keeps the link when putting it back named by key fails once: the retried job adds it', async () => {
    const before = await linkedWithCommand('APP-4');
    expect(before.name).toBe(issueByKey(stack.jira, 'APP-4').summary);
    stack.trello.injectFault({
      pathPrefix: `/cards/${before.idCard}/attachments`,
      method: 'POST',
      status: 500,
      count: 1,
    });

    await setSecurityLevel(stack, 'sam@example.test', 'APP-4', {
      id: stack.jira.state.securityLevels[0]?.id ?? '',
    });

    const named = await waitFor(() => {
      const now = attachmentsOf(before.idCard).filter((a) => a.url === before.url);
      return now.length > 0 && now;
    }, 30_000);
    expect(named.map((a) => a.name)).toEqual(['APP-4']);
  }, 45_000);
});
