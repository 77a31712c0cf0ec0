import Type, { type Static } from 'typebox';
import type { Sprint, StatusCategory, TrackerItem } from '../../trackers/tracker.ts';
import { ItemRefSchema } from '../events.ts';
import {
  type EstimateChange,
  inSprintAtStart,
  type SprintFieldChange,
  type StatusChange,
  statusAt,
  valueAt,
} from './reconstruct.ts';

export const SnapshotItemSchema = Type.Object({
  ref: ItemRefSchema,
  title: Type.String(),
  url: Type.String(),
  estimate: Type.Union([Type.Number(), Type.Null()]),
  status: Type.String(),
  /** Absent in snapshots taken before status ids were kept. */
  statusId: Type.Optional(Type.String()),
  statusCategory: Type.Union([Type.Literal('todo'), Type.Literal('in_progress'), Type.Literal('done')]),
  /** Behind a security level at the start: a committed issue deleted since is still not named. */
  restricted: Type.Optional(Type.Literal(true)),
});
export type SnapshotItem = Static<typeof SnapshotItemSchema>;

/** The committed scope as it stood when the sprint started; Jira keeps no such record we can read back. */
export const ScopeSnapshotSchema = Type.Object({
  sprintId: Type.String(),
  sprintName: Type.String(),
  startDate: Type.Optional(Type.String()),
  items: Type.Array(SnapshotItemSchema),
});
export type ScopeSnapshot = Static<typeof ScopeSnapshotSchema>;

/** Changes by item id (ref.id) since the sprint's start, oldest first. */
export interface ChangesSinceStart {
  sprint?: Readonly<Record<string, readonly SprintFieldChange[]>>;
  estimates?: Readonly<Record<string, readonly EstimateChange[]>>;
  statuses?: Readonly<Record<string, readonly StatusChange[]>>;
  /** The categories of the statuses items left since the start, by status id. */
  categories?: ReadonlyMap<string, StatusCategory>;
}

/**
 * The committed scope as it stood at the sprint's start date, however late it is taken (a start processed after an
 * outage), as Jira's sprint report commits it: `items` are those in the sprint now and those that left it since
 * the start; an item is kept when its Sprint-field history puts it in the sprint then, with its estimate and its
 * status then (a status's category unknown to `categories` is taken as now). An item without changes is as it was
 * at the start.
 */
export function snapshotScope(
  sprint: Sprint,
  items: readonly TrackerItem[],
  storyPointsOf: (item: TrackerItem) => number | undefined,
  changes: ChangesSinceStart = {},
): ScopeSnapshot {
  const { startDate } = sprint;
  const atStart = (item: TrackerItem) =>
    startDate ? inSprintAtStart(sprint, startDate, item, changes.sprint?.[item.ref.id]) : true;
  const estimate = (item: TrackerItem) =>
    startDate
      ? valueAt(changes.estimates?.[item.ref.id] ?? [], startDate, storyPointsOf(item))
      : storyPointsOf(item);
  const status = (item: TrackerItem) => {
    const then = startDate ? statusAt(item, changes.statuses?.[item.ref.id] ?? [], startDate) : item.status;
    const left =
      then.id !== undefined && then.id !== item.status.id ? changes.categories?.get(then.id) : undefined;
    return {
      status: then.name,
      ...(then.id !== undefined && { statusId: then.id }),
      statusCategory: left ?? item.status.category,
    };
  };
  return {
    sprintId: sprint.id,
    sprintName: sprint.name,
    ...(startDate ? { startDate } : {}),
    items: items.filter(atStart).map((item) => ({
      ref: { ...item.ref },
      title: item.title,
      url: item.url,
      estimate: estimate(item) ?? null,
      ...status(item),
      ...(item.restricted ? { restricted: true as const } : {}),
    })),
  };
}
