import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_JIRA_SECRET, STACK_TRELLO_SECRET, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { jiraDate } from '../../src/sandbox/jira/state.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { commandText } from '../helpers/jira-commands.ts';
import { metricsWith, operationsPage, pageSection } from '../helpers/stack-operations.ts';

/**
 * Commands the service declines for who asked them (an app account, a stranger on a public Trello board, a reader's
 * command that writes, an edit of a comment older than its results) leave no trace on the tracker: an operator
 * needs them counted on /metrics and on the console's Operations page, and nothing the commenter wrote there.
 */
const DAY_MS = 86_400_000;
const AUTOMATION = { accountId: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077', name: 'Automation for Jira' };
/** A name Trello lets anyone choose: it must reach neither a label nor the page as markup. */
const STRANGER = { id: '5a00000000000000000000c0', fullName: 'Sam <img src=x onerror=alert(1)> "S"' };

let stack: InProcessStack;
let card: string;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' },
      { accountId: 'rita', displayName: 'Rita Reader', email: 'rita@example.test' },
      {
        accountId: AUTOMATION.accountId,
        displayName: AUTOMATION.name,
        email: `${AUTOMATION.accountId}@connect.atlassian.com`,
        accountType: 'app',
      },
    ],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk', editors: ['rita'] },
    ],
    issues: [
      { projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Import bank statements', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'HELP', summary: 'Invoices as CSV please', issuetype: 'Task', reporter: 'ada' },
    ],
  });
  const { trello } = stack;
  trello.state().members.set(STRANGER.id, {
    id: STRANGER.id,
    fullName: STRANGER.fullName,
    username: 'samstranger',
    initials: 'SS',
  });
  card = trello.seedBoard({
    name: 'Public roadmap',
    lists: ['Backlog', 'Doing'],
    cards: [{ list: 'Backlog', name: 'Dark mode' }],
    members: { [trello.botMemberId]: 'admin', [trello.personMemberId]: 'normal' },
    prefs: { permissionLevel: 'public', comments: 'public' },
  }).cards[0]!.id;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const DECLINED = [
  'refinery_commands_declined_total{tracker="jira",reason="app_account"} 1',
  'refinery_commands_declined_total{tracker="jira",reason="no_edit_right"} 3',
  'refinery_commands_declined_total{tracker="jira",reason="old_comment_edit"} 1',
  'refinery_commands_declined_total{tracker="trello",reason="not_board_member"} 2',
  'refinery_commands_declined_total{tracker="trello",reason="no_edit_right"} 0',
];

describe('commands declined for who asked them', () => {
  it('are counted by reason on /metrics and on the Operations page, with nothing the commenter wrote', async () => {
    // An app account's comment: 1 command.
    stack.jira.act.comment({ as: AUTOMATION.accountId, issue: 'APP-1', body: '/score impact=5' });
    // A reader's commands that write on the item: 2 of the 3 (the help only reads).
    const reply = await commandText(stack.jira, 'rita', 'APP-2', '/score\n/ac\n/help ac');
    expect(reply.match(/you cannot edit this item/g)).toHaveLength(2);
    // A link from an item Ada may edit to a request she may only read: 1.
    expect(await commandText(stack.jira, 'ada', 'APP-1', '/link HELP-1')).toContain('you cannot edit HELP-1');
    // An edit of a comment written 100 days ago: its 1 command does not run again.
    const old = stack.jira.act.comment({ as: 'ada', issue: 'APP-2', body: 'Notes from the call.' });
    old.created = jiraDate(new Date(Date.now() - 100 * DAY_MS));
    stack.jira.act.editComment({
      as: 'ada',
      issue: 'APP-2',
      commentId: old.id,
      body: 'Notes.\n/score impact=2',
    });
    // A stranger on a public board: 2 commands.
    const stranger = await fetch(`${stack.sandbox.url}/_sandbox/trello/act/comment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ memberId: STRANGER.id, cardId: card, text: 'Love it!\n/help\n/score' }),
    });
    expect(stranger.status).toBe(200);
    await waitUntilIdle(stack, { delayed: true });

    const metrics = await metricsWith(stack, DECLINED);
    const declined = metrics
      .split('\n')
      .filter((line) => line.startsWith('refinery_commands_declined_total{'));
    expect(declined).toEqual(expect.arrayContaining(DECLINED));
    const page = await operationsPage(stack);
    expect(pageSection(page, 'Commands declined')).toBe(
      'Commands declined Commands not run for who asked them, per tracker Reason Jira Trello ' +
        'App account (not in commands.allowedApps) 1 0 ' +
        'Not a member of the Trello board 0 2 ' +
        'No edit right on the item 3 0 ' +
        'Edit of a comment older than 90 days 1 0 ' +
        'Not allowed to run commands (commands.allowedActors) 0 0',
    );
    for (const text of [metrics, page]) {
      for (const written of ['Sam <', 'onerror', AUTOMATION.accountId, 'impact=', 'Love it']) {
        expect(text).not.toContain(written);
      }
      for (const secret of [STACK_JIRA_SECRET, STACK_TRELLO_SECRET, stack.jira.botCredentials.apiToken]) {
        expect(text).not.toContain(secret);
      }
    }
  });
});
