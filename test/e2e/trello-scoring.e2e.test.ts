import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { CUSTOM_FIELDS_PLUGIN } from '../../src/trackers/trello/board-capabilities.ts';
import { testRedisUrl } from '../helpers/redis.ts';

let stack: Stack;
let product: string;
let lab: string;
let tickets: { id: string; shortLink: string }[];

const SCORE_FIELDS = ['Priority score', 'Reach', 'Impact', 'Confidence', 'Effort'] as const;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'scoring-rules-')), 'rules.yaml');
writeFileSync(
  rulesFile,
  [
    'scope:',
    '  trello:',
    '    supportLists: [Tickets]',
    'scoring:',
    '  createMissingTrelloFields: true',
    '',
  ].join('\n'),
);

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { REFINERY_CONFIG: rulesFile } });
  product = stack.trello.seedBoard({
    name: 'Product',
    lists: ['Backlog', 'Tickets'],
    customFields: SCORE_FIELDS.map((name) => ({ name, type: 'number' as const })),
    cards: [
      { list: 'Tickets', name: 'Customer A cannot export' },
      { list: 'Tickets', name: 'Customer B cannot export' },
    ],
  }).id;
  tickets = stack.trello.state().cards.size > 0 ? [...stack.trello.state().cards.values()] : [];
  lab = stack.trello.seedBoard({ name: 'Lab', lists: ['Ideas'] }).id;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

/** Scoring, acceptance and linking share Trello's 100 requests / 10 s: the queue may pause for a window. */
const paced = <T>(check: () => T | undefined | false) => waitFor(check, 30_000);
const store = () => stack.trello.state();
const cardText = (a: { data: Record<string, unknown> }) => String(a.data.text);
const botComments = (cardId: string) =>
  store().actions.filter(
    (a) =>
      a.type === 'commentCard' &&
      a.idMemberCreator === stack.trello.botMemberId &&
      (a.data.card as { id: string }).id === cardId,
  );
/** Comments edited in place keep their action; its text is the latest. */
const scorecards = (cardId: string) =>
  botComments(cardId).filter((a) => cardText(a).includes('Priority score: '));
/** Trello keeps number custom field values as strings. */
function numbers(cardId: string): Record<string, string | undefined> {
  const card = store().cards.get(cardId)!;
  const fields = [...store().fields.values()].filter((f) => f.idModel === card.idBoard);
  return Object.fromEntries(
    fields.map((field) => {
      const item = [...store().fieldItems.values()].find(
        (i) => i.idModel === cardId && i.idCustomField === field.id,
      );
      return [field.name, item?.value.number];
    }),
  );
}
const replyTo = (cardId: string, marker: string) =>
  paced(() =>
    botComments(cardId).find((a) => cardText(a).includes('Reply to') && cardText(a).includes(marker)),
  );

/** Every webhook delivered and relayed, no job waiting, retrying or running: what is written is all there is. */
const idle = () => waitUntilIdle(stack, { delayed: true, timeoutMs: 30_000 });

/** Passes the acceptance check, so the only writes the service makes are the score's. */
const story = (what: string) =>
  [
    `As a buyer, I want ${what} exports, so that I can file taxes.`,
    '',
    '## Acceptance criteria',
    '- Given an order, when I export, then the file lists it',
  ].join('\n');

async function createCard(boardId: string, list: string, name: string): Promise<string> {
  const card = await stack.trelloAct('create-card', { boardId, list, name, desc: story('CSV') });
  return String(card.id);
}

describe('scoring on Trello', { timeout: 45_000 }, () => {
  it('scores a new card into the board number fields (as strings) and one scorecard; a no-op edit writes nothing', async () => {
    const id = await createCard(product, 'Backlog', 'Export as CSV');

    await paced(() => numbers(id)['Priority score'] !== undefined && scorecards(id).length > 0);
    // Nothing mapped → impact 3; no estimate, short text → XS → effort 1; no tickets → reach 1; low confidence.
    expect(numbers(id)).toEqual({
      'Priority score': '1.5',
      Reach: '1',
      Impact: '3',
      Confidence: '50',
      Effort: '1',
    });
    expect(cardText(scorecards(id)[0]!)).toContain('no estimate; inferred from size');

    // The new card's other jobs (acceptance, the index) finish first: their writes are not the edit's.
    await idle();
    const writes = stack.trello.writes.length;
    // Same size, same criteria, no keyword: the score and everything the scorecard shows stay the same.
    await stack.trelloAct('edit-desc', { cardId: id, desc: story('TSV') });
    await idle();
    expect(stack.trello.writes.slice(writes)).toEqual([]);
    expect(scorecards(id)).toHaveLength(1);
  });

  it('/score effort=3 sets the effort by hand; attached support cards raise reach on /score', async () => {
    const id = await createCard(product, 'Backlog', 'Export as PDF');
    await paced(() => scorecards(id).length > 0);

    await stack.trelloAct('comment', { cardId: id, text: '/score effort=3' });
    await replyTo(id, 'effort=3');
    await paced(() => numbers(id).Effort === '3');
    expect(numbers(id)['Priority score']).toBe('0.5');

    for (const ticket of tickets) {
      await stack.trelloAct('add-attachment', {
        cardId: id,
        url: `https://trello.com/c/${ticket.shortLink}`,
        name: 'ticket',
      });
    }
    await stack.trelloAct('comment', { cardId: id, text: '/score' });
    await paced(() => numbers(id).Reach === '2');
    expect(numbers(id)['Priority score']).toBe('1');
    const card = await paced(() => {
      const text = cardText(scorecards(id)[0]!);
      return text.includes('2 linked tickets → 2') ? text : undefined;
    });
    expect(card).toContain('set to 3 by Pat Person');
    expect(scorecards(id)).toHaveLength(1);
  });

  it('/score explain answers with the formula; /score impact=9 says what is allowed', async () => {
    const id = await createCard(product, 'Backlog', 'Export as XML');
    await paced(() => scorecards(id).length > 0);

    await stack.trelloAct('comment', { cardId: id, text: '/score explain' });
    expect(cardText(await replyTo(id, 'How the RICE score'))).toContain('= 1 × 3 × 50% ÷ 1 ≈ 1.5');

    await stack.trelloAct('comment', { cardId: id, text: '/score impact=9' });
    expect(cardText(await replyTo(id, 'impact=9'))).toContain('impact must be a whole number from 1 to 5');
    expect(numbers(id).Impact).toBe('3');
  });

  it('keeps scoring when the Custom Fields Power-Up is turned off, and writes the fields again once it is back', async () => {
    const roadmap = stack.trello.seedBoard({
      name: 'Roadmap',
      lists: ['Backlog'],
      customFields: SCORE_FIELDS.map((name) => ({ name, type: 'number' as const })),
    }).id;
    const id = await createCard(roadmap, 'Backlog', 'Export as ODS');
    await paced(() => numbers(id).Impact === '3' && scorecards(id).length > 0);

    await fetch(`${stack.sandbox.url}/_sandbox/trello/misconfigure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customFieldsOff: roadmap }),
    });
    await stack.trelloAct('comment', { cardId: id, text: '/score impact=5' });
    expect(cardText(await replyTo(id, 'impact=5'))).toContain('Set impact=5.');
    const off = await paced(() => {
      const text = cardText(scorecards(id)[0]!);
      return text.includes('Priority score: 2.5') ? text : undefined;
    });
    expect(off).toContain("the board's Custom Fields Power-Up is off");
    expect(numbers(id)).toMatchObject({ Impact: '3', 'Priority score': '1.5' });

    // A board member turns the Power-Up back on.
    const enabled = await fetch(
      `${stack.env.TRELLO_API_URL}/boards/${roadmap}/boardPlugins?idPlugin=${CUSTOM_FIELDS_PLUGIN}&key=${stack.env.TRELLO_API_KEY}&token=${stack.env.TRELLO_API_TOKEN}`,
      { method: 'POST' },
    );
    expect(enabled.status).toBe(200);
    await stack.trelloAct('comment', { cardId: id, text: '/score' });
    // The scorecard is edited after the fields are written.
    await paced(() => !cardText(scorecards(id)[0]!).includes('Power-Up is off'));
    expect(numbers(id)).toMatchObject({ Impact: '5', 'Priority score': '2.5' });
    expect(scorecards(id)).toHaveLength(1);
  });

  it('re-scores the card a ticket is linked to when the ticket leaves the support list, and when it comes back', async () => {
    const id = await createCard(product, 'Backlog', 'Export as YAML');
    await paced(() => scorecards(id).length > 0);
    // Links are learnt only to indexed items.
    await idle();
    // Triage attaches each ticket to the card it is about; the service gives the card its link back.
    for (const ticket of tickets) {
      await stack.trelloAct('add-attachment', {
        cardId: ticket.id,
        url: `https://trello.com/c/${store().cards.get(id)!.shortLink}`,
        name: 'backlog card',
      });
    }
    await paced(() => cardText(scorecards(id)[0]!).includes('2 linked tickets → 2'));
    await idle();

    // Triage finds the second ticket is a feature request: it joins the backlog and is no customer ticket now.
    const moved = tickets[1]!;
    await stack.trelloAct('move-card', { cardId: moved.id, list: 'Backlog' });
    const fewer = await paced(() => {
      const text = cardText(scorecards(id)[0]!);
      return text.includes('1 linked ticket → 1') ? text : undefined;
    });
    expect(fewer).not.toContain(moved.shortLink);
    expect(numbers(id).Reach).toBe('1');

    await stack.trelloAct('move-card', { cardId: moved.id, list: 'Tickets' });
    await paced(() => cardText(scorecards(id)[0]!).includes('2 linked tickets → 2'));
    expect(numbers(id).Reach).toBe('2');
    expect(scorecards(id)).toHaveLength(1);
  });

  it('creates the missing Number fields on a board when the rules file allows it', async () => {
    const id = await createCard(lab, 'Ideas', 'Export as JSON');

    await paced(() => Object.values(numbers(id)).filter((value) => value !== undefined).length === 5);
    const created = [...store().fields.values()].filter((f) => f.idModel === lab);
    expect(created.map((f) => [f.name, f.type]).sort()).toEqual(
      SCORE_FIELDS.map((n) => [n, 'number']).sort(),
    );
    expect(numbers(id)).toMatchObject({ 'Priority score': '1.5', Impact: '3' });
  });
});
