import { describe, expect, it } from 'vitest';
import { docToPlainText } from '../../../src/domain/doc.ts';
import { type CardInfo, summarizeBoardWindow } from '../../../src/domain/sprint-summary/board-window.ts';
import { listedItems, renderSprintSummary } from '../../../src/domain/sprint-summary/render.ts';
import { snapshotScope } from '../../../src/domain/sprint-summary/snapshot.ts';
import {
  type SprintSummaryInput,
  summarizeSprint,
} from '../../../src/domain/sprint-summary/summarize-sprint.ts';
import type { Sprint } from '../../../src/trackers/tracker.ts';
import {
  atStart,
  common,
  estimateOf,
  estimates,
  finished,
  history,
  issue,
  sprint,
} from './sprint-fixture.ts';

/** The whole summary as a reader sees it: every line, so nothing extra slips in. */
const textOf = (input: SprintSummaryInput, shows?: Parameters<typeof renderSprintSummary>[1]['shows']) =>
  docToPlainText(
    renderSprintSummary(summarizeSprint(input), {
      title: `${input.sprint.name} summary`,
      ...(shows && { shows }),
    }),
  );

const snapshot = snapshotScope(sprint, atStart, estimateOf);

describe('the sprint summary a team reads', () => {
  it('with a snapshot taken at the start: every figure exact, every list', () => {
    expect(textOf({ ...common, snapshot })).toBe(
      [
        'Sprint 12 summary',
        '2025-03-03 – 2025-03-17',
        'Goal: Ship exports',
        'Figure | Value',
        'Committed | 5 items, 14 points',
        'Completed | 4 items, 8 points',
        'Completion rate | 43% of committed points',
        'Carried over | 2 items',
        'Added after start | 2 items',
        'Removed after start | 1 item',
        'Re-estimated | 1 item',
        'Bugs fixed | 1 item',
        'Support tickets resolved | 2 (2 customers)',
        'Top delivered by priority score',
        '1. ABC-6 Story 6 (2 points) — score 20',
        '2. ABC-1 Story 1 (3 points) — score 12.5',
        '3. ABC-3 Story 3 (2 points) — score 4',
        'Completed',
        '- ABC-1 Story 1 (3 points)',
        '- ABC-3 Story 3 (2 points)',
        '- ABC-4 Export crashes (1 point)',
        '- ABC-6 Story 6 (2 points)',
        'Carried over',
        '- ABC-2 Story 2 (8 points)',
        '- ABC-7 Story 7',
        'Added after start',
        '- ABC-6 Story 6 (2 points)',
        '- ABC-7 Story 7',
        'Removed after start',
        '- ABC-5 Story 5 (3 points)',
        'Re-estimated',
        '- ABC-2 Story 2: 5 → 8',
        'Bugs fixed',
        '- ABC-4 Export crashes (1 point)',
        'Customer impact',
        '- ABC-1 Story 1 (3 points): SUP-1, SUP-2',
        '- ABC-3 Story 3 (2 points): SUP-2',
      ].join('\n'),
    );
  });

  it('without a snapshot: reconstructed figures marked ≈, with the note saying why', () => {
    const { removed: _removed, ...withoutRemoved } = common;
    const text = textOf({ ...withoutRemoved, history, estimates });
    expect(text).toContain(
      [
        'Committed | ≈ 4 items, 11 points',
        'Completed | 4 items, 8 points',
        'Completion rate | ≈ 55% of committed points',
        'Carried over | 2 items',
        'Added after start | ≈ 2 items',
        'Removed after start | unknown',
        'Re-estimated | 1 item',
        'Bugs fixed | 1 item',
        'Support tickets resolved | 2 (2 customers)',
        '≈ No scope snapshot was taken when the sprint started: committed scope is reconstructed from the ' +
          'issues’ changelogs.',
        'Top delivered by priority score',
      ].join('\n'),
    );
    expect(text).toContain('Completed\n- ABC-1');
    expect(text).toContain('Re-estimated\n- ABC-2 Story 2: 5 → 8');
    expect(text).not.toMatch(/Completed ≈|Removed after start\n/);
  });

  it('marks the removed items ≈ when they are reconstructed', () => {
    expect(textOf({ ...common, history })).toContain(
      'Removed after start ≈\n- ABC-5 Story 5 (3 points)\nBugs fixed',
    );
  });

  it('lists a removed item as it is now, renamed and re-estimated since the start', () => {
    const renamed = issue(5, 'todo', 5, { title: 'Story 5 (split in two)' });
    expect(textOf({ ...common, snapshot, removed: [renamed] })).toContain(
      'Removed after start\n- ABC-5 Story 5 (split in two) (5 points)\n',
    );
  });

  it('a sprint nobody estimated, with a bug type named in lower case and tickets without customers', () => {
    const april: Sprint = {
      id: '43',
      name: 'Sprint 13',
      state: 'active',
      boardId: '7',
      startDate: '2025-04-01T09:00:00.000Z',
      endDate: '2025-04-15T09:00:00.000Z',
    };
    const started = [issue(11, 'todo'), issue(12, 'todo')];
    const text = textOf({
      sprint: april,
      snapshot: snapshotScope(april, started, estimateOf),
      items: [
        issue(11, 'done', undefined, { type: 'Defect', title: 'Login loops' }),
        issue(12, 'in_progress', 3, { type: 'Story' }),
        issue(13, 'done', undefined, { type: 'Story', createdAt: '2025-04-02T09:00:00.000Z' }),
      ],
      estimateOf,
      doneStatuses: ['10001'],
      bugTypes: ['Bug', ' defect '],
      linkedTicketsResolved: { '11': [{ ticketRef: 'SUP-7' }, { ticketRef: 'sup-7' }], '13': [] },
    });
    expect(text).toBe(
      [
        'Sprint 13 summary',
        '2025-04-01 – 2025-04-15',
        'Figure | Value',
        'Committed | 2 items',
        'Completed | 2 items',
        'Completion rate | 50% of committed count',
        'Carried over | 1 item',
        'Added after start | 1 item',
        'Removed after start | 0 items',
        'Re-estimated | 1 item',
        'Bugs fixed | 1 item',
        'Support tickets resolved | 1',
        'Completed',
        '- ABC-11 Login loops',
        '- ABC-13 Story 13',
        'Carried over',
        '- ABC-12 Story 12 (3 points)',
        'Added after start',
        '- ABC-13 Story 13',
        'Re-estimated',
        '- ABC-12 Story 12: unestimated → 3',
        'Bugs fixed',
        '- ABC-11 Login loops',
        'Customer impact',
        '- ABC-11 Login loops: SUP-7',
      ].join('\n'),
    );
  });

  it('counts a customer once however its id is written', () => {
    const text = textOf({
      ...common,
      snapshot,
      linkedTicketsResolved: {
        '1': [{ ticketRef: 'SUP-1', customerId: 'Acme' }, { ticketRef: 'SUP-2' }],
        '3': [{ ticketRef: 'SUP-3', customerId: 'acme ' }],
      },
    });
    expect(text).toContain('Support tickets resolved | 3 (1 customer)');
  });

  it.each<[string, Partial<Sprint>, string]>([
    [
      'completed before its end date: the day it closed',
      { completeDate: '2025-03-14T16:00:00.000Z' },
      '2025-03-03 – 2025-03-14',
    ],
    ['still open: its planned end', { completeDate: undefined }, '2025-03-03 – 2025-03-17'],
    ['no end date', { completeDate: undefined, endDate: undefined }, '2025-03-03 – ?'],
    ['no start date', { startDate: undefined }, '? – 2025-03-17'],
    [
      'no dates at all',
      { startDate: undefined, endDate: undefined, completeDate: undefined },
      'Dates unknown',
    ],
  ])('dates of a sprint %s', (_name, patch, dates) => {
    const text = textOf({ ...common, snapshot, sprint: { ...sprint, ...patch, goal: undefined } });
    expect(text.split('\n').slice(1, 3)).toEqual([dates, 'Figure | Value']);
  });

  it.each([
    ['Australia/Sydney', '2025-03-04 – 2025-03-15'],
    ['America/Los_Angeles', '2025-03-03 – 2025-03-14'],
  ])('dates a sprint in the team’s time zone (%s)', (timeZone, dates) => {
    // Started Tuesday 9:00 in Sydney (Monday 22:00 UTC), closed Friday 17:00 in Los Angeles (Saturday 0:00 UTC).
    const patch = { startDate: '2025-03-03T22:00:00.000Z', completeDate: '2025-03-15T00:00:00.000Z' };
    const stats = summarizeSprint({ ...common, snapshot, sprint: { ...sprint, ...patch, goal: undefined } });
    const text = docToPlainText(renderSprintSummary(stats, { title: 'Sprint summary', timeZone }));
    expect(text.split('\n')[1]).toBe(dates);
  });

  it('without a start date every item seen counts as committed, and the note says so', () => {
    const text = textOf({ ...common, history, sprint: { ...sprint, startDate: undefined } });
    expect(text).toContain('Committed | ≈ 7 items, 19 points');
    expect(text).toContain('≈ The sprint has no start date: every item seen in it counts as committed.');
  });

  it('an issue done when the sprint started and removed from it since was neither committed nor removed', () => {
    const doneAtStart = [...atStart.slice(0, 4), issue(5, 'done', 3)];
    const text = textOf({
      ...common,
      snapshot: snapshotScope(sprint, doneAtStart, estimateOf),
      removed: [issue(5, 'done', 3)],
    });
    expect(text).toContain('Committed | 4 items, 11 points\n');
    expect(text).toContain('Removed after start | 0 items\n');
    expect(text).not.toContain('ABC-5');
  });

  it('an issue done when the sprint started and deleted since was not committed, by the snapshot', () => {
    const doneAtStart = [...atStart.slice(0, 4), issue(5, 'done', 3)];
    const text = textOf({ ...common, snapshot: snapshotScope(sprint, doneAtStart, estimateOf), removed: [] });
    expect(text).toContain('Committed | 4 items, 11 points\n');
    expect(text).toContain('Removed after start | 0 items\n');
  });

  it('no completion rate when nothing was committed, and no empty list under a heading', () => {
    const text = textOf({ ...common, snapshot: { ...snapshot, items: [] }, linkedTicketsResolved: {} });
    expect(text).toContain('Committed | 0 items\nCompleted | 4 items, 8 points\nCarried over | 2 items');
    expect(text).toContain('Re-estimated | 0 items');
    expect(text).toContain('Support tickets resolved | 0\n');
    expect(text).not.toMatch(/^(Re-estimated|Customer impact)$/m);
  });

  it('a committed scope estimated at zero points is measured by count', () => {
    const zero = snapshotScope(sprint, atStart, () => 0);
    expect(textOf({ ...common, snapshot: zero })).toContain(
      'Committed | 5 items, 0 points\nCompleted | 4 items, 8 points\nCompletion rate | 60% of committed count',
    );
  });

  it('shows the five best-scored delivered items', () => {
    const done = [1, 2, 3, 4, 5, 6, 7].map((n) => issue(n, 'done', 1));
    const scores = Object.fromEntries(done.map((item, i) => [item.ref.id, 10 + i]));
    const statuses = Object.fromEntries(done.map((item) => [item.ref.id, [finished]]));
    const text = textOf({ ...common, snapshot, items: done, scores, statuses });
    expect(text).toContain(
      [
        'Top delivered by priority score',
        '1. ABC-7 Story 7 (1 point) — score 16',
        '2. ABC-6 Story 6 (1 point) — score 15',
        '3. ABC-5 Story 5 (1 point) — score 14',
        '4. ABC-4 Story 4 (1 point) — score 13',
        '5. ABC-3 Story 3 (1 point) — score 12',
        'Completed',
      ].join('\n'),
    );
  });

  it('leaves the removed and re-estimated items a reader may not see out of their lists', () => {
    const text = textOf({ ...common, snapshot }, (item) => !['ABC-2', 'ABC-5'].includes(item.ref.key));
    expect(text).not.toMatch(/Story 2|Story 5/);
    expect(text).toContain('Removed after start | 1 item\nRe-estimated | 1 item');
  });

  it('names every item it lists once, for the reader check', () => {
    const stats = summarizeSprint({ ...common, snapshot });
    expect(listedItems(stats).map((ref) => ref.key)).toEqual([
      'ABC-6',
      'ABC-1',
      'ABC-3',
      'ABC-4',
      'ABC-2',
      'ABC-7',
      'ABC-5',
    ]);
  });
});

describe('the summary of a Trello board window', () => {
  const cards = new Map<string, CardInfo>([
    ['c1', { title: 'Export to CSV', url: 'https://trello.com/c/sc1', labels: ['bug'] }],
    ['c2', { title: 'Dark mode', url: 'https://trello.com/c/sc2' }],
  ]);
  const stats = summarizeBoardWindow({
    window: { start: '2025-03-03T00:00:00Z', end: '2025-03-17T00:00:00Z', name: 'Weeks 10–11' },
    boardId: 'board-1',
    actions: [
      {
        id: 'a1',
        type: 'moveCard',
        date: '2025-03-04T10:00:00Z',
        card: { tracker: 'trello', id: 'c1', key: 'sc1' },
        listBefore: 'Doing',
        listAfter: 'Done',
      },
      {
        id: 'a2',
        type: 'other',
        date: '2025-03-05T10:00:00Z',
        card: { tracker: 'trello', id: 'c1', key: 'sc1' },
      },
      {
        id: 'a4',
        type: 'createCard',
        date: '2025-03-05T09:00:00Z',
        card: { tracker: 'trello', id: 'c2', key: 'sc2' },
        listAfter: 'Doing',
      },
      {
        id: 'a3',
        type: 'moveCard',
        date: '2025-03-06T10:00:00Z',
        card: { tracker: 'trello', id: 'c2', key: 'sc2' },
        listBefore: 'Doing',
        listAfter: 'Backlog',
      },
    ],
    doneLists: ['Done'],
    inProgressLists: ['Doing'],
    cardsInProgress: [],
    cards,
    linkedTicketsResolved: { c1: [{ ticketRef: 'SUP-3' }] },
  });

  it('has no committed scope, nothing approximate, no notes, and no empty list', () => {
    const rendered = renderSprintSummary(stats, { title: 'Weeks 10–11 summary' });
    expect(docToPlainText(rendered)).toBe(
      [
        'Weeks 10–11 summary',
        '2025-03-03 – 2025-03-17',
        'Figure | Value',
        'Completed | 1 item',
        'Carried over | 0 items',
        'Created in window | 1 item',
        'Bugs fixed | 1 item',
        'Support tickets resolved | 1',
        'Completed',
        '- sc1 Export to CSV',
        'Created in window',
        '- sc2 Dark mode',
        'Bugs fixed',
        '- sc1 Export to CSV',
        'Customer impact',
        '- sc1 Export to CSV: SUP-3',
      ].join('\n'),
    );
    expect(rendered.blocks.map((block) => block.type)).toEqual([
      'heading',
      'paragraph',
      'table',
      'heading',
      'bulletList',
      'heading',
      'bulletList',
      'heading',
      'bulletList',
      'heading',
      'bulletList',
    ]);
  });

  it('names the items it lists for the reader check', () => {
    expect(listedItems(stats).map((ref) => ref.key)).toEqual(['sc1', 'sc2']);
  });
});
