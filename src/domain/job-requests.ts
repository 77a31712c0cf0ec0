import type { ItemScope } from '../trackers/tracker.ts';
import type { Actor, TrackerEvent, TrackerName } from './events.ts';
import type { SummaryRequest } from './sprint-summary/plan-summaries.ts';

/** Every kind of work a worker does. Each job carries the event that caused it (references, not snapshots). */
export const JobName = {
  RunCommands: 'run-commands',
  CheckAcceptance: 'check-acceptance',
  CheckChecklist: 'check-checklist',
  ScoreItem: 'score-item',
  RescoreScope: 'rescore-scope',
  IndexItem: 'index-item',
  LinkTicket: 'link-ticket',
  NotifyResolution: 'notify-resolution',
  LearnLink: 'learn-link',
  BackfillIndex: 'backfill-index',
  CatchUp: 'catch-up',
  ReconcileRemoteLinks: 'reconcile-remote-links',
  SnapshotSprint: 'snapshot-sprint',
  PostSprintSummary: 'post-sprint-summary',
  UnplannedDelivery: 'unplanned-delivery',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

export type CommentEvent = Extract<TrackerEvent, { kind: 'comment.created' | 'comment.updated' }>;
export type ItemEvent = Extract<TrackerEvent, { kind: 'item.created' | 'item.updated' }>;
export type ScoreEvent = Extract<
  TrackerEvent,
  { kind: 'item.created' | 'item.updated' | 'link.created' | 'link.deleted' }
>;
export type LinkEvent = Extract<TrackerEvent, { kind: 'link.created' | 'link.deleted' }>;
export type ChecklistEvent = Extract<TrackerEvent, { kind: 'checklist.updated' }>;
export type SprintEvent = Extract<TrackerEvent, { kind: 'sprint.started' | 'sprint.closed' }>;

export type IndexEvent = Extract<TrackerEvent, { kind: 'item.created' | 'item.updated' | 'item.deleted' }>;

export interface JobDataMap {
  /**
   * `dryRun`: compute and audit every write, send none (admin API command action). `byOperator`: the admin API
   * asked, so the commands run with the service's rights instead of a commenter's.
   */
  'run-commands': { event: CommentEvent; dryRun?: boolean; byOperator?: boolean };
  'check-acceptance': { event: ItemEvent };
  /** A checklist changed in a delivery that names no card: its card is checked again. */
  'check-checklist': { event: ChecklistEvent };
  'score-item': { event: ScoreEvent };
  /**
   * Re-scores every item of a project, board or query; `force` rewrites even unchanged scores; `dryRun` previews
   * (counts and audits the writes, sends none); `quiet` writes the score fields only, no scorecard comment.
   */
  'rescore-scope': {
    tracker: TrackerName;
    scope: ItemScope;
    requestedBy: Actor;
    force: boolean;
    dryRun?: boolean;
    quiet?: boolean;
  };
  'index-item': { event: IndexEvent };
  /**
   * `ifReopened`: planned for a status change alone, which is news for matching only when it reopened the ticket
   * (an ordinary transition of an open ticket changes nothing the service wrote).
   */
  'link-ticket': { event: ItemEvent; ifReopened?: true };
  'notify-resolution': { event: ItemEvent };
  /** A person linked (or unlinked) two issues in the tracker: a support ticket's words follow its links. */
  'learn-link': { event: LinkEvent };
  /** Fills the link index from Jira projects / Trello boards (admin API). */
  'backfill-index': { targets: { tracker: TrackerName; containerId: string }[]; requestedBy: Actor };
  /**
   * Re-runs what webhooks would have for the items changed since `since` (ISO), after lost deliveries; `dryRun`
   * previews (audits the writes, sends none).
   */
  'catch-up': {
    tracker: TrackerName;
    containerId: string;
    since: string;
    requestedBy: Actor;
    dryRun?: boolean;
  };
  /**
   * Re-reads the Jira tickets the service holds links to Trello cards for (remote links), a page of records at a
   * time, and settles the links people removed: Jira sends no event for that.
   */
  'reconcile-remote-links': { trigger: 'schedule' };
  'snapshot-sprint': { event: SprintEvent };
  /** `event` when a tracker event caused it; schedules, commands and the admin API send only the request. */
  'post-sprint-summary': { request: SummaryRequest; event?: SprintEvent };
  /**
   * A stored delivery the workers could not turn into jobs (a bug, not a passing failure: planning is pure). It
   * ends as a failed job holding the delivery and the reason, so the intake stream moves on and nothing is silent.
   */
  'unplanned-delivery': { tracker: TrackerName; deliveryKey: string; reason: string; body: string };
}

/**
 * `subject`: the item a job is about when one delivery plans the same job for two items (Trello's "Convert to
 * card"); part of the job id, so neither job takes the other's place.
 */
export type JobRequest = { [N in JobName]: { name: N; data: JobDataMap[N]; subject?: string } }[JobName];
