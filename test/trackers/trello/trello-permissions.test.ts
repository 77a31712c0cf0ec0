import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { API, BOARD, CARD, cardJson, createTestTracker } from './trello-fixtures.ts';

const ref = { tracker: 'trello' as const, id: CARD, key: '4K7LwAKx' };
const MEMBER = '5e8f1a2b3c4d5e6f7a8b9c0d';
const OBSERVER = '5e8f1a2b3c4d5e6f7a8b9c0e';

/** GET /1/boards/{id}/memberships as Trello answers it. */
const memberships = [
  {
    id: '6100000000000000000000a1',
    idMember: MEMBER,
    memberType: 'normal',
    unconfirmed: false,
    deactivated: false,
  },
  {
    id: '6100000000000000000000a2',
    idMember: OBSERVER,
    memberType: 'observer',
    unconfirmed: false,
    deactivated: false,
  },
];

const COLLEAGUE = '5e8f1a2b3c4d5e6f7a8b9c0f';
const WORKSPACE = '5e8f1a2b3c4d5e6f7a8b9d00';

/** GET /1/boards/{id}?fields=prefs,idOrganization: a personal board answers `idOrganization: null`. */
function mockBoardPrefs(prefs: { permissionLevel: string; comments: string }, idOrganization: string | null) {
  nock(API)
    .get(`/1/boards/${BOARD}`)
    .query((query) => query.fields === 'prefs,idOrganization')
    .reply(200, { id: BOARD, idOrganization, prefs: { ...prefs, voting: 'disabled', selfJoin: false } });
}

function mockCardBoard(times = 1) {
  nock(API)
    .get(`/1/cards/${CARD}`)
    .query((query) => query.fields === 'id,idBoard')
    .times(times)
    .reply(200, cardJson())
    .get(`/1/boards/${BOARD}/memberships`)
    .query(true)
    .reply(200, memberships);
}

describe('Trello adapter permissions of a member', () => {
  it('a board member may browse and edit the card', async () => {
    const { tracker } = createTestTracker();
    mockCardBoard(2);

    expect([...(await tracker.permittedItems(MEMBER, [ref], 'browse'))]).toEqual([CARD]);
    expect([...(await tracker.permittedItems(MEMBER, [ref], 'edit'))]).toEqual([CARD]);
  });

  it('an observer may browse, not edit; a stranger neither', async () => {
    const { tracker } = createTestTracker();
    mockCardBoard(3);
    mockBoardPrefs({ permissionLevel: 'private', comments: 'members' }, null);

    expect((await tracker.permittedItems(OBSERVER, [ref], 'browse')).size).toBe(1);
    expect((await tracker.permittedItems(OBSERVER, [ref], 'edit')).size).toBe(0);
    expect((await tracker.permittedItems('5e8f1a2b3c4d5e6f7a8b9cff', [ref], 'browse')).size).toBe(0);
  });

  it('a member of the Workspace of a board whose comments are “org” may browse, not edit; the Workspace is read once', async () => {
    const { tracker } = createTestTracker();
    mockCardBoard(4);
    mockBoardPrefs({ permissionLevel: 'org', comments: 'org' }, WORKSPACE);
    nock(API)
      .get(`/1/organizations/${WORKSPACE}/members`)
      .query(true)
      .reply(200, [
        { id: MEMBER, fullName: 'Mia Member', username: 'mia' },
        { id: COLLEAGUE, fullName: 'Wes Workspace', username: 'weswork' },
      ]);

    expect((await tracker.permittedItems(COLLEAGUE, [ref], 'browse')).size).toBe(1);
    expect((await tracker.permittedItems(COLLEAGUE, [ref], 'edit')).size).toBe(0);
    expect((await tracker.permittedItems('5e8f1a2b3c4d5e6f7a8b9cff', [ref], 'browse')).size).toBe(0);
    expect((await tracker.permittedItems(COLLEAGUE, [ref], 'browse')).size).toBe(1);
    expect(nock.isDone()).toBe(true);
  });

  it('a member of the Workspace of a Workspace board whose comments are public may browse too: public takes in org', async () => {
    const { tracker } = createTestTracker();
    mockCardBoard();
    mockBoardPrefs({ permissionLevel: 'org', comments: 'public' }, WORKSPACE);
    nock(API)
      .get(`/1/organizations/${WORKSPACE}/members`)
      .query(true)
      .reply(200, [{ id: COLLEAGUE, fullName: 'Wes Workspace', username: 'weswork' }]);

    expect((await tracker.permittedItems(COLLEAGUE, [ref], 'browse')).size).toBe(1);
    expect(nock.isDone()).toBe(true);
  });

  it('the Workspace’s members may not browse where its comments are for members, or the board is private', async () => {
    for (const prefs of [
      { permissionLevel: 'org', comments: 'members' },
      { permissionLevel: 'private', comments: 'org' },
    ]) {
      const { tracker } = createTestTracker();
      mockCardBoard();
      mockBoardPrefs(prefs, WORKSPACE);

      expect((await tracker.permittedItems(COLLEAGUE, [ref], 'browse')).size).toBe(0);
      expect(nock.isDone()).toBe(true);
    }
  });
});
