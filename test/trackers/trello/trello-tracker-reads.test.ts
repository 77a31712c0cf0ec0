import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { asksToWait, TrackerError } from '../../../src/errors.ts';
import {
  API,
  BOARD,
  boardJson,
  CARD,
  cardJson,
  createTestTracker,
  DONE,
  fieldsJson,
  listsJson,
  meJson,
  TOKEN,
} from './trello-fixtures.ts';

const ref = { tracker: 'trello' as const, id: CARD, key: '4K7LwAKx' };

function mockBoard() {
  nock(API)
    .get(`/1/boards/${BOARD}`)
    .query(true)
    .reply(200, boardJson)
    .get(`/1/boards/${BOARD}/lists`)
    .query(true)
    .reply(200, listsJson)
    .get(`/1/boards/${BOARD}/customFields`)
    .query(true)
    .reply(200, fieldsJson);
}

describe('Trello tracker reads', () => {
  it('whoAmI asks for the token member once and passes key and token as query parameters', async () => {
    const { tracker, acquired } = createTestTracker();
    nock(API)
      .get('/1/members/me')
      .query({ fields: 'id,fullName,username', key: 'key-123', token: TOKEN })
      .reply(200, meJson);

    const first = await tracker.whoAmI();
    const second = await tracker.whoAmI();

    expect(first).toEqual({ id: meJson.id, displayName: 'Refinery Bot', mentions: ['@refinerybot'] });
    expect(second).toEqual(first);
    expect(acquired).toHaveLength(1);
    expect(acquired[0]!.join()).not.toContain(TOKEN);
  });

  it('getItem maps a card with list, board, labels, custom fields, checklists and links', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query({
        attachments: 'true',
        attachment_fields: 'id,name,url,isUpload,date',
        checklists: 'all',
        customFieldItems: 'true',
        key: 'key-123',
        token: TOKEN,
      })
      .reply(200, cardJson());
    mockBoard();

    const item = await tracker.getItem(ref);

    expect(item).toMatchObject({
      ref,
      url: 'https://trello.com/c/4K7LwAKx/1-login-fails-on-safari',
      title: 'Login fails on Safari',
      description: '## Acceptance criteria\n- Given a user',
      status: { name: 'To Do', category: 'todo' },
      container: { id: BOARD, key: 'TAAnwdP9', name: 'Backlog', listId: listsJson[0]!.id, listName: 'To Do' },
      labels: ['bug'],
      fields: { 'Story Points': 5 },
      estimate: { storyPoints: 5 },
      checklists: [{ name: 'Acceptance', items: [{ text: 'Works', checked: true }] }],
      createdAt: '2014-11-27T10:22:44.000Z',
      updatedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(item.links.map((l) => l.target)).toEqual([
      {
        kind: 'item',
        ref: { tracker: 'trello', id: 'AbCdEf12', key: 'AbCdEf12' },
        url: 'https://trello.com/c/AbCdEf12/7-related',
        title: 'Related card',
      },
      {
        kind: 'item',
        ref: { tracker: 'jira', id: 'ABC-12', key: 'ABC-12' },
        url: 'https://acme.atlassian.net/browse/ABC-12',
        title: 'ABC-12',
      },
    ]);
  });

  it('reads an attachment to another Jira site’s issue as a plain link, whatever its key', async () => {
    const { tracker } = createTestTracker();
    const vendor = 'https://vendor.atlassian.net/browse/ABC-12';
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(
        200,
        cardJson({
          attachments: [{ id: '6000000000000000000000b3', name: 'Upstream', url: vendor, isUpload: false }],
        }),
      );
    mockBoard();

    const item = await tracker.getItem(ref);

    expect(item.links.map((l) => l.target)).toEqual([{ kind: 'url', url: vendor, title: 'Upstream' }]);
  });

  it('findItem resolves a card URL, and answers undefined for unknown cards and non-Trello keys', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get('/1/cards/4K7LwAKx')
      .query(true)
      .reply(200, cardJson({ idList: DONE }));
    mockBoard();
    nock(API).get('/1/cards/ZZZZZZZZ').query(true).reply(400, 'invalid id');

    const found = await tracker.findItem('https://trello.com/c/4K7LwAKx/1-login');
    const unknown = await tracker.findItem('ZZZZZZZZ');
    const jiraKey = await tracker.findItem('ABC-12');

    expect(found?.status).toEqual({ name: 'Done', category: 'done' });
    expect(unknown).toBeUndefined();
    expect(jiraKey).toBeUndefined();
  });

  it('itemOfChecklist reads the card a checklist is on, and answers undefined once the checklist is gone', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get('/1/checklists/5f0000000000000000000c11')
      .query({ fields: 'idCard', key: 'key-123', token: TOKEN })
      .reply(200, { id: '5f0000000000000000000c11', idCard: CARD })
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, cardJson());
    mockBoard();
    nock(API)
      .get('/1/checklists/5f0000000000000000000c12')
      .query(true)
      .reply(404, 'The requested resource was not found.');

    expect(await tracker.itemOfChecklist?.('5f0000000000000000000c11')).toEqual(ref);
    expect(await tracker.itemOfChecklist?.('5f0000000000000000000c12')).toBeUndefined();
  });

  it('getItem says a card is archived (only then), and closed', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, cardJson({ closed: true }));
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, cardJson({ closed: false }));
    mockBoard();

    expect(await tracker.getItem(ref)).toMatchObject({ archived: true, status: { category: 'done' } });
    expect((await tracker.getItem(ref)).archived).toBeUndefined();
  });

  it('listItems pages through board cards with before=<oldest id>', async () => {
    const { tracker } = createTestTracker();
    const ids = Array.from({ length: 100 }, (_, i) => `5476fb7437746ac807af${String(1000 + i)}`);
    nock(API)
      .get(`/1/boards/${BOARD}/cards`)
      .query((q) => q.limit === '100' && q.before === undefined)
      .reply(
        200,
        ids.map((id) => cardJson({ id })),
      )
      .get(`/1/boards/${BOARD}/cards`)
      .query((q) => q.limit === '100' && q.before === ids[0])
      .reply(200, [cardJson({ id: '5476fb7437746ac807afe000' })]);
    // Lists and custom fields are read once: the board cache serves the second page.
    mockBoard();

    const first = await tracker.listItems({ kind: 'container', containerId: BOARD });
    const second = await tracker.listItems({ kind: 'container', containerId: BOARD }, first.next);

    expect(first.items).toHaveLength(100);
    expect(first.next).toBe(ids[0]);
    expect(second.items.map((i) => i.ref.id)).toEqual(['5476fb7437746ac807afe000']);
    expect(second.next).toBeUndefined();
  });

  it('listItems with updatedSince keeps only cards active since then', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get(`/1/boards/${BOARD}/cards`)
      .query(true)
      .reply(200, [
        cardJson(),
        cardJson({ id: '5476fb7437746ac807afe2a6', dateLastActivity: '2025-01-01T00:00:00.000Z' }),
      ]);
    mockBoard();

    const page = await tracker.listItems({
      kind: 'updatedSince',
      containerId: BOARD,
      since: '2026-01-01T00:00:00Z',
    });

    expect(page.items.map((i) => i.ref.id)).toEqual([CARD]);
  });

  it('boardActivity maps creations and list moves, oldest first', async () => {
    const { tracker } = createTestTracker();
    const card = { id: CARD, shortLink: '4K7LwAKx', name: 'Login', idShort: 1 };
    nock(API)
      .get(`/1/boards/${BOARD}/actions`)
      .query({
        filter: 'createCard,copyCard,moveCardToBoard,convertToCardFromCheckItem,updateCard:idList',
        since: '2026-03-01',
        before: '2026-03-15',
        limit: '1000',
        key: 'key-123',
        token: TOKEN,
      })
      .reply(200, [
        {
          id: 'a2',
          idMemberCreator: 'm1',
          type: 'updateCard',
          date: '2026-03-03T00:00:00.000Z',
          data: {
            card,
            old: { idList: 'l1' },
            listBefore: { id: 'l1', name: 'To Do' },
            listAfter: { id: 'l2', name: 'Done' },
            board: boardJson,
          },
        },
        {
          id: 'a1',
          idMemberCreator: 'm1',
          type: 'createCard',
          date: '2026-03-02T00:00:00.000Z',
          data: { card, list: { id: 'l1', name: 'To Do' }, board: boardJson },
        },
      ]);

    const actions = await tracker.boardActivity!.getBoardActions(BOARD, '2026-03-01', '2026-03-15');

    expect(actions).toEqual([
      {
        id: 'a1',
        type: 'createCard',
        date: '2026-03-02T00:00:00.000Z',
        card: { tracker: 'trello', id: CARD, key: '4K7LwAKx' },
        listAfter: 'To Do',
      },
      {
        id: 'a2',
        type: 'moveCard',
        date: '2026-03-03T00:00:00.000Z',
        card: { tracker: 'trello', id: CARD, key: '4K7LwAKx' },
        listBefore: 'To Do',
        listAfter: 'Done',
      },
    ]);
  });
});

describe('Trello board activity: cards that arrive other than by createCard', () => {
  it('a card copied, converted from a checklist item or moved in from another board counts as created in its list', async () => {
    const { tracker } = createTestTracker();
    const card = (id: string, shortLink: string, name: string) => ({ id, shortLink, name, idShort: 7 });
    const source = { id: '5476fb7437746ac807afe2a0', shortLink: 'Src12345', name: 'Template', idShort: 1 };
    // Shapes of Trello's actions: each names the list the new card landed in (`list`) and where it came from.
    const actions = [
      {
        id: 'a3',
        idMemberCreator: 'm1',
        type: 'moveCardToBoard',
        date: '2026-03-04T00:00:00.000Z',
        data: {
          card: card('c3', 'Mvd33333', 'Fix export'),
          list: { id: 'l2', name: 'Done' },
          board: boardJson,
          boardSource: { id: '5476fab52086e26047fa3200' },
        },
      },
      {
        id: 'a2',
        idMemberCreator: 'm1',
        type: 'convertToCardFromCheckItem',
        date: '2026-03-03T00:00:00.000Z',
        data: {
          card: card('c2', 'Cnv22222', 'Audit log'),
          cardSource: source,
          checklist: { id: 'cl1', name: 'Steps' },
          list: { id: 'l1', name: 'To Do' },
          board: boardJson,
        },
      },
      {
        id: 'a1',
        idMemberCreator: 'm1',
        type: 'copyCard',
        date: '2026-03-02T00:00:00.000Z',
        data: {
          card: card('c1', 'Cpy11111', 'Bug report'),
          cardSource: source,
          list: { id: 'l1', name: 'To Do' },
          board: boardJson,
        },
      },
    ];
    // Trello filters by type on its side: only the asked types come back.
    nock(API)
      .get(`/1/boards/${BOARD}/actions`)
      .query(true)
      .reply((request: Request) => {
        const asked = (new URL(request.url).searchParams.get('filter') ?? '').split(',');
        return [200, actions.filter((action) => asked.includes(action.type))];
      });

    const found = await tracker.boardActivity!.getBoardActions(BOARD, '2026-03-01', '2026-03-15');

    expect(found.map((action) => [action.card.key, action.type, action.listAfter])).toEqual([
      ['Cpy11111', 'createCard', 'To Do'],
      ['Cnv22222', 'createCard', 'To Do'],
      ['Mvd33333', 'createCard', 'Done'],
    ]);
  });
});

describe('Trello error mapping', () => {
  async function failure(promise: Promise<unknown>): Promise<TrackerError> {
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerError);
    return error as TrackerError;
  }

  it('maps 404 to deleted (Trello says so only of a card that is gone) without the URL or credentials in the message', async () => {
    const { tracker } = createTestTracker();
    nock(API).get(`/1/cards/${CARD}`).query(true).reply(404, 'The requested resource was not found.');

    const error = await failure(tracker.getItem(ref));

    expect(error).toMatchObject({ kind: 'deleted', status: 404, tracker: 'trello' });
    expect(error.message).toBe(
      'Trello getItem failed: 404 Not Found - The requested resource was not found.',
    );
    expect(error.message).not.toContain(TOKEN);
  });

  it('maps 429 to rateLimit at once, without trello.js retrying', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(429, { error: 'API_TOKEN_LIMIT_EXCEEDED', message: 'Rate limit exceeded' });

    const error = await failure(tracker.getItem(ref));

    expect(error).toMatchObject({ kind: 'rateLimit', status: 429, retryAfterMs: 10_000 });
    expect(error.message).toContain('API_TOKEN_LIMIT_EXCEEDED');
  });

  it('maps a 503 with Retry-After to server with that wait, so the job comes back then, not on the backoff', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(503, 'Service Unavailable', { 'Retry-After': '30' })
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(500, 'Internal Server Error');

    const asked = await failure(tracker.getItem(ref));
    const plain = await failure(tracker.getItem(ref));

    expect(asked).toMatchObject({ kind: 'server', status: 503, retryAfterMs: 30_000 });
    expect(asksToWait(asked)).toBe(true);
    expect(plain).toMatchObject({ kind: 'server', status: 500, retryAfterMs: undefined });
    expect(asksToWait(plain)).toBe(false);
  });

  it('maps a 404 on a write to a deleted card to deleted too', async () => {
    const { tracker } = createTestTracker();
    nock(API).get(`/1/cards/${CARD}`).query(true).reply(404, 'The requested resource was not found.');

    expect(await failure(tracker.setLabel(ref, 'needs-info', true))).toMatchObject({
      kind: 'deleted',
      status: 404,
    });
  });

  it("maps the 401 of a card out of the token member's sight to forbidden, not deleted: the card is there", async () => {
    const { tracker } = createTestTracker();
    nock(API).get(`/1/cards/${CARD}`).query(true).reply(401, 'unauthorized card permission requested');

    expect(await failure(tracker.getItem(ref))).toMatchObject({ kind: 'forbidden', status: 401 });
  });

  it('maps 401 to auth', async () => {
    const { tracker } = createTestTracker();
    nock(API).get('/1/members/me').query(true).reply(401, 'invalid token');

    expect(await failure(tracker.whoAmI())).toMatchObject({ kind: 'auth', status: 401 });
  });

  it('maps a response that breaks the schema to kind schema', async () => {
    const { tracker } = createTestTracker();
    nock(API)
      .get(`/1/cards/${CARD}`)
      .query(true)
      .reply(200, cardJson({ id: 42 }));

    const error = await failure(tracker.getItem(ref));

    expect(error.kind).toBe('schema');
    expect(error.message).toContain('id:');
  });

  it('maps a connection failure to network', async () => {
    // Port 1 on loopback refuses the connection: a real fetch failure, not a mock of one.
    const { tracker } = createTestTracker('http://127.0.0.1:1/1');

    const error = await failure(tracker.getItem(ref));

    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/^Trello getItem failed: fetch failed \(.+\)$/);
  });

  it('maps a connection reset while the answer is read to network', async () => {
    // Headers and half a body, then the socket closes: what a proxy or Trello's edge dropping the link does.
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
      response.write('{"id":"');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { tracker } = createTestTracker(`http://127.0.0.1:${port}/1`);

    const error = await failure(tracker.getItem(ref)).finally(() => server.close());

    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/^Trello getItem failed: terminated \(.+\)$/);
  });
});
