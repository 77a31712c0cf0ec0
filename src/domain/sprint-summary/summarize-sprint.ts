import type { Sprint, TrackerItem } from '../../trackers/tracker.ts';
import type { Evidence } from '../scoring/types.ts';
import { customerImpact, scopeOf, summaryItem, sumPoints, topDelivered } from './delivered.ts';
import {
  type EstimateChange,
  estimateAt,
  reconstructCommitted,
  type SprintFieldChange,
} from './reconstruct.ts';
import type { ScopeSnapshot, SnapshotItem } from './snapshot.ts';
import type { Destination, ReEstimate, SprintStats, SummaryItem } from './types.ts';

export interface SprintSummaryInput {
  sprint: Sprint;
  /** Taken at sprint start by snapshotScope; without it committed scope is reconstructed from history. */
  snapshot?: ScopeSnapshot;
  /** The sprint's items at close. */
  items: readonly TrackerItem[];
  /** Sprint-field changes by item id (ref.id), oldest first. */
  history?: Readonly<Record<string, readonly SprintFieldChange[]>>;
  /**
   * Story-point changes by item id, oldest first, of the items changed since the close (without a snapshot: since
   * the start). A closed sprint counts the estimates at its close and, without a snapshot, commits those at its
   * start, as Jira's sprint report does; an item without changes is sized as it was then.
   */
  estimates?: Readonly<Record<string, readonly EstimateChange[]>>;
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
      estimateAt(input.estimates?.[item.ref.id] ?? [], start, estimateOf(item)),
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

/**
 * Whether the sprint delivered the item: done, and for a closed sprint done by its close, as Jira's sprint report
 * counts. An issue carried over and finished later belongs to the sprint it was finished in, even when this
 * summary is re-run after that. Without the date of the last category change, done now counts.
 */
export function completedIn(sprint: Sprint, item: TrackerItem): boolean {
  if (item.status.category !== 'done') return false;
  const close = sprint.state === 'closed' ? sprint.completeDate : undefined;
  const since = item.status.categorySince;
  return !close || !since || Date.parse(since) <= Date.parse(close);
}

/**
 * Done before the sprint started: Jira's velocity leaves it out of the commitment and its sprint report lists it
 * as completed outside the sprint, never as completed in it. The category date decides; without it, the snapshot
 * taken at the start.
 */
function doneBeforeStart(sprint: Sprint, item: TrackerItem, atStart: SnapshotItem | undefined): boolean {
  if (item.status.category !== 'done' || !sprint.startDate) return false;
  const since = item.status.categorySince;
  return since ? Date.parse(since) <= Date.parse(sprint.startDate) : atStart?.statusCategory === 'done';
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
  const atStart = new Map((input.snapshot?.items ?? []).map((entry) => [entry.ref.id, entry]));
  const outsideItems = input.items.filter((item) => doneBeforeStart(sprint, item, atStart.get(item.ref.id)));
  // One that left the sprint since was not committed either; one deleted since is judged by the snapshot alone.
  const fetched = new Set([...input.items, ...(input.removed ?? [])].map((item) => item.ref.id));
  const leftDoneAtStart = [
    ...(input.removed ?? []).filter((item) => doneBeforeStart(sprint, item, atStart.get(item.ref.id))),
    ...[...atStart.values()].filter((e) => !fetched.has(e.ref.id) && e.statusCategory === 'done'),
  ];
  const outsideIds = new Set([...outsideItems, ...leftDoneAtStart].map((item) => item.ref.id));
  const inSprint = (item: { ref: { id: string } }) => !outsideIds.has(item.ref.id);
  const fullScope = committedScope(input);
  const scope = { ...fullScope, committed: fullScope.committed.filter(inSprint) };
  const committedIds = new Set(scope.committed.map((item) => item.ref.id));
  const atCloseIds = new Set(input.items.map((item) => item.ref.id));
  // Re-sized since the close (for the next sprint): the closed sprint counted the estimates it had then.
  const close = sprint.state === 'closed' ? sprint.completeDate : undefined;
  const pointsOf = (item: TrackerItem) =>
    close ? estimateAt(input.estimates?.[item.ref.id] ?? [], close, estimateOf(item)) : estimateOf(item);
  const view = (item: TrackerItem) => summaryItem(item, pointsOf(item));
  const atClose = input.items.filter(inSprint).map(view);
  const doneItems = input.items.filter((item) => inSprint(item) && completedIn(sprint, item));
  const done = doneItems.map(view);
  const doneIds = new Set(done.map((item) => item.ref.id));
  const removedDetails = new Map((input.removed ?? []).map((item) => [item.ref.id, view(item)]));
  // In and out again after the start: part of the scope change both ways, as Jira's sprint report counts it.
  const passedThrough = (input.removed ?? [])
    .filter((item) => inSprint(item) && !committedIds.has(item.ref.id) && !atCloseIds.has(item.ref.id))
    .map(view);
  const approximate = scope.approximate;
  return {
    name: sprint.name,
    ...(sprint.startDate ? { start: sprint.startDate } : {}),
    ...((sprint.completeDate ?? sprint.endDate) ? { end: sprint.completeDate ?? sprint.endDate } : {}),
    ...(sprint.goal ? { goal: sprint.goal } : {}),
    committed: scopeOf(scope.committed, approximate),
    completed: scopeOf(done, false),
    completionRate: completionRate(scope.committed, doneIds, approximate),
    done: { items: done, approximate: false },
    completedOutside: { items: outsideItems.map(view), approximate: false },
    carriedOver: {
      items: input.items
        .filter((item) => inSprint(item) && !doneIds.has(item.ref.id))
        .map((item) => {
          const movedTo = destination(sprint, item);
          return { ...view(item), ...(movedTo && { movedTo }) };
        }),
      approximate: false,
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
    ...(scope.startEstimates ? { reEstimated: reEstimates(scope.startEstimates, atClose) } : {}),
    bugsFixed: {
      items: doneItems.filter((item) => isBug(item, input.bugTypes ?? ['Bug'])).map(view),
      approximate: false,
    },
    customerImpact: customerImpact(done, input.linkedTicketsResolved),
    topDelivered: topDelivered(done, input.scores ?? {}),
    notes: scope.notes,
  };
}
