import type { Rules } from '../rules/rules-schema.ts';
import type { TrackerItem } from '../trackers/tracker.ts';
import type { Actor, TrackerEvent, TrackerName } from './events.ts';
import type { JobRequest } from './job-requests.ts';
import { planJobs } from './plan-jobs.ts';

export type CatchUpEvent = Extract<TrackerEvent, { kind: 'item.updated' }>;

/** What the planners watch on an item; a catch-up cannot know which of them changed, so it reports them all. */
const EDITED_FIELDS = ['summary', 'description', 'issuetype', 'labels', 'priority'];

/**
 * The edit a lost webhook would have reported, rebuilt from the item as it is now. The status change has no
 * "from": the acceptance gate only moves an item back out of a status it has just entered, and an item found by
 * a catch-up may have been worked on for hours since.
 */
export function catchUpEvent(item: TrackerItem, by: { jobId: string; requestedBy: Actor }): CatchUpEvent {
  return {
    kind: 'item.updated',
    deliveryId: `catch-up:${by.jobId}:${item.ref.tracker}:${item.ref.id}`,
    tracker: item.ref.tracker,
    actor: by.requestedBy,
    occurredAt: item.updatedAt,
    item: item.ref,
    container: item.container,
    changes: [
      ...EDITED_FIELDS.map((field) => ({ field, from: null, to: null })),
      { field: 'status', from: null, to: item.status.name },
    ],
  };
}

/** The jobs a catch-up runs for one item: what the planners ask for when everything about it changed. */
export function catchUpJobs(
  item: TrackerItem,
  rules: Rules,
  by: { jobId: string; requestedBy: Actor },
): JobRequest[] {
  return planJobs(catchUpEvent(item, by), rules);
}

export function catchUpRequest(input: {
  tracker: TrackerName;
  containerId: string;
  since: string;
  requestedBy: Actor;
  /** Only run the checks and audit what they would write (the job data carries `dryRun` only when set). */
  dryRun?: boolean;
}): JobRequest {
  const { dryRun, ...data } = input;
  return { name: 'catch-up', data: dryRun ? { ...data, dryRun: true } : data };
}
