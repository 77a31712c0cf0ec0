import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { type StackConsole, stackConsole } from '../helpers/stack-console.ts';

let stack: Stack;
let boardId: string;
let console_: StackConsole;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'accept-leaves-')), 'rules.yaml');
writeFileSync(rulesFile, 'scope:\n  trello:\n    supportLists: [Tickets]\n');

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { REFINERY_CONFIG: rulesFile } });
  boardId = stack.trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Tickets'] }).id;
  console_ = stackConsole(stack);
}, 60_000);
afterAll(async () => {
  await console_?.close();
  await stack?.stop();
});

const LABEL = 'needs-acceptance-criteria';
const store = () => stack.trello.state();
const statusComment = (cardId: string) =>
  store().actions.find(
    (a) =>
      a.type === 'commentCard' &&
      a.idMemberCreator === stack.trello.botMemberId &&
      (a.data.card as { id: string }).id === cardId &&
      String(a.data.text).includes('backlog-refinery · acceptance-criteria'),
  );
const labelsOf = (cardId: string) =>
  (store().cards.get(cardId)?.idLabels ?? []).map((id) => store().labels.get(id)?.name);
const failingOnBoard = async () =>
  (await console_.readModel.acceptanceHealth(`trello:${boardId}`))?.failing ?? 0;

async function failingCard(name: string) {
  const card = await stack.trelloAct('create-card', { boardId, list: 'Backlog', name, desc: 'Do it.' });
  const id = String(card.id);
  await waitFor(() => labelsOf(id).includes(LABEL) && statusComment(id) !== undefined, 30_000);
  return id;
}

describe('a failing card that stops being a backlog item', () => {
  it('loses its label and its "missing" comment when moved into a support list, and is checked again when back', async () => {
    const id = await failingCard('Refund request');
    await waitFor(async () => (await failingOnBoard()) > 0, 30_000);
    const failingBefore = await failingOnBoard();

    await stack.trelloAct('move-card', { cardId: id, list: 'Tickets' });

    await waitFor(() => !labelsOf(id).includes(LABEL), 30_000);
    await waitFor(() => String(statusComment(id)?.data.text).includes('no longer checked'), 30_000);
    expect(String(statusComment(id)?.data.text)).not.toContain('Acceptance criteria');
    await waitFor(async () => (await failingOnBoard()) === failingBefore - 1, 30_000);

    await stack.trelloAct('move-card', { cardId: id, list: 'Backlog' });

    await waitFor(() => labelsOf(id).includes(LABEL), 30_000);
    await waitFor(() => !String(statusComment(id)?.data.text).includes('no longer checked'), 30_000);
    await waitFor(async () => (await failingOnBoard()) === failingBefore, 30_000);
  }, 45_000);

  it('loses its label and its "missing" comment when archived, and is checked again when restored', async () => {
    const id = await failingCard('Old idea');

    await stack.trelloAct('archive-card', { cardId: id });

    await waitFor(() => !labelsOf(id).includes(LABEL), 30_000);
    await waitFor(() => String(statusComment(id)?.data.text).includes('no longer checked'), 30_000);

    await stack.trelloAct('archive-card', { cardId: id, closed: 'false' });

    await waitFor(() => labelsOf(id).includes(LABEL), 30_000);
    await waitFor(() => !String(statusComment(id)?.data.text).includes('no longer checked'), 30_000);
  }, 45_000);
});
