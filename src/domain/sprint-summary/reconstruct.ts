import type {
  EstimateChange,
  Sprint,
  SprintFieldChange,
  StatusChange,
  TrackerItem,
} from '../../trackers/tracker.ts';

export type { EstimateChange, SprintFieldChange, StatusChange };

/** Jira's changelog names sprints by id in `from`/`to` and by name in the strings; accept either. */
function names(values: readonly string[], sprint: Sprint): boolean {
  return values.some((value) => value.trim() === sprint.id || value.trim() === sprint.name);
}

/**
 * Whether the item was in the sprint at `at`, from its Sprint-field changes. Without changes we fall back to
 * `withoutHistory` (the caller knows whether the item is in the sprint now).
 */
export function wasInSprintAt(
  changes: readonly SprintFieldChange[],
  sprint: Sprint,
  at: string,
  withoutHistory: boolean,
): boolean {
  const ordered = [...changes].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const first = ordered[0];
  if (!first) return withoutHistory;
  const cutoff = Date.parse(at);
  const last = ordered.filter((change) => Date.parse(change.at) <= cutoff).at(-1);
  return last ? names(last.to, sprint) : names(first.from, sprint);
}

/**
 * Whether the item was in the sprint at its start date (`start`), by its Sprint-field history. An item created
 * after the start was not in it, whatever its history: creating an issue into a sprint writes no Sprint-field
 * change, so its first change (e.g. carried over at the close) still names the sprint as "from". An item with no
 * history was created into the sprint, or is as it was then: the caller knows it was in the sprint since.
 */
export function inSprintAtStart(
  sprint: Sprint,
  start: string,
  item: TrackerItem,
  changes: readonly SprintFieldChange[] = [],
): boolean {
  return !(Date.parse(item.createdAt) > Date.parse(start)) && wasInSprintAt(changes, sprint, start, true);
}

/**
 * When the item joined the sprint after its start (`start`), by `until` (the close; any time when undefined): the
 * last Sprint-field change that put it in, else its creation, which writes no such change. Undefined for an item
 * in the sprint since before the start.
 */
export function joinedAfterStart(
  sprint: Sprint,
  start: string,
  item: TrackerItem,
  changes: readonly SprintFieldChange[] = [],
  until?: string,
): string | undefined {
  const cutoff = until === undefined ? Number.POSITIVE_INFINITY : Date.parse(until);
  const joins = changes.filter(
    (change) => Date.parse(change.at) <= cutoff && names(change.to, sprint) && !names(change.from, sprint),
  );
  const at = joins.sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).at(-1)?.at ?? item.createdAt;
  return Date.parse(at) > Date.parse(start) ? at : undefined;
}

/**
 * When the item last left the sprint, by `until` (the close; any time when undefined): the last Sprint-field change
 * that took it out. Undefined when none did.
 */
export function leftSprintAt(
  sprint: Sprint,
  changes: readonly SprintFieldChange[] = [],
  until?: string,
): string | undefined {
  const cutoff = until === undefined ? Number.POSITIVE_INFINITY : Date.parse(until);
  return changes
    .filter(
      (change) => Date.parse(change.at) <= cutoff && names(change.from, sprint) && !names(change.to, sprint),
    )
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .at(-1)?.at;
}

/** A value (an estimate, a status) at `at`: what the first change after it changed from, else the value now. */
export function valueAt<T>(
  changes: readonly { at: string; from?: T }[],
  at: string,
  now: T | undefined,
): T | undefined {
  const cutoff = Date.parse(at);
  const next = [...changes]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .find((change) => Date.parse(change.at) > cutoff);
  return next ? next.from : now;
}

/** Where the item stood at `at`: the status the first change after it left, else its status now. */
export function statusAt(
  item: TrackerItem,
  changes: readonly StatusChange[],
  at: string,
): { id?: string; name: string } {
  return valueAt<{ id?: string; name: string }>(changes, at, item.status) ?? item.status;
}

/**
 * Committed scope without a snapshot: items whose Sprint-field history puts them in the sprint at its start.
 * One the caller reports as removed is trusted to have been in scope unless its history says otherwise.
 */
export function reconstructCommitted(
  sprint: Sprint,
  atClose: readonly TrackerItem[],
  removed: readonly TrackerItem[],
  history: Readonly<Record<string, readonly SprintFieldChange[]>>,
): TrackerItem[] {
  const start = sprint.startDate;
  if (!start) return [...atClose, ...removed];
  return [...atClose, ...removed].filter((item) =>
    inSprintAtStart(sprint, start, item, history[item.ref.id]),
  );
}
