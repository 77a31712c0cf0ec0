import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntilIdle } from '../../scripts/lib/stack.ts';
import { trelloAct } from '../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { commandText } from '../helpers/jira-commands.ts';
import { metricsWith, operationsPage, pageSection } from '../helpers/stack-operations.ts';

/**
 * `commands.allowedActors` keeps commands to the people it names. Whoever else writes one gets no reply and leaves
 * no trace on the tracker: an operator who set the list needs to see how often it refused, as for the other
 * reasons a command is declined.
 */
const rulesFile = join(mkdtempSync(join(tmpdir(), 'not-allowed-commands-')), 'rules.yaml');
writeFileSync(rulesFile, 'commands:\n  allowedActors: [ada]\n');

let stack: InProcessStack;
let card: string;

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile });
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' },
      { accountId: 'eve', displayName: 'Eve Editor', email: 'eve@example.test' },
    ],
    projects: [{ key: 'APP', name: 'App', editors: ['ada', 'eve'] }],
    issues: [{ projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Story', reporter: 'ada' }],
  });
  const { trello } = stack;
  card = trello.seedBoard({
    name: 'Roadmap',
    lists: ['Backlog'],
    cards: [{ list: 'Backlog', name: 'Dark mode' }],
    members: { [trello.botMemberId]: 'admin', [trello.personMemberId]: 'normal' },
  }).cards[0]!.id;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const NOT_ALLOWED = [
  'refinery_commands_declined_total{tracker="jira",reason="not_allowed"} 2',
  'refinery_commands_declined_total{tracker="trello",reason="not_allowed"} 1',
];

describe('commands of a person commands.allowedActors leaves out', () => {
  it('run nothing, and are counted on /metrics and on the Operations page', async () => {
    stack.jira.act.comment({ as: 'eve', issue: 'APP-1', body: 'Bumping this.\n/score impact=5\n/ac' });
    await trelloAct(stack.sandbox.url, 'comment', {
      memberId: stack.trello.personMemberId,
      cardId: card,
      text: '/help',
    });
    // Ada is on the list: her command runs, after Eve's comment was planned.
    expect(await commandText(stack.jira, 'ada', 'APP-1', '/help score')).toContain('/score');
    await waitUntilIdle(stack, { delayed: true });

    const replies = stack.jira.state.comments.filter(
      (c) => c.authorId === stack.jira.botCredentials.accountId,
    );
    expect(replies.map((c) => JSON.stringify(c.body)).join()).not.toContain('Eve');
    const metrics = await metricsWith(stack, NOT_ALLOWED);
    expect(metrics.split('\n')).toEqual(expect.arrayContaining(NOT_ALLOWED));
    expect(pageSection(await operationsPage(stack), 'Commands declined')).toContain(
      'Not allowed to run commands (commands.allowedActors) 2 1',
    );
  });
});
