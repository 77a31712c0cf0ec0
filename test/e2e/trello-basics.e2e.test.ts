import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, stackQueue, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { testRedisUrl } from '../helpers/redis.ts';

let stack: Stack;
let boardId: string;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'trello-rules-')), 'rules.yaml');
writeFileSync(rulesFile, 'acceptance:\n  gate: [Doing]\n');

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { REFINERY_CONFIG: rulesFile } });
  boardId = stack.trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Doing', 'Done'] }).id;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const store = () => stack.trello.state();
const botComments = (cardId: string, purpose?: string) =>
  store().actions.filter(
    (a) =>
      a.type === 'commentCard' &&
      a.idMemberCreator === stack.trello.botMemberId &&
      (a.data.card as { id: string }).id === cardId &&
      (!purpose || String(a.data.text).includes(`backlog-refinery · ${purpose}`)),
  );
const labelsOf = (cardId: string) =>
  (store().cards.get(cardId)?.idLabels ?? []).map((id) => store().labels.get(id)?.name);

describe('Trello end to end', () => {
  it('answers /help on a card with one reply comment', async () => {
    const card = await stack.trelloAct('create-card', {
      boardId,
      list: 'Backlog',
      name: 'Dark mode',
      desc: '',
    });

    await stack.trelloAct('comment', { cardId: String(card.id), text: 'hi\n/help' });

    const [reply] = await waitFor(() => {
      const replies = botComments(String(card.id)).filter((a) => String(a.data.text).includes('commands'));
      return replies.length > 0 ? replies : undefined;
    });
    expect(String(reply!.data.text)).toContain('/help');
  });

  it('labels a card without acceptance criteria and clears the label once they are written', async () => {
    const card = await stack.trelloAct('create-card', {
      boardId,
      list: 'Backlog',
      name: 'Saved carts',
      desc: 'As a shopper I want saved carts.',
    });
    const id = String(card.id);

    await waitFor(() => labelsOf(id).includes('needs-acceptance-criteria'));
    await waitFor(() => botComments(id, 'acceptance-criteria').length > 0);

    await stack.trelloAct('edit-desc', {
      cardId: id,
      desc: [
        'As a shopper, I want my cart saved, so that I can finish buying on another device.',
        '',
        '## Acceptance criteria',
        '- Given a cart on my phone, when I open the site on my laptop, then the cart is there',
      ].join('\n'),
    });

    await waitFor(() => !labelsOf(id).includes('needs-acceptance-criteria'));
    await waitFor(() =>
      String(botComments(id, 'acceptance-criteria')[0]?.data.text).includes('Acceptance check passed'),
    );
    expect(botComments(id, 'acceptance-criteria')).toHaveLength(1);
  });

  it('/ac template on a description near the limit says the template did not fit, not that it appended it', async () => {
    // Typed by a person, just under Trello's 16,384 characters: the sections would be the first lines cut.
    const lines: string[] = [];
    for (let n = 1; lines.join('\n').length < 16_300; n++)
      lines.push(`Step ${n}: move the old invoices table to the new schema.`);
    const desc = lines.slice(0, -1).join('\n');
    const card = await stack.trelloAct('create-card', { boardId, list: 'Backlog', name: 'Migration', desc });
    const id = String(card.id);
    await waitFor(() => labelsOf(id).includes('needs-acceptance-criteria'));

    await stack.trelloAct('comment', { cardId: id, text: '/ac template' });

    const reply = String((await waitFor(() => botComments(id, 'reply-')[0]))!.data.text);
    expect(reply).not.toContain('Appended');
    expect(reply).toContain(
      'did not fit: Trello stops at 16,384 characters, and the description is near that',
    );
    expect(store().cards.get(id)?.desc).toBe(desc);
  });

  it('checks a card again when its acceptance criteria arrive as a checklist', async () => {
    const card = await stack.trelloAct('create-card', {
      boardId,
      list: 'Backlog',
      name: 'Wish lists',
      desc: 'As a shopper, I want a wish list, so that I can buy later.',
    });
    const id = String(card.id);
    await waitFor(() => labelsOf(id).includes('needs-acceptance-criteria'));

    const checklist = await stack.trelloAct('add-checklist', { cardId: id, name: 'Acceptance criteria' });
    await stack.trelloAct('add-check-item', {
      cardId: id,
      checklistId: String(checklist.id),
      name: 'Given a product, when I add it to my wish list, then it is listed there',
    });

    await waitFor(() => !labelsOf(id).includes('needs-acceptance-criteria'));
    // The label goes first and the comment is edited after it, in the same job.
    await waitFor(() =>
      String(botComments(id, 'acceptance-criteria')[0]?.data.text).includes('Acceptance check passed'),
    );
    expect(botComments(id, 'acceptance-criteria')).toHaveLength(1);
  });

  /** A card that passes by its checklist, seeded (no webhook, so no check yet): the person's next edit is the test. */
  function passingCard(name: string) {
    const board = stack.trello.seedBoard({
      name: `Checklists ${name}`,
      lists: ['Backlog'],
      cards: [
        {
          list: 'Backlog',
          name,
          desc: `As a shopper, I want ${name.toLowerCase()}, so that presents are easy.`,
          checklists: [
            {
              name: 'Acceptance criteria',
              items: [{ text: 'Given an order, when I choose it, then the parcel says so' }],
            },
          ],
        },
      ],
    });
    const id = board.cards[0]!.id;
    const checklist = [...store().checklists.values()].find((c) => c.idCard === id)!;
    return { id, checklistId: checklist.id, itemId: checklist.checkItems[0]!.id };
  }

  it('checks a card again when its criteria checklist is renamed (Trello names no card for it)', async () => {
    const { id, checklistId } = passingCard('Gift lists');

    await stack.trelloAct('rename-checklist', { cardId: id, checklistId, name: 'Notes' });

    await waitFor(() => labelsOf(id).includes('needs-acceptance-criteria'));
    await waitFor(() => botComments(id, 'acceptance-criteria').length > 0);

    await stack.trelloAct('rename-checklist', { cardId: id, checklistId, name: 'Acceptance criteria' });

    await waitFor(() => !labelsOf(id).includes('needs-acceptance-criteria'));
    await waitFor(() =>
      String(botComments(id, 'acceptance-criteria')[0]?.data.text).includes('Acceptance check passed'),
    );
  });

  it('checks a card again when its criteria checklist is deleted', async () => {
    const { id, checklistId } = passingCard('Gift wrap');

    await stack.trelloAct('delete-checklist', { cardId: id, checklistId });

    await waitFor(() => labelsOf(id).includes('needs-acceptance-criteria'));
  });

  it('checks both cards when a checklist item is converted to a card: the source may have lost its only criterion', async () => {
    const { id, itemId } = passingCard('Gift boxes');

    const converted = await stack.trelloAct('convert-check-item', { cardId: id, checkItemId: itemId });

    // One delivery, two cards to check: neither job may take the other's place.
    await waitFor(() => labelsOf(String(converted.id)).includes('needs-acceptance-criteria'));
    await waitFor(() => labelsOf(id).includes('needs-acceptance-criteria'), 10_000);
    await waitFor(() => String(botComments(id, 'acceptance-criteria')[0]?.data.text).includes('Acceptance'));
  });

  it('checks a card again when a criterion in its checklist is reworded', async () => {
    const { id, itemId } = passingCard('Gift cards');

    await stack.trelloAct('rename-check-item', {
      cardId: id,
      checkItemId: itemId,
      name: 'Given an order, when I choose it',
    });

    await waitFor(() => labelsOf(id).includes('needs-acceptance-criteria'));
    await waitFor(() => String(botComments(id, 'acceptance-criteria')[0]?.data.text).includes('no Then'));
  });

  it('moves a failing card back out of a gated list and says why', async () => {
    const card = await stack.trelloAct('create-card', {
      boardId,
      list: 'Backlog',
      name: 'Gift cards',
      desc: 'As a buyer I want gift cards.',
    });
    const id = String(card.id);
    await waitFor(() => labelsOf(id).includes('needs-acceptance-criteria'));

    await stack.trelloAct('move-card', { cardId: id, list: 'Doing' });

    await waitFor(() =>
      String(botComments(id, 'acceptance-criteria')[0]?.data.text).includes('Moved back to'),
    );
    const backlog = [...store().lists.values()].find(
      (list) => list.idBoard === boardId && list.name === 'Backlog',
    );
    expect(store().cards.get(id)?.idList).toBe(backlog?.id);
  });
});

describe('the gate, read late', () => {
  it('leaves a card where a person has moved it since it entered the gated list', async () => {
    const card = await stack.trelloAct('create-card', {
      boardId,
      list: 'Backlog',
      name: 'Wrapping paper',
      desc: 'As a buyer I want wrapping paper.',
    });
    const id = String(card.id);
    await waitFor(() => labelsOf(id).includes('needs-acceptance-criteria'));
    await waitFor(() => botComments(id, 'acceptance-criteria').length > 0);

    // The service is behind (workers down for a deploy, a queue backlog): by the time it reads the move into
    // Doing, the person has moved the card on to Done, which has no gate.
    await Promise.all(stack.workers.map((worker) => worker.stop()));
    await stack.trelloAct('move-card', { cardId: id, list: 'Doing' });
    await stack.trelloAct('move-card', { cardId: id, list: 'Done' });
    // A later edit whose check shows in the comment: the checks before it are done.
    await stack.trelloAct('edit-desc', {
      cardId: id,
      desc: 'As a buyer, I want wrapping paper, so that gifts look nice.',
    });
    await stack.startWorker();
    await waitFor(
      () => !String(botComments(id, 'acceptance-criteria')[0]?.data.text).includes('missing-benefit'),
    );

    const done = [...store().lists.values()].find((list) => list.idBoard === boardId && list.name === 'Done');
    expect(store().cards.get(id)?.idList).toBe(done?.id);
    expect(String(botComments(id, 'acceptance-criteria')[0]?.data.text)).not.toContain('Moved back to');
  });
});

// Trello signs a delivery with the secret of the API key its webhook was made under, and the key is public
// ("the API key is intended to be publicly accessible"): anyone may authorise a token of their own for it and point
// a webhook on their own board at the service's callback URL. Its deliveries are signed like the service's own.
describe('a webhook someone else made on their board, calling the service', () => {
  it('gets no job and no reply: the service acts only on boards its own token has a webhook on', async () => {
    const stranger = stack.trello.seedBoard({ name: 'Stranger', lists: ['Inbox'], webhook: 'foreign' });
    const theirs = String(
      (
        await stack.trelloAct('create-card', {
          boardId: stranger.id,
          list: 'Inbox',
          name: 'Refund',
          desc: '',
        })
      ).id,
    );
    await stack.trelloAct('comment', { cardId: theirs, text: '/help' });
    // The same on the service's own board, after it: once that is answered, the stranger's deliveries were relayed.
    const ours = String(
      (await stack.trelloAct('create-card', { boardId, list: 'Backlog', name: 'Gift cards', desc: '' })).id,
    );
    await stack.trelloAct('comment', { cardId: ours, text: '/help' });
    await waitFor(() => botComments(ours).some((a) => String(a.data.text).includes('commands')));
    await waitUntilIdle(stack, { delayed: true });

    expect(botComments(theirs)).toEqual([]);
    const queue = stackQueue(stack);
    const jobs = await queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
    await queue.close();
    expect(jobs.filter((job) => JSON.stringify(job.data).includes(theirs)).map((job) => job.name)).toEqual(
      [],
    );
    // Counted where an operator looks: /metrics (and the console's deliveries chart).
    const foreign = async () => {
      const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
      const line = metrics
        .split('\n')
        .find(
          (l) =>
            l.startsWith('refinery_webhook_deliveries_total{') && l.includes('outcome="foreign_webhook"'),
        );
      return Number(line?.split(' ').at(-1) ?? 0);
    };
    await waitFor(async () => (await foreign()) === 2);
  });
});
