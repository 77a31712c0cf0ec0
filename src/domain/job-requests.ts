import type { ItemScope } from '../trackers/tracker.ts';
import type { Actor, TrackerEvent, TrackerName } from './events.ts';

/** Every kind of work a worker does. Each job carries the event that caused it (references, not snapshots). */
export const JobName = {
  RunCommands: 'run-commands',
  CheckAcceptance: 'check-acceptance',
  ScoreItem: 'score-item',
  RescoreScope: 'rescore-scope',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export type CommentEvent = Extract<TrackerEvent, { kind: 'comment.created' | 'comment.updated' }>;
export type ItemEvent = Extract<TrackerEvent, { kind: 'item.created' | 'item.updated' }>;
export type ScoreEvent = Extract<
  TrackerEvent,
  { kind: 'item.created' | 'item.updated' | 'link.created' | 'link.deleted' }
>;

export interface JobDataMap {
  /** `dryRun`: compute and audit every write, send none (admin API command action). */
  'run-commands': { event: CommentEvent; dryRun?: boolean };
  'check-acceptance': { event: ItemEvent };
  'score-item': { event: ScoreEvent };
  /** Re-scores every item of a project, board or query; `force` rewrites even unchanged scores. */
  'rescore-scope': { tracker: TrackerName; scope: ItemScope; requestedBy: Actor; force: boolean };
}

export type JobRequest = { [N in JobName]: { name: N; data: JobDataMap[N] } }[JobName];
