import Type, { type Static } from 'typebox';
import type { Sprint, TrackerItem } from '../../trackers/tracker.ts';
import { ItemRefSchema } from '../events.ts';

export const SnapshotItemSchema = Type.Object({
  ref: ItemRefSchema,
  title: Type.String(),
  url: Type.String(),
  estimate: Type.Union([Type.Number(), Type.Null()]),
  status: Type.String(),
  statusCategory: Type.Union([Type.Literal('todo'), Type.Literal('in_progress'), Type.Literal('done')]),
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

export function snapshotScope(
  sprint: Sprint,
  items: readonly TrackerItem[],
  storyPointsOf: (item: TrackerItem) => number | undefined,
): ScopeSnapshot {
  return {
    sprintId: sprint.id,
    sprintName: sprint.name,
    ...(sprint.startDate ? { startDate: sprint.startDate } : {}),
    items: items.map((item) => ({
      ref: { ...item.ref },
      title: item.title,
      url: item.url,
      estimate: storyPointsOf(item) ?? null,
      status: item.status.name,
      statusCategory: item.status.category,
    })),
  };
}
