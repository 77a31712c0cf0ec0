import type { TrackerEvent } from './events.ts';

/** Every kind of work a worker does. Each job carries the event that caused it (references, not snapshots). */
export const JobName = {
  RunCommands: 'run-commands',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export type CommentEvent = Extract<TrackerEvent, { kind: 'comment.created' | 'comment.updated' }>;

export interface JobDataMap {
  'run-commands': { event: CommentEvent };
}

export type JobRequest = { [N in JobName]: { name: N; data: JobDataMap[N] } }[JobName];
