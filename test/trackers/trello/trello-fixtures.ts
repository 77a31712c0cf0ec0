import { pino } from 'pino';
import { createTrelloTracker } from '../../../src/trackers/trello/trello-tracker.ts';

/** Shapes trimmed from real Trello responses (GET /1/cards/{id}?attachments=true&customFieldItems=true...). */
export const API = 'https://api.trello.com';
export const BOARD = '5476fab52086e26047fa328c';
export const TODO = '5476fb3271e6d2370b31e986';
export const DONE = '5476fb3271e6d2370b31e987';
export const CARD = '5476fb7437746ac807afe2a5';
export const ME = '5f0c1b2a3d4e5f6a7b8c9d0e';
export const POINTS = '60a1b2c3d4e5f6a7b8c9d0e1';
export const KEY = 'key-123';
/** The Jira site configured beside Trello (JIRA_BASE_URL). */
export const JIRA_SITE = 'https://acme.atlassian.net';
export const TOKEN = 'token-secret-456';

export function cardJson(overrides: Record<string, unknown> = {}) {
  return {
    id: CARD,
    badges: { attachments: 2, comments: 1, description: true, due: null, dueComplete: false },
    checkItemStates: [],
    closed: false,
    dateLastActivity: '2026-03-02T10:00:00.000Z',
    desc: '## Acceptance criteria\n- Given a user',
    descData: { emoji: {} },
    due: null,
    idBoard: BOARD,
    idChecklists: ['6000000000000000000000c1'],
    idLabels: ['6000000000000000000000a1'],
    idList: TODO,
    idMembers: [],
    idShort: 1,
    labels: [{ id: '6000000000000000000000a1', idBoard: BOARD, name: 'bug', color: 'red', uses: 1 }],
    name: 'Login fails on Safari',
    pos: 16384,
    shortLink: '4K7LwAKx',
    shortUrl: 'https://trello.com/c/4K7LwAKx',
    url: 'https://trello.com/c/4K7LwAKx/1-login-fails-on-safari',
    cover: { idAttachment: null, color: null, size: 'normal', brightness: 'dark' },
    attachments: [
      {
        id: '6000000000000000000000b1',
        name: 'Related card',
        url: 'https://trello.com/c/AbCdEf12/7-related',
        isUpload: false,
        date: '2026-03-01T09:00:00.000Z',
      },
      {
        id: '6000000000000000000000b2',
        name: 'ABC-12',
        url: 'https://acme.atlassian.net/browse/ABC-12',
        isUpload: false,
      },
    ],
    customFieldItems: [
      {
        id: '6000000000000000000000f1',
        value: { number: '5' },
        idCustomField: POINTS,
        idModel: CARD,
        modelType: 'card',
      },
    ],
    checklists: [
      {
        id: '6000000000000000000000c1',
        name: 'Acceptance',
        idBoard: BOARD,
        idCard: CARD,
        pos: 16384,
        checkItems: [
          {
            id: '6000000000000000000000d1',
            name: 'Works',
            state: 'complete',
            idChecklist: '6000000000000000000000c1',
            pos: 1,
          },
        ],
      },
    ],
    ...overrides,
  };
}

/** GET /1/boards/{id}/boardPlugins of a board with the Custom Fields Power-Up enabled. */
export const boardPluginsJson = [
  {
    id: '5f9a0b1c2d3e4f5a6b7c8d9e',
    idBoard: BOARD,
    idPlugin: '56d5e249a98895a9797bebb9',
    promotional: false,
  },
];

export const boardJson = { id: BOARD, name: 'Backlog', shortLink: 'TAAnwdP9' };
export const listsJson = [
  { id: TODO, name: 'To Do', closed: false, idBoard: BOARD, pos: 1 },
  { id: DONE, name: 'Done', closed: false, idBoard: BOARD, pos: 2 },
];
export const fieldsJson = [
  {
    id: POINTS,
    idModel: BOARD,
    modelType: 'board',
    fieldGroup: 'f1',
    display: { cardFront: true },
    name: 'Story Points',
    pos: 16384,
    type: 'number',
  },
];

export function commentAction(id: string, text: string, idMemberCreator = ME) {
  return {
    id,
    idMemberCreator,
    data: {
      text,
      card: { id: CARD, name: 'Login fails on Safari', idShort: 1, shortLink: '4K7LwAKx' },
      board: boardJson,
    },
    type: 'commentCard',
    date: '2026-03-02T11:00:00.000Z',
    appCreator: null,
    limits: null,
    memberCreator: { id: idMemberCreator, fullName: 'Refinery Bot', username: 'refinerybot', initials: 'RB' },
  };
}

export const meJson = { id: ME, fullName: 'Refinery Bot', username: 'refinerybot' };

export function createTestTracker(apiUrl?: string) {
  const acquired: string[][] = [];
  const tracker = createTrelloTracker({
    ...(apiUrl ? { apiUrl } : {}),
    apiKey: KEY,
    apiToken: TOKEN,
    log: pino({ level: 'silent' }),
    jiraSiteUrl: JIRA_SITE,
    limiter: {
      acquire: async (keys) => {
        acquired.push([...keys]);
      },
    },
  });
  return { tracker, acquired };
}
