import type { TrackerEvent } from './events.ts';

/** Every kind of work a worker does. Each job carries the event that caused it (references, not snapshots). */
export const JobName = {
  RunCommands: 'run-commands',
  CheckAcceptance: 'check-acceptance',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export type CommentEvent = Extract<TrackerEvent, { kind: 'comment.created' | 'comment.updated' }>;
export type ItemEvent = Extract<TrackerEvent, { kind: 'item.created' | 'item.updated' }>;

export interface JobDataMap {
  /** `dryRun`: compute and audit every write, send none (admin API command action). */
  'run-commands': { event: CommentEvent; dryRun?: boolean };
  'check-acceptance': { event: ItemEvent };
}

export type JobRequest = { [N in JobName]: { name: N; data: JobDataMap[N] } }[JobName];
