import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ScopeSnapshotSchema, snapshotScope } from '../../../src/domain/sprint-summary/snapshot.ts';
import { atStart, estimateOf, issue, sprint } from './sprint-fixture.ts';

/** What the worker stores at sprint start and reads back at close (workers/capabilities/summary-store.ts). */
const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('snapshotScope: the committed scope taken when a sprint starts', () => {
  it('records each item with its estimate and status, and the sprint it belongs to', () => {
    const snapshot = snapshotScope(
      sprint,
      [atStart[0]!, issue(8, 'in_progress'), issue(9, 'done', 0)],
      estimateOf,
    );
    expect(snapshot).toEqual({
      sprintId: '42',
      sprintName: 'Sprint 12',
      startDate: '2025-03-03T09:00:00.000Z',
      items: [
        {
          ref: { tracker: 'jira', id: '1', key: 'ABC-1' },
          title: 'Story 1',
          url: 'https://example.atlassian.net/browse/ABC-1',
          estimate: 3,
          status: 'To Do',
          statusId: '10000',
          statusCategory: 'todo',
        },
        expect.objectContaining({ estimate: null, status: 'In Progress', statusCategory: 'in_progress' }),
        expect.objectContaining({ estimate: 0, status: 'Done', statusCategory: 'done' }),
      ],
    });
  });

  it('taken late, holds what the sprint held at its start date, with the estimates then', () => {
    const snapshot = snapshotScope(
      sprint,
      [
        issue(1, 'todo', 8),
        issue(2, 'todo', 1, { createdAt: '2025-03-04T00:00:00.000Z' }),
        issue(3, 'todo', 1),
        issue(4, 'todo', 2),
      ],
      estimateOf,
      {
        sprint: {
          '3': [{ at: '2025-03-05T00:00:00.000Z', from: [], to: ['42'] }],
          '4': [{ at: '2025-03-05T00:00:00.000Z', from: ['42'], to: [] }],
        },
        estimates: {
          '1': [
            { at: '2025-03-01T00:00:00.000Z', to: 3 },
            { at: '2025-03-04T00:00:00.000Z', from: 3, to: 5 },
            { at: '2025-03-05T00:00:00.000Z', from: 5, to: 8 },
          ],
          '4': [{ at: '2025-03-04T00:00:00.000Z', to: 2 }],
        },
      },
    );
    // 2 was created after the start, 3 added after it; 4 was in the sprint then, unestimated, and left since.
    expect(snapshot.items.map((entry) => [entry.ref.key, entry.estimate])).toEqual([
      ['ABC-1', 3],
      ['ABC-4', null],
    ]);
  });

  it('taken late, holds where each item stood at the start: the status it left since, its category then', () => {
    const inProgress = { id: '3', name: 'In Progress' };
    const done = { id: '10001', name: 'Done' };
    const snapshot = snapshotScope(
      sprint,
      [issue(1, 'done', 3), issue(2, 'in_progress', 2), issue(3, 'done', 1)],
      estimateOf,
      {
        statuses: {
          // 1 was finished after the start; 2 reopened after it; 3 was done before it.
          '1': [{ at: '2025-03-05T00:00:00.000Z', from: inProgress, to: done }],
          '2': [{ at: '2025-03-05T00:00:00.000Z', from: done, to: inProgress }],
          '3': [{ at: '2025-03-01T00:00:00.000Z', from: inProgress, to: done }],
        },
        categories: new Map([
          ['3', 'in_progress'],
          ['10001', 'done'],
        ]),
      },
    );
    expect(
      snapshot.items.map(({ status, statusId, statusCategory }) => [status, statusId, statusCategory]),
    ).toEqual([
      ['In Progress', '3', 'in_progress'],
      ['Done', '10001', 'done'],
      ['Done', '10001', 'done'],
    ]);
  });

  it('leaves out a start date the sprint does not have', () => {
    const { startDate: _, ...unstarted } = sprint;
    expect(snapshotScope(unstarted, atStart, estimateOf)).not.toHaveProperty('startDate');
  });

  it('does not change when the items change after it was taken', () => {
    const item = issue(1, 'todo', 3);
    const snapshot = snapshotScope(sprint, [item], estimateOf);
    item.ref.key = 'ABC-99';
    expect(snapshot.items[0]!.ref.key).toBe('ABC-1');
  });

  it.each([
    ['with a start date', sprint],
    ['without a start date', { ...sprint, startDate: undefined }],
  ])('reads back valid once stored, %s', (_name, s) => {
    const items = [issue(1, 'todo', 3), issue(2, 'in_progress'), issue(3, 'done', 2)];
    expect(Value.Check(ScopeSnapshotSchema, roundTrip(snapshotScope(s, items, estimateOf)))).toBe(true);
  });

  it.each<[string, 'item' | 'snapshot', string, unknown]>([
    ['an unknown status category', 'item', 'statusCategory', 'blocked'],
    ['an estimate that is not a number', 'item', 'estimate', '3'],
    ['an item without its ref', 'item', 'ref', undefined],
    ['an item without its url', 'item', 'url', undefined],
    ['an item without its title', 'item', 'title', undefined],
    ['an item without its status', 'item', 'status', undefined],
    ['a start date that is not text', 'snapshot', 'startDate', 1],
    ['no sprint name', 'snapshot', 'sprintName', undefined],
    ['no sprint id', 'snapshot', 'sprintId', undefined],
    ['no items', 'snapshot', 'items', undefined],
  ])('refuses a stored snapshot with %s', (_name, where, key, value) => {
    const stored = roundTrip(snapshotScope(sprint, atStart, estimateOf)) as Record<string, unknown>;
    const target = where === 'item' ? (stored.items as Record<string, unknown>[])[0]! : stored;
    if (value === undefined) delete target[key];
    else target[key] = value;
    expect(Value.Check(ScopeSnapshotSchema, stored)).toBe(false);
  });
});
