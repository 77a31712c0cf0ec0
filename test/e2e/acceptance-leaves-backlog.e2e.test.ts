import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, stackQueue, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { createLinkIndexStore } from '../../src/linking/index.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { stackAdmin } from '../helpers/stack-admin.ts';
import { type StackConsole, stackConsole } from '../helpers/stack-console.ts';

const ADMIN_TOKEN = 'e2e-admin-token-acceptance-leaves-0123456789';
let stack: Stack;
let boardId: string;
let console_: StackConsole;
/** A board the rules leave alone, without the service's webhook: Trello tells the service nothing of it. */
let elsewhereId: string;
/** A board only a person is on: the service may not read its cards. */
let privateId: string;
let queue: Queue;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'accept-leaves-')), 'rules.yaml');
const rules = (ignoredBoards: string[] = []) =>
  writeFileSync(
    rulesFile,
    `scope:\n  trello:\n    supportLists: [Tickets]\n    ignoredBoards: [${ignoredBoards.join(', ')}]\n`,
  );
rules();
const { admin } = stackAdmin(() => stack, ADMIN_TOKEN);

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { REFINERY_CONFIG: rulesFile, ADMIN_TOKEN } });
  boardId = stack.trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Tickets'] }).id;
  console_ = stackConsole(stack);
  queue = stackQueue(stack);
  elsewhereId = stack.trello.seedBoard({ name: 'Elsewhere', lists: ['Inbox'], webhook: false }).id;
  privateId = stack.trello.seedBoard({
    name: 'Private',
    lists: ['Inbox'],
    webhook: false,
    members: { [stack.trello.personMemberId]: 'admin' },
  }).id;
  rules([elsewhereId]);
  const reloaded = await admin('POST', '/admin/actions/reload-rules', {});
  if (reloaded.status !== 200) throw new Error(`reload-rules: ${reloaded.status}`);
}, 60_000);
afterAll(async () => {
  await queue?.close();
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
const indexed = async (cardId: string) =>
  (await createLinkIndexStore(stack.redis, stack.queuePrefix).get({ tracker: 'trello', id: cardId })) !==
  undefined;
const scorecard = (cardId: string) =>
  store().actions.find(
    (a) =>
      a.type === 'commentCard' &&
      a.idMemberCreator === stack.trello.botMemberId &&
      (a.data.card as { id: string }).id === cardId &&
      String(a.data.text).includes('Priority score: '),
  );
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

  it('gets its comment edited to say why even when a person had already taken the label off', async () => {
    const id = await failingCard('Dark mode');
    await stack.trelloAct('set-label', { cardId: id, label: LABEL, present: 'false' });
    await waitFor(() => !labelsOf(id).includes(LABEL));

    await stack.trelloAct('move-card', { cardId: id, list: 'Tickets' });

    await waitFor(() => String(statusComment(id)?.data.text).includes('no longer checked'));
    expect(String(statusComment(id)?.data.text)).toContain('it is now a support ticket');
    expect(labelsOf(id)).not.toContain(LABEL);
  }, 45_000);
});

describe('a card moved between boards', () => {
  it('moved to a board out of scope loses its label, its comment says why, and it leaves the console and the index', async () => {
    const id = await failingCard('Export to PDF');
    await waitFor(async () => (await failingOnBoard()) > 0 && (await indexed(id)));
    const failingBefore = await failingOnBoard();

    // The service hears only moveCardFromBoard: it has no webhook on the board the card joins.
    await stack.trelloAct('move-card', { cardId: id, boardId: elsewhereId, list: 'Inbox' });

    await waitFor(() => !labelsOf(id).includes(LABEL));
    await waitFor(() => String(statusComment(id)?.data.text).includes('no longer checked'));
    expect(String(statusComment(id)?.data.text)).toContain(
      'it is no longer in a project or board the service checks',
    );
    await waitFor(async () => (await failingOnBoard()) === failingBefore - 1);
    await waitFor(async () => !(await indexed(id)));
  }, 45_000);

  it('moved to a board the service may not read leaves the console and the index, and fails no job', async () => {
    const id = await failingCard('Legal review');
    await waitFor(async () => (await failingOnBoard()) > 0 && (await indexed(id)));
    const failingBefore = await failingOnBoard();
    const failedBefore = (await queue.getJobCounts('failed')).failed;

    await stack.trelloAct('move-card', { cardId: id, boardId: privateId, list: 'Inbox' });

    await waitFor(async () => (await failingOnBoard()) === failingBefore - 1 && !(await indexed(id)));
    await waitUntilIdle(stack, { delayed: true });
    expect((await queue.getJobCounts('failed')).failed).toBe(failedBefore);
  }, 45_000);

  it('moved into a backlog board from a board out of scope is checked, scored and indexed like a new card', async () => {
    const card = await stack.trelloAct('create-card', {
      boardId: elsewhereId,
      list: 'Inbox',
      name: 'Bulk import',
      desc: 'Do it.',
    });
    const id = String(card.id);

    await stack.trelloAct('move-card', { cardId: id, boardId, list: 'Backlog' });

    await waitFor(() => labelsOf(id).includes(LABEL) && statusComment(id) !== undefined);
    await waitFor(() => scorecard(id));
    await waitFor(() => indexed(id));
    const detail = await waitFor(() => console_.readModel.item({ tracker: 'trello', idOrKey: id }));
    expect(detail.acceptance.status).toBe('fails');
    expect(detail.row.container).toBe(`trello:${boardId}`);
  }, 45_000);
});
