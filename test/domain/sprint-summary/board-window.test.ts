import { describe, expect, it } from 'vitest';
import { docToPlainText } from '../../../src/domain/doc.ts';
import { type CardInfo, summarizeBoardWindow } from '../../../src/domain/sprint-summary/board-window.ts';
import { renderSprintSummary } from '../../../src/domain/sprint-summary/render.ts';
import type { BoardAction, TrackerItem } from '../../../src/trackers/tracker.ts';
import { makeItem } from '../scoring/make-item.ts';

function card(id: string, listName: string, patch: Partial<TrackerItem> = {}): TrackerItem {
  return {
    ...makeItem({ title: `Card ${id}`, ...patch }),
    ref: { tracker: 'trello', id, key: `s${id}` },
    url: `https://trello.com/c/s${id}`,
    container: { id: 'board-1', key: 'board-1', listName },
  };
}

let sequence = 0;
function action(
  type: BoardAction['type'],
  id: string,
  date: string,
  listBefore?: string,
  listAfter?: string,
): BoardAction {
  sequence += 1;
  return {
    id: `a${sequence}`,
    type,
    date,
    card: { tracker: 'trello', id, key: `s${id}` },
    ...(listBefore ? { listBefore } : {}),
    ...(listAfter ? { listAfter } : {}),
  };
}

const actions = [
  action('createCard', 'c1', '2025-03-04T10:00:00Z', undefined, 'Backlog'),
  action('moveCard', 'c1', '2025-03-06T10:00:00Z', 'Doing', 'Done'),
  action('moveCard', 'c2', '2025-03-05T10:00:00Z', 'Doing', 'Done'),
  action('moveCard', 'c2', '2025-03-07T10:00:00Z', 'Done', 'Doing'),
  action('moveCard', 'c3', '2025-02-28T10:00:00Z', 'In Progress', 'Done'),
  action('moveCard', 'c4', '2025-03-16T23:59:00Z', 'Doing', 'Done'),
  action('createCard', 'c5', '2025-03-17T00:00:00Z', undefined, 'Backlog'),
  action('moveCard', 'c6', '2025-03-10T10:00:00Z', 'Review', 'done'),
  action('other', 'c7', '2025-03-11T10:00:00Z'),
];
const cards = new Map<string, CardInfo>([
  ['c1', card('c1', 'Done', { estimate: { storyPoints: 3 } })],
  ['c4', card('c4', 'Done', { labels: ['Bug'], estimate: { storyPoints: 1 } })],
]);
const stats = summarizeBoardWindow({
  window: { start: '2025-03-03T00:00:00Z', end: '2025-03-17T00:00:00Z', name: 'Weeks 10–11' },
  boardId: 'board-1',
  actions,
  doneLists: ['Done'],
  inProgressLists: ['Doing', 'In Progress'],
  cardsInProgress: [card('c2', 'Doing'), card('c7', 'In Progress'), card('c8', 'Backlog')],
  cards,
  scores: { c4: 7, c6: 2 },
  linkedTicketsResolved: { c4: [{ ticketRef: 'SUP-4', customerId: 'acme' }] },
});

const ids = (list: { items: { ref: { id: string } }[] }) => list.items.map((item) => item.ref.id);

describe('summarizeBoardWindow', () => {
  it.each<[string, () => unknown, unknown]>([
    [
      'done: entered a done list in the window and stayed there, in order',
      () => ids(stats.done),
      ['c1', 'c6', 'c4'],
    ],
    [
      'completed figure',
      () => stats.completed,
      { count: { value: 3, approximate: false }, points: { value: 4, approximate: false }, unestimated: 1 },
    ],
    ['carried over: still in an in-progress list', () => ids(stats.carriedOver), ['c2', 'c7']],
    ['added: created in the window', () => ids(stats.added), ['c1']],
    ['bugs fixed by label', () => ids(stats.bugsFixed), ['c4']],
    ['top delivered', () => stats.topDelivered.map((item) => item.ref.id), ['c4', 'c6']],
    ['customer impact', () => stats.customerImpact.tickets.value, 1],
    [
      'no commitment, so no committed scope or rate',
      () => [stats.committed, stats.completionRate],
      [undefined, undefined],
    ],
  ])('%s', (_name, pick, expected) => {
    expect(pick()).toEqual(expected);
  });

  it('links a card it has no details for by its shortLink', () => {
    expect(stats.done.items.find((item) => item.ref.id === 'c6')).toEqual({
      ref: { tracker: 'trello', id: 'c6', key: 'sc6' },
      title: 'sc6',
      url: 'https://trello.com/c/sc6',
    });
  });
});

describe('summarizeBoardWindow: which cards count', () => {
  const window = { start: '2025-03-03T00:00:00Z', end: '2025-03-17T00:00:00Z', name: 'Weeks 10–11' };
  const summary = (patch: Partial<Parameters<typeof summarizeBoardWindow>[0]>) =>
    summarizeBoardWindow({
      window,
      boardId: 'board-1',
      actions: [],
      doneLists: ['Done'],
      inProgressLists: ['Doing'],
      cardsInProgress: [],
      cards: new Map(),
      ...patch,
    });

  it('a move at the very start of the window counts', () => {
    const stats = summary({ actions: [action('moveCard', 'c1', '2025-03-03T00:00:00Z', 'Doing', 'Done')] });
    expect(ids(stats.done)).toEqual(['c1']);
  });

  it('a card moved back to the backlog is neither done nor carried over', () => {
    const stats = summary({
      actions: [
        action('moveCard', 'c1', '2025-03-04T10:00:00Z', 'Doing', 'Done'),
        action('moveCard', 'c2', '2025-03-05T10:00:00Z', 'Doing', 'Backlog'),
      ],
    });
    expect([ids(stats.done), ids(stats.carriedOver)]).toEqual([['c1'], []]);
  });

  it('a card done in the window but back in an in-progress list at close is carried over', () => {
    const stats = summary({
      actions: [action('moveCard', 'c1', '2025-03-04T10:00:00Z', 'Doing', 'Done')],
      cardsInProgress: [card('c1', 'Doing')],
    });
    expect([ids(stats.done), ids(stats.carriedOver), stats.completed.count.value]).toEqual([[], ['c1'], 0]);
  });

  it('a card moved on between two done lists was done before the window, not in it', () => {
    const stats = summary({
      doneLists: ['Done', 'Released'],
      actions: [
        action('moveCard', 'c1', '2025-03-04T10:00:00Z', 'Done', 'Released'),
        action('moveCard', 'c2', '2025-03-05T10:00:00Z', 'Doing', 'Done'),
        action('moveCard', 'c2', '2025-03-06T10:00:00Z', 'Done', 'Released'),
      ],
    });
    const text = docToPlainText(renderSprintSummary(stats, { title: 'Weeks 10–11 summary' }));
    expect(text).toContain('Completed | 1 item\n');
    expect(text).toContain('Completed\n- sc2 sc2');
    expect(text).not.toContain('sc1');
  });

  it('a card read from an in-progress list whose name is not known is carried over', () => {
    const unnamed = { ...card('c1', 'Doing'), container: { id: 'board-1', key: 'board-1' } };
    expect(ids(summary({ cardsInProgress: [unnamed] }).carriedOver)).toEqual(['c1']);
  });

  it('a card archived in an in-progress list, or read on another board, is not carried over', () => {
    const archived = card('c1', 'Doing', { archived: true });
    const moved = { ...card('c2', 'Doing'), container: { id: 'board-2', key: 'board-2', listName: 'Doing' } };
    const stays = { ...card('c3', 'Doing'), container: { id: 'b3', key: 'board-1', listName: 'Doing' } };
    expect(ids(summary({ cardsInProgress: [archived, moved, stays] }).carriedOver)).toEqual(['c3']);
  });

  it('list names match whatever their case and surrounding blanks', () => {
    const stats = summary({
      doneLists: [' done'],
      inProgressLists: ['In progress '],
      actions: [action('moveCard', 'c1', '2025-03-04T10:00:00Z', 'In Progress', 'DONE ')],
      cardsInProgress: [card('c2', ' In Progress'), card('c3', 'In review')],
    });
    expect([ids(stats.done), ids(stats.carriedOver)]).toEqual([['c1'], ['c2']]);
  });

  it('no points when no done card is estimated, and a card without an estimate shows none', () => {
    const stats = summary({
      actions: [action('moveCard', 'c1', '2025-03-04T10:00:00Z', 'Doing', 'Done')],
      cards: new Map([['c1', { title: 'Dark mode', url: 'https://trello.com/c/sc1' }]]),
    });
    expect(stats.completed).toEqual({ count: { value: 1, approximate: false } });
    expect(stats.done.items).toEqual([
      {
        ref: { tracker: 'trello', id: 'c1', key: 'sc1' },
        title: 'Dark mode',
        url: 'https://trello.com/c/sc1',
      },
    ]);
  });
});
