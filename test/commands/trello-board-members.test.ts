import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';

/**
 * Trello lets people who are not on a board comment on its cards: anyone with a Trello account on a public board
 * whose comments are public (`prefs.comments: "public"`), a Workspace's members on a Workspace board. Commands are
 * for the board's own people.
 */
const STRANGER = { id: '5a00000000000000000000c0', fullName: 'Sam Stranger' };
let stack: InProcessStack;
let card: string;

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
