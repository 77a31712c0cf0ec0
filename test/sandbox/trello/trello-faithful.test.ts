import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/lib/redis-process.ts';
import { bulletList, doc, inline, link, paragraph } from '../../../src/domain/doc.ts';
import { nextId, TRELLO_TEXT_LIMIT } from '../../../src/sandbox/trello/trello-store.ts';
import type { Tracker } from '../../../src/trackers/tracker.ts';
import { createBoardCapabilities } from '../../../src/trackers/trello/board-capabilities.ts';
import { createTrelloDeps } from '../../../src/trackers/trello/trello-deps.ts';
import { isValidTrelloSignature } from '../../../src/trackers/trello/trello-signature.ts';
import { categorizeListName } from '../../../src/trackers/trello/trello-status.ts';
import { createTrelloTransport } from '../../../src/trackers/trello/trello-transport.ts';
import { cutPost } from '../../helpers/cut-post.ts';
import { noLimit, startReceiver, startSandbox } from './trello-sandbox-harness.ts';

type Started = Awaited<ReturnType<typeof startSandbox>>;
let s: Started;
let trello: Tracker;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let withFields: { id: string; shortLink: string; cards: { id: string; shortLink: string }[] };
let withoutFields: typeof withFields;

const cardRef = (board: typeof withFields) => ({
  tracker: 'trello' as const,
  id: board.cards[0]!.id,
  key: board.cards[0]!.shortLink,
});
const act = (action: string, body: Record<string, string>) =>
  fetch(`${s.origin}/_sandbox/trello/act/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then((r) => r.json() as Promise<{ id: string }>);
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${s.origin}${s.sandbox.prefix}${path}${path.includes('?') ? '&' : '?'}key=k&token=t`, {
    ...init,
    headers: { 'content-type': 'application/json' },
  });

beforeAll(async () => {
  receiver = await startReceiver();
  s = await startSandbox({ webhook: { url: receiver.url, secret: 'app-secret' } });
  trello = s.tracker();
  const board = (name: string, customFieldsPowerUp: boolean) =>
    s.sandbox.seedBoard({
      name,
      lists: ['Backlog', 'Done'],
      customFields: [{ name: 'Priority score', type: 'number' }],
      customFieldsPowerUp,
      cards: [{ list: 'Backlog', name: 'Login fails' }],
    });
  withFields = board('Product', true);
  withoutFields = board('Plain', false);
});
afterAll(async () => {
  await s.app.close();
  await new Promise((resolve) => receiver.server.close(resolve));
});

describe('the Trello sandbox behaves like Trello', () => {
  it('lists a card’s updates by updateCard:<field> filters, as the field its data.old names', async () => {
    const { id } = await act('create-card', {
      boardId: withoutFields.id,
      list: 'Backlog',
      name: 'Old report',
    });
    await act('move-card', { cardId: id, list: 'Done' });
    await act('edit-desc', { cardId: id, desc: 'Superseded' });
    await act('archive-card', { cardId: id });
    const listed = async (filter: string) =>
      (
        (await (await api(`/cards/${id}/actions?filter=${filter}`)).json()) as {
          data: Record<string, unknown>;
        }[]
      ).map((action) => action.data);

    const archivings = await listed('updateCard:closed');
    const moves = await listed('updateCard:idList');

    expect(archivings).toHaveLength(1);
    expect(archivings[0]).toMatchObject({ old: { closed: false }, card: { id, closed: true } });
    expect(moves).toHaveLength(1);
    expect(moves[0]).toMatchObject({ listBefore: { name: 'Backlog' }, listAfter: { name: 'Done' } });
  });

  it('refuses descriptions and comments over 16,384 characters with a plain-text 400', async () => {
    const card = withFields.cards[0]!.id;
    const long = 'x'.repeat(TRELLO_TEXT_LIMIT + 1);

    const desc = await api(`/cards/${card}`, { method: 'PUT', body: JSON.stringify({ desc: long }) });
    const comment = await api(`/cards/${card}/actions/comments`, {
      method: 'POST',
      body: JSON.stringify({ text: long }),
    });

    expect([desc.status, await desc.text()]).toEqual([400, 'invalid value for desc']);
    expect([comment.status, await comment.text()]).toEqual([400, 'invalid value for text']);
  });

  it('refuses an attachment name over 256 characters with a plain-text 400', async () => {
    const card = withFields.cards[0]!.id;
    const attach = (name: string) =>
      api(`/cards/${card}/attachments`, {
        method: 'POST',
        body: JSON.stringify({ url: 'https://example.test/ticket/1', name }),
      });

    const long = await attach('x'.repeat(257));

    expect([long.status, await long.text()]).toEqual([400, 'invalid value for name']);
    expect((await attach('x'.repeat(256))).status).toBe(200);
  });

  it('lists the Custom Fields Power-Up where it is on, and refuses field writes where it is off', async () => {
    const on = (await (await api(`/boards/${withFields.id}/boardPlugins`)).json()) as { idPlugin: string }[];
    const off = (await (await api(`/boards/${withoutFields.id}/boardPlugins`)).json()) as unknown[];
    const field = [...s.sandbox.state().fields.values()].find((f) => f.idModel === withoutFields.id)!;
    const write = await api(`/cards/${withoutFields.cards[0]!.id}/customField/${field.id}/item`, {
      method: 'PUT',
      body: JSON.stringify({ value: { number: '3' } }),
    });

    expect(on.map((plugin) => plugin.idPlugin)).toEqual(['56d5e249a98895a9797bebb9']);
    expect(off).toEqual([]);
    expect(write.status).toBe(403);
  });

  it('sends checklist actions with the payloads Trello sends', async () => {
    const card = withFields.cards[0]!.id;
    const before = receiver.deliveries.length;

    const checklist = await act('add-checklist', { cardId: card, name: 'Acceptance criteria' });
    const item = await act('add-check-item', {
      cardId: card,
      checklistId: checklist.id,
      name: 'Given a user',
    });
    await act('check-item', { cardId: card, checkItemId: item.id, checked: 'true' });
    await s.sandbox.webhooksIdle();

    const sent = receiver.deliveries.slice(before);
    expect(sent.every((d) => isValidTrelloSignature(d.raw, d.signature, ['app-secret'], receiver.url))).toBe(
      true,
    );
    const actions = sent.map((d) => JSON.parse(d.raw.toString('utf8')).action);
    expect(actions.map((a) => a.type)).toEqual([
      'addChecklistToCard',
      'createCheckItem',
      'updateCheckItemStateOnCard',
    ]);
    expect(actions[0].data).toMatchObject({
      checklist: { id: checklist.id, name: 'Acceptance criteria' },
      card: { id: card },
    });
    expect(actions[2].data).toMatchObject({
      checkItem: { id: item.id, name: 'Given a user', state: 'complete' },
      checklist: { id: checklist.id, name: 'Acceptance criteria' },
      board: { id: withFields.id },
    });
  });

  it('moves a card to another board: moveCardFromBoard to the board it left, moveCardToBoard to the one it joined, labels carried by name and colour', async () => {
    const team = s.sandbox.seedBoard({
      name: 'Team',
      lists: ['Backlog'],
      labels: ['urgent'],
      cards: [{ list: 'Backlog', name: 'Move me', labels: ['urgent'] }],
    });
    // No webhook of the receiver on this board: Trello tells only the boards a webhook watches.
    const elsewhere = s.sandbox.seedBoard({ name: 'Elsewhere', lists: ['Inbox', 'Later'], webhook: false });
    const card = team.cards[0]!.id;
    const before = receiver.deliveries.length;

    const away = await api(`/cards/${card}`, {
      method: 'PUT',
      body: JSON.stringify({ idBoard: elsewhere.id, idList: elsewhere.lists.Later }),
    });
    const moved = (await away.json()) as { idBoard: string; idList: string; labels: { id: string }[] };
    await act('move-card', { cardId: card, boardId: team.id, list: 'Backlog' });
    await s.sandbox.webhooksIdle();

    expect(away.status).toBe(200);
    expect(moved).toMatchObject({
      idBoard: elsewhere.id,
      idList: elsewhere.lists.Later,
      labels: [{ idBoard: elsewhere.id, name: 'urgent', color: 'green' }],
    });
    const sent = receiver.deliveries.slice(before).map((d) => JSON.parse(d.raw.toString('utf8')));
    expect(sent.map((d) => [d.action.type, d.model.id])).toEqual([
      ['moveCardFromBoard', team.id],
      ['moveCardToBoard', team.id],
    ]);
    expect(sent[0].action.data).toMatchObject({
      board: { id: team.id, shortLink: team.shortLink },
      boardTarget: { id: elsewhere.id },
      list: { id: team.lists.Backlog, name: 'Backlog' },
      card: { id: card },
    });
    expect(sent[1].action.data).toMatchObject({
      board: { id: team.id },
      boardSource: { id: elsewhere.id },
      list: { id: team.lists.Backlog, name: 'Backlog' },
      card: { id: card },
    });
    // Back home, the card wears the board's own label of that name and colour, not a second one.
    const back = (await (await api(`/cards/${card}`)).json()) as { labels: unknown[] };
    const teamLabels = (await (await api(`/boards/${team.id}/labels`)).json()) as { id: string }[];
    expect(back.labels).toEqual([
      { id: teamLabels[0]!.id, idBoard: team.id, name: 'urgent', color: 'green' },
    ]);
    expect(teamLabels).toHaveLength(1);
  });

  // A deleteCard webhook names the card by id, idShort and shortLink, no name (jira.atlassian.com/browse/TRELLO-906).
  it('deletes a card, archived or not: deleteCard to its board naming no card name; it answers 404 after; attachments naming it stay', async () => {
    const board = s.sandbox.seedBoard({
      name: 'Deleting',
      lists: ['Backlog', 'Tickets'],
      cards: [
        { list: 'Backlog', name: 'Delete me' },
        { list: 'Backlog', name: 'Archive me, then delete me' },
        { list: 'Tickets', name: 'About both' },
      ],
    });
    const [open, archived, ticket] = board.cards as [
      (typeof board.cards)[0],
      (typeof board.cards)[0],
      (typeof board.cards)[0],
    ];
    for (const card of [open, archived])
      await act('add-attachment', { cardId: ticket.id, url: `https://trello.com/c/${card.shortLink}` });
    await act('add-attachment', { cardId: open.id, url: `https://trello.com/c/${ticket.shortLink}` });
    await act('archive-card', { cardId: archived.id });
    await s.sandbox.webhooksIdle();
    const before = receiver.deliveries.length;

    for (const card of [open, archived]) await act('delete-card', { cardId: card.id });
    await s.sandbox.webhooksIdle();

    const sent = receiver.deliveries.slice(before).map((d) => JSON.parse(d.raw.toString('utf8')));
    expect(sent.map((d) => [d.action.type, d.model.id])).toEqual([
      ['deleteCard', board.id],
      ['deleteCard', board.id],
    ]);
    for (const [i, card] of [open, archived].entries()) {
      expect(sent[i].action.data).toEqual({
        card: { id: card.id, idShort: expect.any(Number), shortLink: card.shortLink },
        list: { id: board.lists.Backlog, name: 'Backlog' },
        board: { id: board.id, name: 'Deleting', shortLink: board.shortLink },
      });
      const gone = await api(`/cards/${card.id}`);
      expect([gone.status, await gone.text()]).toEqual([404, 'The requested resource was not found.']);
    }
    const attachments = (await (await api(`/cards/${ticket.id}/attachments`)).json()) as { url: string }[];
    expect(attachments.map((a) => a.url)).toEqual([
      `https://trello.com/c/${open.shortLink}`,
      `https://trello.com/c/${archived.shortLink}`,
    ]);
  });

  it('delivers the two actions of a move between watched boards in either order: two webhooks promise none', async () => {
    const from = s.sandbox.seedBoard({
      name: 'From',
      lists: ['Backlog'],
      cards: [{ list: 'Backlog', name: 'Go' }],
    });
    const to = s.sandbox.seedBoard({ name: 'To', lists: ['Backlog'] });
    const card = from.cards[0]!.id;
    const before = receiver.deliveries.length;

    await act('move-card', { cardId: card, boardId: to.id, list: 'Backlog', order: 'joined-first' });
    await act('move-card', { cardId: card, boardId: from.id, list: 'Backlog' });
    await s.sandbox.webhooksIdle();

    const sent = receiver.deliveries.slice(before).map((d) => JSON.parse(d.raw.toString('utf8')));
    expect(sent.map((d) => [d.action.type, d.model.id])).toEqual([
      ['moveCardToBoard', to.id],
      ['moveCardFromBoard', from.id],
      ['moveCardFromBoard', to.id],
      ['moveCardToBoard', from.id],
    ]);
  });

  // developer.atlassian.com/cloud/trello/guides/rest-api/webhooks: "Webhooks belong to tokens"; each delivery is
  // signed with the application's secret over the body and the callback URL, whoever's token made the webhook.
  it("delivers for a webhook another member's token made, signed alike; the service's token lists only its own", async () => {
    const stranger = s.sandbox.seedBoard({ name: 'Stranger', lists: ['Inbox'], webhook: 'foreign' });
    const before = receiver.deliveries.length;

    await act('create-card', { boardId: stranger.id, list: 'Inbox', name: 'Printer on fire', desc: '' });
    await s.sandbox.webhooksIdle();

    const sent = receiver.deliveries.slice(before);
    expect(sent.map((d) => JSON.parse(d.raw.toString('utf8')).model.id)).toEqual([stranger.id]);
    expect(isValidTrelloSignature(sent[0]!.raw, sent[0]!.signature, ['app-secret'], receiver.url)).toBe(true);
    const listed = (await (await api('/tokens/t/webhooks')).json()) as { idModel: string }[];
    expect(listed.map((hook) => hook.idModel)).toContain(withFields.id);
    expect(listed.map((hook) => hook.idModel)).not.toContain(stranger.id);
  });

  // Trello's docs name the HEAD check for a webhook's creation and for the callbackURL it is given, not for `active`.
  it('reactivates an inactive webhook without a HEAD to its callback; a new callbackURL gets one', async () => {
    const heads: string[] = [];
    const callback = createServer((request, response) => {
      if (request.method === 'HEAD') heads.push(request.url ?? '');
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/hook`;
    const closed = `http://127.0.0.1:${await freePort()}/hook`;
    const call = (method: string, path: string) =>
      fetch(`${s.origin}${s.sandbox.prefix}${path}${path.includes('?') ? '&' : '?'}key=k&token=t`, {
        method,
      });
    const created = (await (
      await call('POST', `/webhooks/?idModel=${withFields.id}&callbackURL=${encodeURIComponent(url)}`)
    ).json()) as { id: string };
    try {
      expect(heads).toEqual(['/hook']);
      await fetch(`${s.origin}/_sandbox/trello/misconfigure`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inactiveWebhooks: true }),
      });

      const reactivated = await call('PUT', `/webhooks/${created.id}?active=true`);

      expect(reactivated.status).toBe(200);
      expect(await reactivated.json()).toEqual({ ...created, active: true });
      expect(heads).toEqual(['/hook']);
      const moved = await call('PUT', `/webhooks/${created.id}?callbackURL=${encodeURIComponent(closed)}`);
      expect(moved.status).toBe(400);
      expect(await moved.text()).toBe(`URL (${closed}) did not return 200 status code`);
      expect((await call('PUT', `/webhooks/${created.id}?active=yes`)).status).toBe(400);
      const listed = (await (await call('GET', '/tokens/t/webhooks')).json()) as { id: string }[];
      expect(listed.filter((hook) => hook.id === created.id)).toEqual([{ ...created, active: true }]);
    } finally {
      await call('DELETE', `/webhooks/${created.id}`);
      // The seeded boards' webhooks, switched off with it, deliver again for the tests that follow.
      for (const hook of s.sandbox.state().setup.webhooks) hook.active = true;
      callback.close();
    }
  });
});

describe('the Trello adapter copes with what Trello does', () => {
  it('cuts a comment and a description longer than Trello takes, pointing to the card', async () => {
    const ref = cardRef(withFields);
    const huge = doc(
      paragraph('Sprint summary'),
      bulletList(Array.from({ length: 2_000 }, (_, i) => `Card ${i} shipped`)),
    );

    const outcome = await trello.upsertComment(ref, 'sprint-summary w1', huge);
    await trello.setDescription(ref, '- a long line of the summary\n'.repeat(2_000));

    const comment = s.sandbox.state().actions.find((a) => a.id === outcome.id)!;
    const desc = s.sandbox.state().cards.get(ref.id)!.desc;
    for (const text of [String(comment.data.text), desc]) {
      expect(text.length).toBeLessThanOrEqual(TRELLO_TEXT_LIMIT);
      expect(text).toContain('more lines not shown (Trello stops at 16,384 characters)');
      expect(text).toContain(`https://trello.com/c/${ref.key}`);
    }
  });

  it('finds its comment under more than 1,000 newer ones (Trello answers at most 1,000 actions a request): edits it, posts no second one', async () => {
    const busy = s.sandbox.seedBoard({
      name: 'Support',
      lists: ['Inbox'],
      cards: [{ list: 'Inbox', name: 'Busy' }],
    });
    const ref = cardRef(busy);
    const first = await trello.upsertComment(ref, 'busy card', doc(paragraph('Score 3')));
    const store = s.sandbox.state();
    const card = store.actions.find((a) => a.id === first.id)!.data.card;
    // A busy card: people's comments since, recorded as Trello records them (no webhook needed here).
    for (let i = 0; i < 1_000; i += 1)
      store.actions.push({
        id: nextId(store, new Date()),
        idMemberCreator: s.sandbox.personMemberId,
        type: 'commentCard',
        date: new Date().toISOString(),
        data: { card, text: `Customer asks again (${i})` },
      });

    const second = await trello.upsertComment(ref, 'busy card', doc(paragraph('Score 5')));

    const own = store.actions.filter(
      (a) =>
        a.type === 'commentCard' &&
        a.idMemberCreator === s.sandbox.botMemberId &&
        (a.data.card as { id: string }).id === ref.id,
    );
    expect(second).toEqual({ id: first.id, action: 'updated' });
    expect(own.map((a) => String(a.data.text).split('\n')[0])).toEqual(['Score 5']);
  });

  it("renames a moved item's key in its comment within Trello's limit: a comment the longer key would overflow is cut again, one notice counting every hidden line", async () => {
    const ref = cardRef(withoutFields);
    const url = (key: string) => `https://example.atlassian.net/browse/${key}`;
    const naming = (key: string) =>
      doc(
        paragraph('Linked to ', link(key, url(key)), ' Export invoices as CSV.'),
        bulletList(
          Array.from({ length: 1_000 }, (_, i) =>
            inline('Also worded like ', link(key, url(key)), ` (${i})`),
          ),
        ),
      );
    const posted = await trello.upsertComment(ref, 'link', naming('APP-1'));
    const stored = () => String(s.sandbox.state().actions.find((a) => a.id === posted.id)?.data.text);
    // Cut to what Trello takes when posted: nearly full, so every longer key in it makes it too long.
    expect(stored().length).toBeGreaterThan(TRELLO_TEXT_LIMIT - 200);

    const renamed = await trello.renameInOwnComment(ref, 'link', 'APP-1', 'LONGPROJECT-1');

    expect(renamed).toEqual({ id: posted.id, action: 'updated' });
    expect(stored().length).toBeLessThanOrEqual(TRELLO_TEXT_LIMIT);
    expect(stored()).toContain(`Linked to [LONGPROJECT-1](${url('LONGPROJECT-1')})`);
    expect(stored()).not.toMatch(/\bAPP-1\b/);
    expect(stored()).toContain('more lines not shown (Trello stops at 16,384 characters)');
    expect(stored()).toContain(`https://trello.com/c/${ref.key}`);
    // One notice, counting every line of the 1,001 not shown: those the first cut hid too.
    const { shown, hidden } = cutPost((await trello.getOwnComment(ref, 'link'))?.text ?? '');
    expect(hidden).toEqual([1_001 - shown]);
    expect(await trello.renameInOwnComment(ref, 'link', 'APP-1', 'LONGPROJECT-1')).toEqual({
      id: posted.id,
      action: 'unchanged',
    });
  });

  it('without the Custom Fields Power-Up reports every field as missing, saying why, and writes nothing', async () => {
    const writes = s.sandbox.writes.length;

    const outcome = await trello.setNumberFields(
      cardRef(withoutFields),
      { 'Priority score': 3 },
      { createMissing: true },
    );

    expect(outcome).toEqual({
      written: [],
      unchanged: [],
      missing: [
        {
          name: 'Priority score',
          reason: "the board's Custom Fields Power-Up is off: enable it to keep these numbers on the card",
        },
      ],
    });
    expect(s.sandbox.writes.length).toBe(writes);
  });

  it('tells the doctor which boards have the Power-Up', async () => {
    const client = createTrelloTransport({
      apiUrl: `${s.origin}${s.sandbox.prefix}`,
      apiKey: 'k',
      apiToken: 't',
      log: pino({ level: 'silent' }),
      limiter: noLimit,
    });
    const capabilities = createBoardCapabilities(createTrelloDeps(client, categorizeListName).api);

    expect(await capabilities.board(withFields.id)).toEqual({
      boardId: withFields.id,
      customFieldsPowerUp: true,
    });
    expect(await capabilities.board(withoutFields.id)).toEqual({
      boardId: withoutFields.id,
      customFieldsPowerUp: false,
    });
  });
});
