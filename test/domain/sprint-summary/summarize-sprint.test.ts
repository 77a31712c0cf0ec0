import { describe, expect, it } from 'vitest';
import { snapshotScope } from '../../../src/domain/sprint-summary/snapshot.ts';
import { summarizeSprint } from '../../../src/domain/sprint-summary/summarize-sprint.ts';
import type { ItemList, SprintStats } from '../../../src/domain/sprint-summary/types.ts';
import { atStart, common, estimateOf, estimates, history, issue, sprint } from './sprint-fixture.ts';

const keys = (list: ItemList | undefined) => list?.items.map((item) => item.ref.key);

describe('summarizeSprint with a snapshot', () => {
  const snapshot = snapshotScope(sprint, atStart, estimateOf);
  const stats = summarizeSprint({ ...common, snapshot });

  it.each<[string, (s: SprintStats) => unknown, unknown]>([
    [
      'committed',
      (s) => s.committed,
      { count: { value: 5, approximate: false }, points: { value: 14, approximate: false } },
    ],
    [
      'completed',
      (s) => s.completed,
      { count: { value: 4, approximate: false }, points: { value: 8, approximate: false } },
    ],
    [
      'completion rate of committed points',
      (s) => s.completionRate,
      { value: 6 / 14, approximate: false, basis: 'points' },
    ],
    ['carried over', (s) => keys(s.carriedOver), ['ABC-2', 'ABC-7']],
    ['added after start', (s) => keys(s.added), ['ABC-6', 'ABC-7']],
    ['removed', (s) => keys(s.removed), ['ABC-5']],
    ['re-estimated', (s) => s.reEstimated?.map((r) => [r.item.ref.key, r.from, r.to]), [['ABC-2', 5, 8]]],
    ['bugs fixed', (s) => keys(s.bugsFixed), ['ABC-4']],
    [
      'support tickets, counted once',
      (s) => [s.customerImpact.tickets.value, s.customerImpact.customers?.value],
      [2, 2],
    ],
    [
      'top delivered',
      (s) => s.topDelivered.map((i) => [i.ref.key, i.score]),
      [
        ['ABC-6', 20],
        ['ABC-1', 12.5],
        ['ABC-3', 4],
      ],
    ],
    ['no notes', (s) => s.notes, []],
  ])('%s', (_name, pick, expected) => {
    expect(pick(stats)).toEqual(expected);
  });

  it('survives a JSON round trip of the snapshot', () => {
    const stored = JSON.parse(JSON.stringify(snapshot));
    expect(summarizeSprint({ ...common, snapshot: stored })).toEqual(stats);
  });

  it('falls back to item counts when the scope had no estimates', () => {
    const unestimated = snapshotScope(sprint, atStart, () => undefined);
    expect(summarizeSprint({ ...common, snapshot: unestimated }).completionRate).toEqual({
      value: 3 / 5,
      approximate: false,
      basis: 'count',
    });
  });

  it('keeps the snapshot title of a removed item the caller could not fetch', () => {
    const result = summarizeSprint({ ...common, snapshot, removed: [] });
    expect(result.removed?.items).toEqual([
      { ref: atStart[4]!.ref, title: 'Story 5', url: atStart[4]!.url, points: 3 },
    ]);
  });
});

describe('summarizeSprint re-run after the close', () => {
  const snapshot = snapshotScope(sprint, atStart, estimateOf);
  const later = '2025-04-01T12:00:00.000Z';
  // Sized again since the close: 1 (done) 3 → 13, 2 (carried over) 8 → 2.
  const resized = common.items.map((item) =>
    item.ref.id === '1' ? issue(1, 'done', 13) : item.ref.id === '2' ? issue(2, 'in_progress', 2) : item,
  );
  const stats = summarizeSprint({
    ...common,
    items: resized,
    snapshot,
    estimates: {
      '1': [{ at: later, from: 3, to: 13 }],
      '2': [
        { at: '2025-03-06T12:00:00.000Z', from: 5, to: 8 },
        { at: later, from: 8, to: 2 },
      ],
    },
  });

  it('counts the estimates as they were at the close, as Jira’s sprint report does', () => {
    expect(stats.completed.points).toEqual({ value: 8, approximate: false });
    expect(stats.carriedOver.items.map((item) => [item.ref.key, item.points])).toEqual([
      ['ABC-2', 8],
      ['ABC-7', undefined],
    ]);
    expect(stats.reEstimated?.map((r) => [r.item.ref.key, r.from, r.to])).toEqual([['ABC-2', 5, 8]]);
  });

  it('counts today’s estimates while the sprint is open', () => {
    const open = summarizeSprint({
      ...common,
      sprint: { ...sprint, state: 'active' },
      items: resized,
      snapshot,
      estimates: { '1': [{ at: later, from: 3, to: 13 }] },
    });
    expect(open.completed.points).toEqual({ value: 18, approximate: false });
  });
});

describe('summarizeSprint without a snapshot', () => {
  const stats = summarizeSprint({ ...common, history, estimates });

  it('reconstructs committed scope and its points at the start from the changelogs, marked approximate', () => {
    expect(stats.committed).toEqual({
      count: { value: 5, approximate: true },
      points: { value: 14, approximate: true },
    });
    expect(keys(stats.added)).toEqual(['ABC-6', 'ABC-7']);
    expect(stats.added.approximate).toBe(true);
    expect(keys(stats.removed)).toEqual(['ABC-5']);
    expect(stats.completionRate).toEqual({ value: 6 / 14, approximate: true, basis: 'points' });
  });

  it('keeps what was observed at close exact', () => {
    expect(stats.completed.count).toEqual({ value: 4, approximate: false });
    expect(stats.carriedOver.approximate).toBe(false);
    expect(stats.bugsFixed.approximate).toBe(false);
  });

  it('reads the re-estimates from the story-points history, and says what was reconstructed', () => {
    expect(stats.reEstimated?.map((r) => [r.item.ref.key, r.from, r.to])).toEqual([['ABC-2', 5, 8]]);
    expect(stats.notes).toEqual([expect.stringContaining('No scope snapshot was taken')]);
  });

  it('counts a removed item whose history shows it joined after the start as added and removed, marked so', () => {
    const lateJoiner = issue(8, 'todo', 5);
    const result = summarizeSprint({
      ...common,
      removed: [...common.removed!, lateJoiner],
      history: {
        ...history,
        '8': [
          { at: '2025-03-04T00:00:00.000Z', from: [], to: ['42'] },
          { at: '2025-03-08T00:00:00.000Z', from: ['42'], to: [] },
        ],
      },
    });
    expect(keys(result.removed)).toEqual(['ABC-5', 'ABC-8']);
    expect(result.removed?.items.map((item) => item.addedAfterStart)).toEqual([undefined, true]);
    expect(keys(result.added)).toEqual(['ABC-6', 'ABC-7', 'ABC-8']);
    expect(result.committed?.count).toEqual({ value: 5, approximate: true });
  });

  it('counts an issue created into the sprint after its start as added, though the close moved it on', () => {
    // Creating an issue into a sprint writes no Sprint-field change; carrying it over at the close does.
    const carried = { at: sprint.completeDate!, from: ['42'], to: ['42', '43'] };
    const result = summarizeSprint({ ...common, history: { ...history, '7': [carried] } });
    expect(keys(result.added)).toEqual(['ABC-6', 'ABC-7']);
    expect(result.committed?.count).toEqual({ value: 5, approximate: true });
  });

  it('counts everything seen as committed when the sprint has no start date', () => {
    const { startDate: _, ...undated } = sprint;
    const result = summarizeSprint({ ...common, sprint: undated });
    expect(result.committed?.count).toEqual({ value: 7, approximate: true });
    expect(result.notes).toEqual([expect.stringContaining('no start date')]);
  });
});

describe('summarizeSprint by the board’s Done column, as Jira’s sprint report counts', () => {
  // The Done column holds Verified (in progress by category) and Released; Done waits for a deploy left of it.
  const doneStatuses = ['10002', '10003'];
  const status = {
    done: { id: '10001', name: 'Done', category: 'done' },
    verified: { id: '10002', name: 'Verified', category: 'in_progress' },
    released: { id: '10003', name: 'Released', category: 'done' },
    inProgress: { id: '3', name: 'In Progress', category: 'in_progress' },
  } as const;
  type Status = (typeof status)[keyof typeof status];
  const at = (n: number, where: Status, points = 1) => issue(n, where.category, points, { status: where });
  const later = '2025-04-01T12:00:00.000Z';
  const moved = (from: Status, to: Status, when = '2025-03-10T12:00:00.000Z') => ({ at: when, from, to });

  it('counts what sits in that column at the close complete, whatever its category, also when re-run later', () => {
    const snapshot = snapshotScope(
      sprint,
      [issue(1, 'todo'), issue(2, 'todo'), issue(3, 'todo')],
      estimateOf,
    );
    const input = {
      ...common,
      snapshot,
      removed: [],
      doneStatuses,
      items: [at(1, status.done), at(2, status.verified), at(3, status.released)],
      statuses: {
        '1': [moved(status.inProgress, status.done)],
        '2': [moved(status.inProgress, status.verified)],
        '3': [moved(status.done, status.released)],
      },
    };
    // Since the close: 1 released, 2 reopened.
    const rerun = {
      ...input,
      items: [at(1, status.released), at(2, status.inProgress), at(3, status.released)],
      statuses: {
        '1': [moved(status.inProgress, status.done), moved(status.done, status.released, later)],
        '2': [moved(status.inProgress, status.verified), moved(status.verified, status.inProgress, later)],
        '3': input.statuses['3'],
      },
    };

    for (const stats of [summarizeSprint(input), summarizeSprint(rerun)]) {
      expect(keys(stats.done)).toEqual(['ABC-2', 'ABC-3']);
      expect(keys(stats.carriedOver)).toEqual(['ABC-1']);
      expect(stats.completed.count).toEqual({ value: 2, approximate: false });
      expect(stats.notes).toEqual([]);
    }
    expect(summarizeSprint({ ...input, sprint: { ...sprint, state: 'active' } }).done.items).toHaveLength(2);
  });

  it('leaves out of the commitment what was in that column at the start, not what was merely Done', () => {
    // Without a snapshot: 4 was released before the start; 5 was Done then and released during the sprint.
    const stats = summarizeSprint({
      ...common,
      removed: [],
      history: {},
      doneStatuses,
      items: [at(4, status.released, 2), at(5, status.released, 3)],
      statuses: { '5': [moved(status.done, status.released)] },
    });

    expect(keys(stats.completedOutside)).toEqual(['ABC-4']);
    expect(keys(stats.done)).toEqual(['ABC-5']);
    expect(stats.committed?.points).toEqual({ value: 3, approximate: true });
    // From a snapshot, by the status it kept: Done then is no completion then.
    const released = [at(4, status.released, 2), at(5, status.released, 3)];
    const snapshot = snapshotScope(sprint, [at(4, status.released, 2), at(5, status.done, 3)], estimateOf);
    const fromSnapshot = summarizeSprint({ ...common, snapshot, items: released, removed: [], doneStatuses });
    expect(keys(fromSnapshot.completedOutside)).toEqual(['ABC-4']);
    expect(keys(fromSnapshot.done)).toEqual(['ABC-5']);
  });

  it('without the column, counts the Done category, marks what it decides ≈ and says why', () => {
    const stats = summarizeSprint({
      ...common,
      snapshot: snapshotScope(sprint, atStart, estimateOf),
      doneStatuses: [],
    });

    expect(stats.completed.count).toEqual({ value: 4, approximate: true });
    expect(stats.completionRate?.approximate).toBe(true);
    expect(
      [stats.done, stats.carriedOver, stats.completedOutside, stats.bugsFixed].map((l) => l?.approximate),
    ).toEqual([true, true, true, true]);
    expect(stats.notes).toEqual([
      expect.stringContaining('completed counts the items in a Done-category status'),
    ]);
  });
});
