import type { SprintSummaryInput } from '../../../src/domain/sprint-summary/summarize-sprint.ts';
import type { Sprint, StatusCategory, TrackerItem } from '../../../src/trackers/tracker.ts';
import { makeItem } from '../scoring/make-item.ts';

export const sprint: Sprint = {
  id: '42',
  name: 'Sprint 12',
  state: 'closed',
  boardId: '7',
  startDate: '2025-03-03T09:00:00.000Z',
  endDate: '2025-03-17T09:00:00.000Z',
  completeDate: '2025-03-17T16:00:00.000Z',
  goal: 'Ship exports',
};

const STATUS: Record<StatusCategory, { id: string; name: string }> = {
  todo: { id: '10000', name: 'To Do' },
  in_progress: { id: '3', name: 'In Progress' },
  done: { id: '10001', name: 'Done' },
};

export function issue(
  n: number,
  category: StatusCategory,
  points?: number,
  patch: Partial<TrackerItem> = {},
) {
  return makeItem({
    key: `ABC-${n}`,
    title: `Story ${n}`,
    status: { ...STATUS[category], category },
    estimate: points === undefined ? {} : { storyPoints: points },
    ...patch,
  });
}

/** Story points as the board reads them: the adapter's estimate. */
export const estimateOf = (item: TrackerItem) => item.estimate.storyPoints;

/** At start: 1 (3), 2 (5), 3 (2), 4 bug (1), 5 (3). At close: 2 re-estimated to 8, 5 removed, 6 and 7 added. */
export const atStart = [
  issue(1, 'todo', 3),
  issue(2, 'todo', 5),
  issue(3, 'todo', 2),
  issue(4, 'todo', 1, { type: 'Bug' }),
  issue(5, 'todo', 3),
];
export const atClose = [
  issue(1, 'done', 3),
  issue(2, 'in_progress', 8),
  issue(3, 'done', 2),
  issue(4, 'done', 1, { type: 'Bug', title: 'Export crashes' }),
  issue(6, 'done', 2, { createdAt: '2025-03-04T10:00:00.000Z' }),
  issue(7, 'todo', undefined, { createdAt: '2025-03-10T10:00:00.000Z' }),
];
export const removed = [issue(5, 'todo', 3)];

/** Moved into the board's Done column during the sprint. */
export const finished = {
  at: '2025-03-12T12:00:00.000Z',
  from: { id: '3', name: 'In Progress' },
  to: { id: '10001', name: 'Done' },
};

export const common: Omit<SprintSummaryInput, 'snapshot' | 'history'> = {
  sprint,
  items: atClose,
  removed,
  estimateOf,
  // The board's Done column holds Done; 1, 3 and 4 got there during the sprint (6 was created after the start).
  doneStatuses: ['10001'],
  statuses: { '1': [finished], '3': [finished], '4': [finished] },
  linkedTicketsResolved: {
    '1': [
      { ticketRef: 'SUP-1', url: 'https://help.example.com/1', customerId: 'acme' },
      { ticketRef: 'SUP-2', customerId: 'globex' },
    ],
    '3': [{ ticketRef: 'SUP-2', customerId: 'globex' }],
    '2': [{ ticketRef: 'SUP-9', customerId: 'initech' }],
  },
  scores: { '1': 12.5, '3': 4, '6': 20, '2': 99 },
};

const added = (at: string, to = ['42']) => ({ at, from: [], to });

/** Sprint-field history that reproduces the same scope as the snapshot. */
export const history = {
  '1': [added('2025-02-28T12:00:00.000Z')],
  '2': [{ at: '2025-02-20T12:00:00.000Z', from: ['41'], to: ['41', '42'] }],
  '4': [added('2025-02-27T12:00:00.000Z', ['Sprint 12'])],
  '5': [added('2025-02-27T12:00:00.000Z'), { at: '2025-03-06T12:00:00.000Z', from: ['42'], to: [] }],
  '6': [added('2025-03-05T12:00:00.000Z')],
};

/** Story-point changes since the start: 2 was re-estimated from 5 to 8 during the sprint. */
export const estimates = { '2': [{ at: '2025-03-06T12:00:00.000Z', from: 5, to: 8 }] };
