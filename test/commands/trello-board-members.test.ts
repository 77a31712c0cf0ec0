import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_TRELLO_SECRET, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { boardJson } from '../../src/sandbox/trello/trello-views.ts';
import { signTrelloBody } from '../../src/trackers/trello/trello-signature.ts';
import { fixture } from '../fixtures/index.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';

/**
 * Trello lets people who are not on a board comment on its cards: anyone with a Trello account on a public board
 * whose comments are public (`prefs.comments: "public"`), a Workspace's members on a board of the Workspace whose
 * comments are "org". Commands are for those the board lets comment, save strangers on a public board.
 */
const STRANGER = { id: '5a00000000000000000000c0', fullName: 'Sam Stranger' };
const COLLEAGUE = { id: '5a00000000000000000000d0', fullName: 'Wes Workspace' };
let stack: InProcessStack;
let card: string;
let workspaceBoard: { id: string; card: { id: string; shortLink: string; name: string } };

beforeAll(async () => {
  stack = await startInProcessStack();
  const { trello } = stack;
  trello.state().members.set(STRANGER.id, {
    id: STRANGER.id,
    fullName: STRANGER.fullName,
    username: 'samstranger',
    initials: 'SS',
  });
  const members = { [trello.botMemberId]: 'admin', [trello.personMemberId]: 'normal' } as const;
  const roadmap = trello.seedBoard({
    name: 'Public roadmap',
    lists: ['Backlog', 'Doing'],
    cards: [{ list: 'Backlog', name: 'Dark mode' }],
    members,
    prefs: { permissionLevel: 'public', comments: 'public' },
  });
  card = roadmap.cards[0]!.id;
  trello.state().members.set(COLLEAGUE.id, {
    id: COLLEAGUE.id,
    fullName: COLLEAGUE.fullName,
    username: 'weswork',
    initials: 'WW',
  });
  const shared = trello.seedBoard({
    name: 'Acme roadmap',
    lists: ['Backlog', 'Doing'],
    cards: [{ list: 'Backlog', name: 'Offline mode' }],
    members,
    workspace: { name: 'Acme', members: [trello.botMemberId, trello.personMemberId, COLLEAGUE.id] },
    prefs: { permissionLevel: 'org', comments: 'org' },
  });
  workspaceBoard = { id: shared.id, card: shared.cards[0]! };
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** Comments as `memberId` in Trello's UI (the sandbox refuses who may not comment there, as Trello does). */
const comment = (memberId: string, cardId: string, text: string) =>
  fetch(`${stack.sandbox.url}/_sandbox/trello/act/comment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ memberId, cardId, text }),
  });

const replyTo = (cardId: string, commentId: string) =>
  waitFor(
    () =>
      stack.trello
        .state()
        .actions.find(
          (a) =>
            a.type === 'commentCard' &&
            a.idMemberCreator === stack.trello.botMemberId &&
            (a.data.card as { id: string }).id === cardId &&
            String(a.data.text).includes(`backlog-refinery · reply-${commentId}`),
        ),
    undefined,
    `the reply to ${commentId}`,
  );

/**
 * A commentCard delivery signed as Trello signs it, from someone the board's comment pref does not let comment: what
 * arrives if they were just taken off the Workspace, or if someone holding the app's secret forges one.
 */
async function deliverComment(memberId: string, fullName: string, text: string): Promise<string> {
  const payload = fixture<{ action: Record<string, unknown>; model: unknown }>('trello/commentCard');
  const id = `6${Date.now().toString(16).padStart(11, '0')}000000000001`.slice(0, 24);
  const board = stack.trello.state().boards.get(workspaceBoard.id)!;
  payload.action = {
    ...payload.action,
    id,
    idMemberCreator: memberId,
    date: new Date().toISOString(),
    data: {
      board: { id: board.id, name: board.name, shortLink: board.shortLink },
      card: { ...workspaceBoard.card, idShort: 1 },
      text,
    },
    memberCreator: { id: memberId, fullName, initials: 'OO', username: 'olga' },
  };
  payload.model = boardJson(board);
  const raw = JSON.stringify(payload);
  const response = await fetch(`${stack.apiUrl}/webhooks/trello`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-trello-webhook': signTrelloBody(raw, STACK_TRELLO_SECRET, `${stack.apiUrl}/webhooks/trello`),
    },
    body: raw,
  });
  expect(response.status).toBeLessThan(300);
  return id;
}

const DECLINED_METRIC = 'refinery_commands_declined_total{tracker="trello",reason="not_board_member"} ';

/**
 * Whether /metrics counts the commands of every comment whose job said its author is not on the board (a decline
 * counts each command of the comment; those here are the comment's lines that start with a slash).
 */
async function declinesCounted(): Promise<boolean> {
  const declined = (await stack.queue.getCompleted()).filter((job) =>
    String((job.returnvalue as { skipped?: string } | undefined)?.skipped).endsWith(
      'not a member of the board',
    ),
  );
  const commands = declined
    .flatMap((job) => (job.data as { event: { comment: { text: string } } }).event.comment.text.split('\n'))
    .filter((line) => line.startsWith('/')).length;
  const line = (await (await fetch(`${stack.apiUrl}/metrics`)).text())
    .split('\n')
    .find((candidate) => candidate.startsWith(DECLINED_METRIC));
  return Number(line?.slice(DECLINED_METRIC.length)) === commands;
}

async function commandJobOf(commentId: string): Promise<unknown> {
  const job = await waitFor(
    async () =>
      (await stack.queue.getCompleted()).find(
        (candidate) =>
          candidate.name === 'run-commands' &&
          (candidate.data as { event?: { comment?: { id?: string } } }).event?.comment?.id === commentId,
      ),
    undefined,
    `the command job of comment ${commentId}`,
  );
  return job.returnvalue;
}

describe('commands on a public Trello board', () => {
  it('a stranger’s commands do nothing and get no reply; the job says why', async () => {
    const mark = ledgerMark(stack.trello.ledger);

    const response = await comment(STRANGER.id, card, 'Love it!\n/help\n/score\n/ac');
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };

    expect(await commandJobOf(id)).toEqual({
      skipped: `commands by ${STRANGER.fullName} (${STRANGER.id}) not run: not a member of the board`,
    });
    await waitUntilIdle(stack, { delayed: true });
    expect(effectsBy(stack.trello.ledger, stack.trello.botMemberId, mark)).toEqual({});
  });

  it('a member’s commands on the same board are answered', async () => {
    const response = await comment(stack.trello.personMemberId, card, '/help');
    const { id } = (await response.json()) as { id: string };
    expect(String((await replyTo(card, id)).data.text)).toContain('/score');
  });
});

describe('commands on a Workspace board whose comments are “org”', () => {
  it('a Workspace member who is not on the board may comment there, and their commands are answered', async () => {
    const response = await comment(COLLEAGUE.id, workspaceBoard.card.id, '/help');
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };

    expect(await commandJobOf(id)).not.toHaveProperty('skipped');
    expect(String((await replyTo(workspaceBoard.card.id, id)).data.text)).toContain('/score');
  });

  it('someone outside the Workspace gets no action, and the decline is counted', async () => {
    const mark = ledgerMark(stack.trello.ledger);

    const id = await deliverComment('5a00000000000000000000e0', 'Olga Outsider', '/help\n/score');

    expect(await commandJobOf(id)).toEqual({
      skipped: 'commands by Olga Outsider (5a00000000000000000000e0) not run: not a member of the board',
    });
    await waitUntilIdle(stack, { delayed: true });
    expect(effectsBy(stack.trello.ledger, stack.trello.botMemberId, mark)).toEqual({});
    await waitFor(declinesCounted, undefined, 'the declines counted on /metrics');
  });
});
