import Type, { type Static } from 'typebox';
import type { AuditEntry } from '../audit/audit-entry.ts';
import type { DeclineReason } from '../domain/commands/command-results.ts';
import type { Doc } from '../domain/doc.ts';
import { type ItemRef, type TrackerName, TrackerNameSchema } from '../domain/events.ts';
import type { InputSource } from '../domain/scoring/types.ts';
import type { RateLimitScope } from '../errors.ts';
import type { ScheduledRun } from '../queue/jobs.ts';

/**
 * What the console pages read and do. Pages never call Jira or Trello: every query answers from the read model
 * the workers keep in Redis (written by the jobs that write the trackers), every action enqueues a job through
 * the same command path as a comment, audited with the person's name (`console: ada`).
 */

/** `jira:10000` / `trello:5f1c...`: a Jira project or Trello board, by tracker and container id. */
export const ContainerIdSchema = Type.String({ pattern: '^(jira|trello):[^\\s]+$', maxLength: 200 });
export type ContainerId = Static<typeof ContainerIdSchema>;

export interface ContainerView {
  id: ContainerId;
  tracker: TrackerName;
  /** Jira project key, Trello board short link (or id when unknown). */
  key: string;
  /** What pages call it: a Trello board's name (its short link when the name is unknown), a Jira project's key. */
  name: string;
  role: 'backlog' | 'support';
  /** Items of the container in the read model. */
  items: number;
  /** Of those, the ones failing their acceptance check (missing criteria, or another section of their template). */
  failing: number;
}

/** An item of a tracker as pages show it; `url` is http(s) only (absent otherwise). */
export interface ItemBrief {
  tracker: TrackerName;
  id: string;
  key: string;
  title: string;
  url?: string;
}

// ---------------------------------------------------------------- backlog

export const BACKLOG_SORT_KEYS = [
  'score',
  'key',
  'title',
  'type',
  'reach',
  'impact',
  'confidence',
  'effort',
  'customers',
  'acceptance',
  'scoredAt',
] as const;
export type BacklogSortKey = (typeof BACKLOG_SORT_KEYS)[number];

/**
 * The direction of a sort whose query names none, and of a column heading's first click: text A to Z, the
 * cheapest effort first, failing acceptance first, the other figures and times highest first.
 */
export const BACKLOG_DEFAULT_DIRECTION: Record<BacklogSortKey, 'asc' | 'desc'> = {
  score: 'desc',
  key: 'asc',
  title: 'asc',
  type: 'asc',
  reach: 'desc',
  impact: 'desc',
  confidence: 'desc',
  effort: 'asc',
  customers: 'desc',
  acceptance: 'desc',
  scoredAt: 'desc',
};

/** The backlog view: querystring of the page and of the CSV export. */
export const BacklogQuerySchema = Type.Object(
  {
    /** One container; absent = all backlog containers together. */
    container: Type.Optional(ContainerIdSchema),
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Issue type, exact' })),
    failing: Type.Optional(Type.Boolean({ description: 'Only items failing their acceptance check' })),
    customers: Type.Optional(Type.Boolean({ description: 'Only items with customer evidence' })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Text in the title (case-insensitive)' })),
    sort: Type.Optional(Type.Enum(BACKLOG_SORT_KEYS, { default: 'score' })),
    dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
export type BacklogQuery = Static<typeof BacklogQuerySchema>;

/** RICE: reach, impact, confidence, effort; WSJF: businessValue, timeCriticality, riskReduction, jobSize. */
export type ScoreInputName =
  | 'reach'
  | 'impact'
  | 'confidence'
  | 'effort'
  | 'businessValue'
  | 'timeCriticality'
  | 'riskReduction'
  | 'jobSize';

export interface ScoreInputView {
  value: number;
  source: InputSource;
  /** As in the scorecard, e.g. "priority High → 4": in the item view (`ItemDetail.row`), not in list rows. */
  detail?: string;
  by?: string;
}

export type AcceptanceStatus = 'passes' | 'fails' | 'skipped' | 'unchecked';

export interface BacklogRow extends ItemBrief {
  container: ContainerId;
  containerKey: string;
  /** As `ContainerView.name`. */
  containerName: string;
  type?: string;
  status?: string;
  score: number;
  model: 'rice' | 'wsjf';
  inputs: Partial<Record<ScoreInputName, ScoreInputView>>;
  /** Distinct customers behind the item (a ticket without customer counts on its own). */
  customers: number;
  acceptance: { status: AcceptanceStatus; findings: string[] };
  /** ISO time of the last scoring. */
  scoredAt: string;
}

export interface BacklogPage {
  rows: BacklogRow[];
  /** Items matching the filter. */
  total: number;
  offset: number;
  limit: number;
  /** The next page's offset, absent on the last page. */
  nextOffset?: number;
}

export interface LinkedTicket extends ItemBrief {
  customer?: string;
  how: 'auto' | 'command' | 'tracker';
  confidence?: number;
}

export interface AcceptanceFindingView {
  name: string;
  severity: 'error' | 'warning';
  message: string;
  fix: string;
  line?: number;
  excerpt?: string;
}

export interface ActivityEntry {
  entry: AuditEntry;
  /** Audit entries of one change share it; `/undo` undoes the item's latest change. */
  change: string;
  /** The latest not yet undone change of the item the entry belongs to. */
  undoable: boolean;
}

export interface ItemDetail {
  row: BacklogRow;
  /** The scorecard comment's content (renderers in src/domain/scoring/render.ts). */
  scorecard: Doc;
  acceptance: {
    status: AcceptanceStatus;
    template?: string;
    findings: AcceptanceFindingView[];
    skipped?: { reason: string; by: string; at: string };
    checkedAt?: string;
  };
  tickets: LinkedTicket[];
  /** Newest first. */
  history: ActivityEntry[];
}

// ---------------------------------------------------------------- triage

/** Tickets on a page of the triage inbox unless a `limit` asks for another number. */
export const TRIAGE_PAGE_SIZE = 25;
export const TriageQuerySchema = Type.Object(
  {
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: TRIAGE_PAGE_SIZE })),
  },
  { additionalProperties: false },
);
export type TriageQuery = Static<typeof TriageQuerySchema>;

/** `gone`: the item left the backlog since it was suggested (deleted, archived, moved out of it). */
export type SuggestionState = 'pending' | 'confirmed' | 'rejected' | 'gone';

export interface SuggestionView {
  item: ItemBrief;
  /** Calibrated probability (0–1). */
  confidence: number;
  /** Words the ticket and the item share, most decisive first. */
  sharedTerms: string[];
  /** The earlier linked ticket whose words the item matched through; `url` is http(s) only (absent otherwise). */
  via?: Pick<ItemBrief, 'key' | 'url'>;
  state: SuggestionState;
}

export interface TriageTicket extends ItemBrief {
  container: ContainerId;
  containerKey: string;
  /** As `ContainerView.name`. */
  containerName: string;
  customer?: string;
  createdAt: string;
  /** Best first. */
  suggestions: SuggestionView[];
}

export interface TriagePage {
  tickets: TriageTicket[];
  /** Tickets waiting (the navigation's count). */
  total: number;
  offset: number;
  limit: number;
  nextOffset?: number;
}

// ---------------------------------------------------------------- acceptance health

export interface WeekShare {
  /** ISO date of the week's Monday (UTC). */
  week: string;
  checked: number;
  failing: number;
  /** failing / checked, 0 when nothing was checked. */
  share: number;
}

export interface AcceptanceHealth {
  container: ContainerView;
  checked: number;
  failing: number;
  /** Most frequent finding first; an item failing with two findings is in both groups. */
  byFinding: { finding: string; count: number; items: ItemBrief[] }[];
  /** The last 12 weeks, oldest first, the current week last. */
  weekly: WeekShare[];
}

// ---------------------------------------------------------------- sprints

export interface SprintFigures {
  committed?: number;
  completed: number;
  carriedOver: number;
  added: number;
  removed?: number;
  /** Story points, when the sprint had estimates. */
  committedPoints?: number;
  completedPoints?: number;
}

export interface SprintRecord {
  /** Jira sprint id; Trello: the window's summary key. */
  id: string;
  name: string;
  start?: string;
  end?: string;
  figures: SprintFigures;
  /** The posted summary as plain text. */
  summaryText: string;
  /** Key of the tracker item the summary was posted as (or on). */
  summaryKey?: string;
  summaryUrl?: string;
  postedAt: string;
}

export interface BurnUpPoint {
  at: string;
  /** Items (or points, see unit) in the sprint then. */
  scope: number;
  done: number;
}

export interface BurnUp {
  sprintId: string;
  name: string;
  start?: string;
  end?: string;
  unit: 'points' | 'items';
  /** From the start snapshot to now, oldest first. */
  points: BurnUpPoint[];
}

export interface BoardView {
  id: ContainerId;
  tracker: TrackerName;
  name: string;
}

export interface SprintsView {
  board: BoardView;
  /** The last 10, oldest first. */
  sprints: SprintRecord[];
  active?: BurnUp;
}

// ---------------------------------------------------------------- activity

export const ActivityQuerySchema = Type.Object(
  {
    tracker: Type.Optional(TrackerNameSchema),
    /** Item id or key (needs tracker). */
    item: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** Display name of the actor, e.g. `console: ada` or a tracker user's name (case-insensitive, exact). */
    person: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    capability: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** Entries older than this audit id (paging). */
    before: Type.Optional(Type.String({ pattern: '^[0-9]+$', maxLength: 20 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
export type ActivityQuery = Static<typeof ActivityQuerySchema>;

export interface ActivityPage {
  entries: ActivityEntry[];
  /** `before` of the next page, absent on the last. */
  nextBefore?: string;
  /** `before` names an entry the trail no longer holds (its retention took it): the page has nowhere to go on from. */
  expired?: true;
}

// ---------------------------------------------------------------- operations

export interface QueueDepths {
  waiting: number;
  active: number;
  /** Waiting out a retry's backoff; job schedulers' next runs are `OperationsView.scheduled`. */
  delayed: number;
  prioritized: number;
  failed: number;
  completed: number;
  paused: boolean;
}

export interface FailedJobView {
  id: string;
  name: string;
  item?: string;
  failedReason?: string;
  attemptsMade: number;
  finishedAt?: string;
}

export interface DeliveryHour {
  /** ISO hour start (UTC). */
  hour: string;
  /** Outcome (accepted, duplicate, ignored, own_event, invalid, unauthorized, ...) → deliveries. */
  outcomes: Record<string, number>;
}

export interface RateLimitPause {
  tracker: TrackerName;
  at: string;
  pauseMs: number;
  /** What waited: the whole queue, or one item or endpoint (absent in entries written before it was kept). */
  scope?: RateLimitScope;
}

export interface OperationsView {
  queue: QueueDepths;
  /** Job schedulers' next runs, soonest first. */
  scheduled: ScheduledRun[];
  /** Newest first, at most 50. */
  failedJobs: FailedJobView[];
  /** The last 24 hours, oldest first. */
  deliveries: DeliveryHour[];
  /** Totals since the counters began, per tracker. */
  rateLimits: { tracker: TrackerName; pauses: number; waitedMs: number }[];
  /** The latest pauses, newest first. */
  recentPauses: RateLimitPause[];
  /** Commands declined for who asked them, totals since the counters began: every reason, in a fixed order. */
  commandsDeclined: { reason: DeclineReason; counts: Record<TrackerName, number> }[];
}

// ---------------------------------------------------------------- the ports the pages use

export interface ReadModel {
  containers(): Promise<ContainerView[]>;
  backlog(query: BacklogQuery): Promise<BacklogPage>;
  /** Every row of the view (ignores offset/limit), streamed in pages: for the CSV export. */
  backlogRows(query: BacklogQuery): AsyncIterable<BacklogRow>;
  item(ref: Pick<ItemRef, 'tracker'> & { idOrKey: string }): Promise<ItemDetail | undefined>;
  triage(query: TriageQuery): Promise<TriagePage>;
  /** One ticket with all its suggestions, whatever their state, also once it left the inbox; undefined when never matched. */
  triageTicket(ticket: ItemInput): Promise<TriageTicket | undefined>;
  triageCount(): Promise<number>;
  acceptanceHealth(container: ContainerId): Promise<AcceptanceHealth | undefined>;
  boards(): Promise<BoardView[]>;
  sprints(board: ContainerId): Promise<SprintsView | undefined>;
  activity(query: ActivityQuery): Promise<ActivityPage>;
  operations(): Promise<OperationsView>;
}

/** A console person acting: audited as `console: <name>`. */
export interface ConsolePerson {
  name: string;
}

export interface ActionReceipt {
  deliveryId: string;
  jobIds: string[];
}

export type ItemInput = Pick<ItemRef, 'tracker' | 'id'>;

/** What the console does; each enqueues the job a comment's command would, so the audit names the person. */
export interface ConsoleActions {
  /** Same effect and audit as `/link ITEM` on the ticket. */
  confirmLink(ticket: ItemInput, item: ItemInput, by: ConsolePerson): Promise<ActionReceipt>;
  /** Same effect as `/unlink ITEM` on the ticket: never suggested again. */
  rejectLink(ticket: ItemInput, item: ItemInput, by: ConsolePerson): Promise<ActionReceipt>;
  /** None of the suggestions: the ticket leaves the inbox until it is edited. */
  noMatch(ticket: ItemInput, by: ConsolePerson): Promise<ActionReceipt>;
  /** Same as `/undo` on the item, while `change` (an `ActivityEntry.change`) is still its latest change. */
  undo(item: ItemInput, change: string, by: ConsolePerson): Promise<ActionReceipt>;
  retryJob(id: string): Promise<boolean>;
  /** Returns how many failed jobs were retried. */
  retryAllFailed(): Promise<number>;
}

/** How an action's actor appears in the audit trail and in tracker comments. */
export function consoleActor(by: ConsolePerson) {
  return { id: `console:${by.name}`, displayName: `console: ${by.name}` };
}
