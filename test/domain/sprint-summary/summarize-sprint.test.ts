import { describe, expect, it } from 'vitest';
import { snapshotScope } from '../../../src/domain/sprint-summary/snapshot.ts';
import { summarizeSprint } from '../../../src/domain/sprint-summary/summarize-sprint.ts';
import type { ItemList, SprintStats } from '../../../src/domain/sprint-summary/types.ts';
import { atStart, common, estimateOf, history, issue, sprint } from './sprint-fixture.ts';

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

describe('summarizeSprint without a snapshot', () => {
  const stats = summarizeSprint({ ...common, history });

  it('reconstructs committed scope from Sprint-field history and marks it approximate', () => {
    expect(stats.committed).toEqual({
      count: { value: 5, approximate: true },
      points: { value: 17, approximate: true },
    });
    expect(keys(stats.added)).toEqual(['ABC-6', 'ABC-7']);
    expect(stats.added.approximate).toBe(true);
    expect(keys(stats.removed)).toEqual(['ABC-5']);
    expect(stats.completionRate).toEqual({ value: 6 / 17, approximate: true, basis: 'points' });
  });

  it('keeps what was observed at close exact', () => {
    expect(stats.completed.count).toEqual({ value: 4, approximate: false });
    expect(stats.carriedOver.approximate).toBe(false);
    expect(stats.bugsFixed.approximate).toBe(false);
  });

  it('does not guess re-estimates and says why', () => {
    expect(stats.reEstimated).toBeUndefined();
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
