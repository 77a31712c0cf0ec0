import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, waitFor } from '../../../scripts/lib/stack.ts';
import { linkIndexSize } from '../../../src/linking/index.ts';
import { trelloAct } from '../../../src/sandbox/trello/act-client.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';
import { commandReply, plain } from '../../helpers/jira-commands.ts';
import { markedComments, ownCommentLines } from '../../helpers/jira-sandbox-state.ts';

/**
 * A Trello card on a private board is seen by the board's members only: the suggestions on a Jira support ticket,
 * which the whole desk reads, name it by its short link alone, as a Jira item behind a security level. A card on a
 * public board keeps its title; so does a card on the ticket's own board, and one on a Workspace-visible board for
 * a Trello ticket on a board of the same Workspace. Nothing links by itself here.
 */
let stack: InProcessStack;
const SECRET = 'Password reset tokens leak through the referrer header';
const OPEN = 'Password reset page shows a blank form';
const TEAM = 'Password reset email arrives an hour late';
const rulesFile = join(mkdtempSync(join(tmpdir(), 'private-board-items-')), 'rules.yaml');
writeFileSync(
  rulesFile,
  // Cross-tracker commands are opt-in: the commenter's rights on the other tracker cannot be checked.
  'scope:\n  trello:\n    supportLists: [Tickets]\nlinking:\n  autoLinkThreshold: 1\ncommands:\n  crossTracker: true\n',
);
const cards: Record<string, string> = {};
const boards: Record<string, string> = {};
const act: Stack['trelloAct'] = (action, body) => trelloAct(stack.sandbox.url, action, body);
const TICKET = {
  summary: 'Password reset link not working',
  description: 'I clicked the password reset link but the token was refused.',
};

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' }],
  });
  const workspace = { name: 'Acme', members: [stack.trello.botMemberId] };
  boards.secret = stack.trello.seedBoard({ name: 'Security fixes', lists: ['Backlog', 'Tickets'] }).id;
  boards.open = stack.trello.seedBoard({
    name: 'Roadmap',
    lists: ['Backlog'],
    prefs: { permissionLevel: 'public' },
  }).id;
  boards.team = stack.trello.seedBoard({
    name: 'Team',
    lists: ['Backlog'],
    prefs: { permissionLevel: 'org' },
    workspace,
  }).id;
  boards.support = stack.trello.seedBoard({ name: 'Support', lists: ['Tickets'], workspace }).id;
  for (const [board, name, desc] of [
    ['secret', SECRET, 'The password reset link carries its token, which third-party scripts receive.'],
    ['open', OPEN, 'The password reset page loads without its fields on some browsers.'],
    ['team', TEAM, 'The password reset email with its link comes an hour after the request.'],
  ] as const) {
    const card = await act('create-card', { boardId: String(boards[board]), list: 'Backlog', name, desc });
    cards[board] = String(card.shortLink);
  }
  await waitFor(async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === 3, 30_000);
  // Trello creation times have whole seconds; a ticket is matched only with items created before it.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** The line of the suggestions naming the card. */
const lineOf = (lines: readonly string[], board: string) =>
  lines.find((text) => text.includes(`/link ${cards[board]}`));
/** A suggestion line as Jira shows it (plain text), or as Trello's Markdown reads: the command in code. */
const keyOnly = (board: string, tick = '') =>
  new RegExp(
    `^- ${tick}/link ${cards[board]}${tick} \\(matches words of a restricted item; confidence \\d+%\\)$`,
  );
const titled = (board: string, title: string) =>
  new RegExp(`^- /link ${cards[board]} ${title}\\.? \\(shares [a-z, ]+; confidence \\d+%\\)$`);
const titledMarkdown = (board: string, title: string) =>
  new RegExp(
    `^- \`/link ${cards[board]}\` \\[${title}\\.?\\]\\(https://trello\\.com/c/${cards[board]}/\\S+\\) \\(shares [a-z, ]+; confidence \\d+%\\)$`,
  );

/** The lines of the service's suggestions comment on a Trello ticket, as the board's members read it. */
const trelloSuggestionLines = (cardId: string) => {
  const comment = stack.trello
    .state()
    .actions.find(
      (action) =>
        action.type === 'commentCard' &&
        action.idMemberCreator === stack.trello.botMemberId &&
        (action.data.card as { id: string }).id === cardId &&
        String(action.data.text).includes('backlog-refinery · link'),
    );
  return comment && String(comment.data.text).split('\n');
};

const trelloTicketOn = async (board: string) => {
  const card = await act('create-card', {
    boardId: String(boards[board]),
    list: 'Tickets',
    name: TICKET.summary,
    desc: TICKET.description,
  });
  return waitFor(() => trelloSuggestionLines(String(card.id)), 30_000);
};

describe('the suggestions comment on a Jira support ticket', () => {
  it('names a card of a private or Workspace board by its short link only, and one of a public board by its title', async () => {
    const ticket = stack.jira.act.createIssue({
      as: 'ada',
      project: 'HELP',
      issuetype: 'Task',
      ...TICKET,
    }).key;
    const lines = await waitFor(() => ownCommentLines(stack.jira, ticket, 'link'));
    expect(lineOf(lines, 'secret')).toMatch(keyOnly('secret'));
    expect(lineOf(lines, 'team')).toMatch(keyOnly('team'));
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(lines.join('\n')).not.toContain(TEAM);
    expect(lineOf(lines, 'open')).toMatch(titled('open', OPEN));
  });
});

describe('the suggestions comment on a Trello ticket', () => {
  it('names a card of its own private board by its title', async () => {
    const lines = await trelloTicketOn('secret');
    expect(lineOf(lines, 'secret')).toMatch(titledMarkdown('secret', SECRET));
  });

  it('on another board of the Workspace names a card of a private board by its short link only, of a Workspace board by its title', async () => {
    const lines = await trelloTicketOn('support');
    expect(lineOf(lines, 'secret')).toMatch(keyOnly('secret', '`'));
    expect(lines.join('\n')).not.toMatch(/referrer/i);
    expect(lineOf(lines, 'team')).toMatch(titledMarkdown('team', TEAM));
    expect(lineOf(lines, 'open')).toMatch(titledMarkdown('open', OPEN));
  });
});

describe('a Jira support ticket linked with /link to a card of a private board', () => {
  it('names the card by its short link only in the link comment and in the remote link, whose address holds no title', async () => {
    const ticket = stack.jira.act.createIssue({
      as: 'ada',
      project: 'HELP',
      issuetype: 'Task',
      summary: 'Question about my account',
      description: 'Something looks odd since yesterday.',
    });
    // The ticket's suggestions come first; the command's reply is its job's last write, after the link comment.
    await waitFor(() => markedComments(stack.jira, ticket.key, 'link')[0]);
    await commandReply(stack.jira, 'ada', ticket.key, `/link ${cards.secret}`);
    const [comment] = markedComments(stack.jira, ticket.key, 'link');
    const remote = stack.jira.state.remoteLinks.find((link) => link.issueId === ticket.id);
    expect(plain(comment?.body)).toMatch(new RegExp(`^Linked to ${cards.secret} by Ada Lovelace\\.\n`));
    expect(remote?.object).toEqual({ url: `https://trello.com/c/${cards.secret}`, title: cards.secret });
    expect(JSON.stringify(stack.jira.state.comments)).not.toMatch(/referrer/i);
  });
});
