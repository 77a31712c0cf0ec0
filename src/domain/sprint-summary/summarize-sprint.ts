import type { Sprint, TrackerItem } from '../../trackers/tracker.ts';
import type { Evidence } from '../scoring/types.ts';
import { customerImpact, scopeOf, summaryItem, sumPoints, topDelivered } from './delivered.ts';
import {
  type EstimateChange,
  joinedAfterStart,
  leftSprintAt,
  reconstructCommitted,
  type SprintFieldChange,
  type StatusChange,
  statusAt,
  valueAt,
} from './reconstruct.ts';
import type { ScopeSnapshot, SnapshotItem } from './snapshot.ts';
import type { Destination, ReEstimate, SprintStats, SummaryItem } from './types.ts';

export interface SprintSummaryInput {
  sprint: Sprint;
  /** Taken at sprint start by snapshotScope; without it committed scope is reconstructed from history. */
  snapshot?: ScopeSnapshot;
  /** The sprint's items at close. */
  items: readonly TrackerItem[];
  /**
   * Sprint-field changes by item id (ref.id), oldest first: without a snapshot, the committed scope is rebuilt from
   * them; they also tell when an item added after the start joined (an item without changes was created into it).
   */
  history?: Readonly<Record<string, readonly SprintFieldChange[]>>;
  /**
   * Story-point changes by item id, oldest first, of the items changed since the close (without a snapshot: since
   * the start), of the items added after the start and of those removed. A closed sprint counts the estimates at its
   * close (a removed item: when it left) and, without a snapshot, commits those at its start, as Jira's sprint report
   * does, which shows the estimate change of an item added after the start from the estimate it joined with; an item
   * without changes is sized as it was then.
   */
  estimates?: Readonly<Record<string, readonly EstimateChange[]>>;
  /**
   * The statuses of the board's Done column, its right-most with statuses mapped: an item there at the close is
   * complete, as Jira's sprint report, velocity and burndown count, whatever its status category. Absent or empty:
   * the board's columns could not be read, and the Done status category decides (a note says so, and the figures
   * it decides are marked approximate).
   */
  doneStatuses?: readonly string[];
  /**
   * Status changes by item id, oldest first, of the items whose history was read (as `estimates`, and the items
   * added after a snapshot's start); an item without changes stood where it stands now.
   */
  statuses?: Readonly<Record<string, readonly StatusChange[]>>;
  /**
   * Items the sprint held at some time since its start and holds no more, fetched by the caller: those committed
   * and those added after the start, which Jira's sprint report lists as removed too, marked so. Without a
   * snapshot and without them, what left the sprint is unknown: Jira lists a sprint's issues as they are now.
   */
  removed?: readonly TrackerItem[];
  /** Support tickets linked to each item (by ref.id) that are resolved. */
  linkedTicketsResolved: Readonly<Record<string, readonly Evidence[]>>;
  /** Priority score by item id. */
  scores?: Readonly<Record<string, number>>;
  estimateOf(item: TrackerItem): number | undefined;
  /** Issue types counted as bugs (rules: bugTypes). */
  bugTypes?: readonly string[];
}

interface Scope {
  committed: SummaryItem[];
  /** Estimate at start by item id; undefined when unknown. */
  startEstimates?: ReadonlyMap<string, number | undefined>;
  approximate: boolean;
  notes: string[];
}

const RECONSTRUCTED =
  'No scope snapshot was taken when the sprint started: committed scope is reconstructed from the issues’ changelogs.';
const NO_START = 'The sprint has no start date: every item seen in it counts as committed.';
const BY_CATEGORY =
  'The board’s columns could not be read: completed counts the items in a Done-category status, where Jira’s sprint report counts those in the board’s right-most column.';

function committedScope(input: SprintSummaryInput): Scope {
  const { snapshot, sprint, estimateOf } = input;
  if (snapshot) {
    return {
      committed: snapshot.items.map((entry) => summaryItem(entry, entry.estimate)),
      startEstimates: new Map(snapshot.items.map((entry) => [entry.ref.id, entry.estimate ?? undefined])),
      approximate: false,
      notes: [],
    };
  }
  const items = reconstructCommitted(sprint, input.items, input.removed ?? [], input.history ?? {});
  const start = sprint.startDate;
  if (!start) {
    return {
      committed: items.map((item) => summaryItem(item, estimateOf(item))),
      approximate: true,
      notes: [NO_START],
    };
  }
  const atStart = new Map(
    items.map((item) => [
      item.ref.id,
      valueAt(input.estimates?.[item.ref.id] ?? [], start, estimateOf(item)),
    ]),
  );
  return {
    committed: items.map((item) => summaryItem(item, atStart.get(item.ref.id))),
    startEstimates: atStart,
    approximate: true,
    notes: [RECONSTRUCTED],
  };
}

function completionRate(
  committed: readonly SummaryItem[],
  completedIds: ReadonlySet<string>,
  approximate: boolean,
): SprintStats['completionRate'] {
  if (committed.length === 0) return undefined;
  const delivered = committed.filter((item) => completedIds.has(item.ref.id));
  const total = sumPoints(committed);
  if (total !== undefined && total > 0) {
    return { value: (sumPoints(delivered) ?? 0) / total, approximate, basis: 'points' };
  }
  return { value: delivered.length / committed.length, approximate, basis: 'count' };
}

function reEstimates(
  before: ReadonlyMap<string, number | undefined>,
  atClose: readonly SummaryItem[],
): ReEstimate[] {
  return atClose.flatMap((item) => {
    if (!before.has(item.ref.id)) return [];
    const from = before.get(item.ref.id);
    return from === item.points ? [] : [{ item, from, to: item.points }];
  });
}

/** What decides whether an item is complete: the sprint, the board's Done column and the items' status changes. */
export type Completion = Pick<SprintSummaryInput, 'sprint' | 'doneStatuses' | 'statuses'>;

const doneColumn = ({ doneStatuses }: Completion) =>
  doneStatuses && doneStatuses.length > 0 ? new Set(doneStatuses) : undefined;

/** Whether the item's status at `at` (now when undefined) is one of the Done column's. */
function inColumn(column: ReadonlySet<string>, input: Completion, item: TrackerItem, at?: string): boolean {
  const status = at ? statusAt(item, input.statuses?.[item.ref.id] ?? [], at).id : item.status.id;
  return status !== undefined && column.has(status);
}

/**
 * Whether the sprint delivered the item: in the board's Done column at the close (now, while the sprint is open),
 * as Jira's sprint report counts. An issue carried over and finished later belongs to the sprint it was finished
 * in, even when this summary is re-run after that. Without the board's columns, the Done category by the close
 * decides (without the date of the last category change, done now counts).
 */
export function completedIn(input: Completion, item: TrackerItem): boolean {
  const close = input.sprint.state === 'closed' ? input.sprint.completeDate : undefined;
  const column = doneColumn(input);
  if (column) return inColumn(column, input, item, close);
  if (item.status.category !== 'done') return false;
  const since = item.status.categorySince;
  return !close || !since || Date.parse(since) <= Date.parse(close);
}

/**
 * Whether a snapshot entry was complete at the start: in the board's Done column then; without the columns (or a
 * snapshot kept before status ids were), in the Done category.
 */
export function completeAtStart(entry: SnapshotItem, doneStatuses: readonly string[] = []): boolean {
  return doneStatuses.length > 0 && entry.statusId !== undefined
    ? doneStatuses.includes(entry.statusId)
    : entry.statusCategory === 'done';
}

/**
 * Complete before the sprint started: Jira's velocity leaves it out of the commitment and its sprint report lists
 * it as completed outside the sprint, never as completed in it. The status at the start decides, from the snapshot
 * or the status changes (an item created since was not complete then); without the board's columns, the category
 * date, else the snapshot.
 */
function doneBeforeStart(input: Completion, item: TrackerItem, atStart: SnapshotItem | undefined): boolean {
  const start = input.sprint.startDate;
  if (!start) return false;
  const column = doneColumn(input);
  if (column && atStart?.statusId !== undefined) return completeAtStart(atStart, input.doneStatuses);
  if (column && !atStart) {
    return !(Date.parse(item.createdAt) > Date.parse(start)) && inColumn(column, input, item, start);
  }
  if (item.status.category !== 'done') return false;
  const since = item.status.categorySince;
  return since ? Date.parse(since) <= Date.parse(start) : atStart?.statusCategory === 'done';
}

/**
 * Complete when it joined the sprint after the start (`joined`): Jira's sprint report lists it as completed outside
 * the sprint, marked as added after the start, never as completed in it. Without the board's columns, in the Done
 * category since then. Told only of an item whose status changes were read: its status then is unknown otherwise.
 */
function doneWhenAdded(input: Completion, item: TrackerItem, joined: string | undefined): boolean {
  if (joined === undefined || !input.statuses?.[item.ref.id]) return false;
  const column = doneColumn(input);
  if (column) return inColumn(column, input, item, joined);
  const since = item.status.categorySince;
  return item.status.category === 'done' && since !== undefined && Date.parse(since) <= Date.parse(joined);
}

/**
 * Where an open item went when the sprint closed: Jira keeps the closed sprint in its Sprint field and lists the
 * sprint it moved to after it; none means the backlog.
 */
function destination(sprint: Sprint, item: TrackerItem): Destination | undefined {
  if (sprint.state !== 'closed' || !item.sprints) return undefined;
  const at = item.sprints.findIndex((listed) => listed.id === sprint.id);
  const next = at < 0 ? undefined : item.sprints[at + 1];
  return next ? { kind: 'sprint', name: next.name } : { kind: 'backlog' };
}

function isBug(item: TrackerItem, bugTypes: readonly string[]): boolean {
  const type = item.type?.trim().toLowerCase();
  return bugTypes.some((bug) => bug.trim().toLowerCase() === type);
}

/** Jira's sprint report, rebuilt from what the public API gives: committed, done, carried, added, removed. */
export function summarizeSprint(input: SprintSummaryInput): SprintStats {
  const { sprint, estimateOf } = input;
  const close = sprint.state === 'closed' ? sprint.completeDate : undefined;
  const atStart = new Map((input.snapshot?.items ?? []).map((entry) => [entry.ref.id, entry]));
  const fullScope = committedScope(input);
  const committedAtStart = new Set(fullScope.committed.map((item) => item.ref.id));
  const joined = (item: TrackerItem) =>
    sprint.startDate && !committedAtStart.has(item.ref.id)
      ? joinedAfterStart(sprint, sprint.startDate, item, input.history?.[item.ref.id], close)
      : undefined;
  const outsideItems = input.items.filter(
    (item) =>
      doneBeforeStart(input, item, atStart.get(item.ref.id)) || doneWhenAdded(input, item, joined(item)),
  );
  // One that left the sprint since was not committed either; one deleted since is judged by the snapshot alone.
  const fetched = new Set([...input.items, ...(input.removed ?? [])].map((item) => item.ref.id));
  const leftDoneAtStart = [
    ...(input.removed ?? []).filter((item) => doneBeforeStart(input, item, atStart.get(item.ref.id))),
    ...[...atStart.values()].filter((e) => !fetched.has(e.ref.id) && completeAtStart(e, input.doneStatuses)),
  ];
  const outsideIds = new Set([...outsideItems, ...leftDoneAtStart].map((item) => item.ref.id));
  const inSprint = (item: { ref: { id: string } }) => !outsideIds.has(item.ref.id);
  const scope = { ...fullScope, committed: fullScope.committed.filter(inSprint) };
  const committedIds = new Set(scope.committed.map((item) => item.ref.id));
  const atCloseIds = new Set(input.items.map((item) => item.ref.id));
  // Re-sized since the close (for the next sprint): the closed sprint counted the estimates it had then.
  const pointsOf = (item: TrackerItem) =>
    close ? valueAt(input.estimates?.[item.ref.id] ?? [], close, estimateOf(item)) : estimateOf(item);
  const view = (item: TrackerItem) => summaryItem(item, pointsOf(item));
  const atClose = input.items.filter(inSprint).map(view);
  const doneItems = input.items.filter((item) => inSprint(item) && completedIn(input, item));
  const done = doneItems.map(view);
  const doneIds = new Set(done.map((item) => item.ref.id));
  // Gone before the close: counted with the estimate it left with; a re-sizing since is not this sprint's.
  const viewLeft = (item: TrackerItem) => {
    const left = leftSprintAt(sprint, input.history?.[item.ref.id], close);
    const estimates = input.estimates?.[item.ref.id] ?? [];
    return left ? summaryItem(item, valueAt(estimates, left, estimateOf(item))) : view(item);
  };
  const removedDetails = new Map((input.removed ?? []).map((item) => [item.ref.id, viewLeft(item)]));
  // In and out again after the start: part of the scope change both ways, as Jira's sprint report counts it.
  const passedThrough = (input.removed ?? [])
    .filter((item) => inSprint(item) && !committedIds.has(item.ref.id) && !atCloseIds.has(item.ref.id))
    .map(viewLeft);
  // Added after the start: Jira's sprint report shows an estimate change from the estimate the item joined with.
  const whenAdded = input.items.flatMap((item) => {
    const at = joined(item);
    return at
      ? [[item.ref.id, valueAt(input.estimates?.[item.ref.id] ?? [], at, estimateOf(item))] as const]
      : [];
  });
  const approximate = scope.approximate;
  // Without the board's columns, what counts as complete may differ from Jira's report.
  const byCategory = !doneColumn(input);
  return {
    name: sprint.name,
    ...(sprint.startDate ? { start: sprint.startDate } : {}),
    ...((sprint.completeDate ?? sprint.endDate) ? { end: sprint.completeDate ?? sprint.endDate } : {}),
    ...(sprint.goal ? { goal: sprint.goal } : {}),
    committed: scopeOf(scope.committed, approximate),
    completed: scopeOf(done, byCategory),
    completionRate: completionRate(scope.committed, doneIds, approximate || byCategory),
    done: { items: done, approximate: byCategory },
    completedOutside: {
      items: outsideItems.map((item) => ({
        ...view(item),
        ...(joined(item) && { addedAfterStart: true as const }),
      })),
      approximate: byCategory,
    },
    carriedOver: {
      items: input.items
        .filter((item) => inSprint(item) && !doneIds.has(item.ref.id))
        .map((item) => {
          const movedTo = destination(sprint, item);
          return { ...view(item), ...(movedTo && { movedTo }) };
        }),
      approximate: byCategory,
    },
    added: {
      items: [...atClose.filter((item) => !committedIds.has(item.ref.id)), ...passedThrough],
      approximate,
    },
    ...((input.snapshot || input.removed) && {
      removed: {
        items: [
          ...scope.committed
            .filter((item) => !atCloseIds.has(item.ref.id))
            .map((item) => removedDetails.get(item.ref.id) ?? item),
          ...passedThrough.map((item): SummaryItem => ({ ...item, addedAfterStart: true })),
        ],
        approximate,
      },
    }),
    ...(scope.startEstimates && {
      reEstimated: reEstimates(new Map([...scope.startEstimates, ...whenAdded]), atClose),
    }),
    bugsFixed: {
      items: doneItems.filter((item) => isBug(item, input.bugTypes ?? ['Bug'])).map(view),
      approximate: byCategory,
    },
    customerImpact: customerImpact(done, input.linkedTicketsResolved),
    topDelivered: topDelivered(done, input.scores ?? {}),
    notes: [...scope.notes, ...(byCategory ? [BY_CATEGORY] : [])],
  };
}
