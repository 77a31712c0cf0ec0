import type { Doc } from '../domain/doc.ts';
import type { Actor, CommentVisibility, Container, ItemRef, TrackerName } from '../domain/events.ts';
import type { BoardAudience, BrowseAudience } from '../domain/linking/audience.ts';

/**
 * The Tracker port: the only way handlers read or write Jira and Trello. Adapters (jira/, trello/, and the
 * in-memory fake for unit tests) implement it; every write is idempotent ("ensure" semantics) so a retried
 * job never doubles an effect. Adapters throw only `TrackerError` (src/errors.ts). An item that is not there is
 * kind `deleted` where the tracker says it no longer exists (Trello), else `notFound` (Jira answers a deleted
 * issue and a hidden one alike): which tracker can tell is the adapter's knowledge, the jobs read the kind only.
 */
export interface Tracker {
  readonly name: TrackerName;
  /** The service's own account, so events it caused can be dropped and comments addressed to it read. */
  whoAmI(): Promise<ServiceAccount>;
  getItem(ref: ItemRef): Promise<TrackerItem>;
  /**
   * Many items at once (Jira: the bulk issue read, 100 a request), in no stated order; those that are gone or
   * that the service may not see are left out. Without the remote links `getItem` adds to an item's links.
   */
  getItems?(refs: readonly ItemRef[]): Promise<TrackerItem[]>;
  /** Resolves what a person typed (`ABC-12`, a card URL or shortLink) to an item; undefined when none. */
  findItem(keyOrUrl: string): Promise<TrackerItem | undefined>;
  /** One page of the items in a scope, for backfills and bulk re-scoring. */
  listItems(scope: ItemScope, cursor?: string): Promise<ItemPage>;
  /**
   * About how many items `listItems` will list for the scope, so a long job's progress says out of how many.
   * Absent where the tracker cannot tell without listing them (Trello); an estimate, never a bound.
   */
  countItems?(scope: ItemScope): Promise<number>;
  /**
   * The ids of the items among `refs` that an account (Jira account id, Trello member id) may browse or edit.
   * Commands act for the person who wrote them, and the service's own rights say nothing about theirs.
   * Jira: the bulk permission check for that account; Trello: the member's membership of each item's board.
   */
  permittedItems(
    accountId: string,
    refs: readonly ItemRef[],
    permission: ItemPermission,
  ): Promise<Set<string>>;

  /** Sets number fields by display name; fields that do not exist or cannot be edited are reported, not thrown. */
  setNumberFields(
    ref: ItemRef,
    values: Record<string, number | null>,
    options: SetFieldsOptions,
  ): Promise<FieldWriteOutcome>;
  /**
   * Keeps exactly one comment of the service per item and purpose: creates it, edits it, or leaves it. A body
   * longer than the tracker takes is cut, with a line saying so and where to read the rest.
   */
  upsertComment(ref: ItemRef, purpose: string, body: Doc, options?: CommentOptions): Promise<CommentOutcome>;
  /**
   * What upsertComment would do with the body, writing nothing: a dry run's answer, decided as the write decides
   * (the body cut at the limit as it would be sent, compared with the comment there now).
   */
  planComment(ref: ItemRef, purpose: string, body: Doc): Promise<CommentPlan>;
  /**
   * The body as upsertComment sends it: cut at the tracker's limit, with the notice of the cut. The audit records
   * it as the comment's after-value, so undo finds a comment nobody touched as the service left it.
   */
  fitComment(ref: ItemRef, purpose: string, body: Doc): Doc;
  /**
   * Renames an item in the service's own comment for a purpose: its key (`renameKey`), in the text and in link
   * addresses, after a move gave it a new one. People's comments are never touched; undefined when the service has
   * no such comment, `unchanged` when it names no `from`.
   */
  renameInOwnComment(
    ref: ItemRef,
    purpose: string,
    from: string,
    to: string,
  ): Promise<CommentOutcome | undefined>;
  /**
   * What renameInOwnComment would do, writing nothing: a dry run's answer, and the comment's text after it as
   * getOwnComment would read it (a comment the longer key takes over the limit cut again, as the write cuts it),
   * which the audit records. Undefined when the service has no such comment.
   */
  planRename(ref: ItemRef, purpose: string, from: string, to: string): Promise<RenamePlan | undefined>;
  /** The service's own comment for a purpose, if any, without its marker: to compare it, or restore it on undo. */
  getOwnComment(ref: ItemRef, purpose: string): Promise<OwnComment | undefined>;
  deleteOwnComment(ref: ItemRef, purpose: string): Promise<boolean>;
  /** Adds or removes a label; returns whether anything changed. */
  setLabel(ref: ItemRef, label: string, present: boolean): Promise<boolean>;
  /**
   * Who made the last change to a label, a field, the status or the links to a target after the service's write
   * `own`, by the tracker's history (Jira: the changelog; Trello: the card's label, custom field, list and attachment
   * actions); undefined when nobody did. What an item shows cannot tell undo that a person took a label off and put
   * it back, set a field back to the same number, moved the item away and back, or linked and unlinked the same
   * item. The service's own write does not count, wherever the tracker's clock puts it.
   */
  changedBy?(ref: ItemRef, what: ChangeSubject, own: OwnWrite): Promise<ChangedBy | undefined>;
  /** Links `from` to a target (same tracker: native link; other tracker: remote link / attachment). */
  addLink(from: ItemRef, to: LinkTarget, type: string): Promise<boolean>;
  /**
   * Removes the links from `from` to the target; with `linkId` (an `ItemLink.id`) only that one, so undo takes back
   * the service's own link and leaves a person's to the same target.
   */
  removeLink(from: ItemRef, to: LinkTarget, linkId?: string): Promise<boolean>;
  /** Jira: applies the transition that leads to the named status. Trello: moves the card to the named list. */
  moveTo(ref: ItemRef, statusOrList: string): Promise<void>;
  /**
   * Replaces the description with Markdown-ish text (Jira: converted to ADF). Text longer than the tracker takes
   * is cut from the end, with a notice; with `whole`, nothing is written instead. Says whether it did not fit.
   */
  setDescription(ref: ItemRef, text: string, options?: DescriptionOptions): Promise<DescriptionOutcome>;
  /**
   * What setDescription would answer for the text, and the description it would write, writing nothing: a dry
   * run's answer, decided by the same measure as the write (Jira counts the ADF it would send, Trello the Markdown).
   */
  planDescription(ref: ItemRef, text: string): Promise<DescriptionPlan>;
  /** Renames the item (Jira summary, Trello card name); the same title again changes nothing. */
  setTitle(ref: ItemRef, title: string): Promise<void>;
  createItem(container: CreateTarget, item: NewItem): Promise<ItemRef>;

  /**
   * Jira only: the category of a status, by the id its changelog names (undefined for a status of no active
   * workflow). Trello's lists say theirs by name, in the change itself.
   */
  statusCategory?(statusId: string): Promise<StatusCategory | undefined>;
  /**
   * Jira only: who may browse the project (by key), as its permission scheme grants Browse Projects; undefined when
   * the service may not read the scheme (it takes Administer Jira, or Administer Projects in that project).
   */
  browseAudience?(projectKey: string): Promise<BrowseAudience | undefined>;
  /**
   * Trello only: who may see the board (by id), by its visibility and Workspace; undefined when the service may not
   * read the board.
   */
  boardAudience?(boardId: string): Promise<BoardAudience | undefined>;
  /**
   * Trello only, whose cards have no resolution date: when the card last entered the done category (a done list, or
   * archived) and stayed there, by its actions; undefined when they do not show it done.
   */
  doneSince?(ref: ItemRef): Promise<string | undefined>;
  /**
   * Trello only: when the card last left the board (archived on it, moved to another) by `by`, absent when it had
   * not; and its story-point changes made on the board, oldest first, to tell its estimate there then.
   */
  boardExit?(
    ref: ItemRef,
    boardId: string,
    by: string,
  ): Promise<{ leftAt?: string; estimates: EstimateChange[] }>;
  /** Jira Agile only. */
  readonly sprints?: SprintReader;
  /** Trello only: the board's actions in a window (list moves, creations) to reconstruct a time-boxed "sprint". */
  readonly boardActivity?: BoardActivityReader;
  /** Trello only: the card a checklist is on; undefined once the checklist is gone. */
  readonly itemOfChecklist?: (checklistId: string) => Promise<ItemRef | undefined>;
}

/** The service's account, with how a mention of it reads in a comment's plain text (most readable first). */
export interface ServiceAccount extends Actor {
  /** Jira: `@<display name>` (ADF mention text) and `@<accountId>` (wiki `[~accountid:…]`); Trello: `@username`. */
  mentions: string[];
}

/** Browse: see the item at all (Jira BROWSE_PROJECTS with issue security; Trello board member). Edit: change it. */
export type ItemPermission = 'browse' | 'edit';

export type StatusCategory = 'todo' | 'in_progress' | 'done';

export interface TrackerItem {
  ref: ItemRef;
  url: string;
  title: string;
  /** Description as plain text with structure kept as lines (headings, "- " list items, "Given ..." lines). */
  description: string;
  /** Jira issue type name; Trello: undefined (rules may map a label to a type). */
  type?: string;
  /**
   * `id`: Jira's status id, which changelogs and board columns name. `categorySince`: when the status last moved to
   * another category (Jira's statuscategorychangedate).
   */
  status: { id?: string; name: string; category: StatusCategory; categorySince?: string };
  container: Container;
  labels: string[];
  priority?: string;
  /** Custom and system field values by display name (Jira: resolved through /field; Trello: custom fields). */
  fields: Record<string, string | number | boolean | null>;
  /**
   * Jira: the values of a field listing several (JSM's Organizations: each organization a request is shared with), by
   * display name; `fields` shows them joined, which a name holding a comma makes ambiguous.
   */
  fieldLists?: Record<string, string[]>;
  /** Jira: the resolution (absent while unresolved, and on Trello), and when it was set. */
  resolution?: { name: string; at?: string };
  estimate: { storyPoints?: number; originalEstimateHours?: number };
  links: ItemLink[];
  checklists: Checklist[];
  reporter?: Actor;
  /** Jira: the sprints its Sprint field lists, closed ones included (Jira keeps them as history); Trello: none. */
  sprints?: Pick<Sprint, 'id' | 'name' | 'state'>[];
  /** Trello: the card is archived, taken off its board until someone restores it (its status category is done). */
  archived?: true;
  /**
   * Jira: behind an issue security level, so only its members see it of all who may browse the project; text
   * everyone there reads (a posted summary) must not name it.
   */
  restricted?: true;
  createdAt: string;
  updatedAt: string;
}

/**
 * What `changedBy` asks about: one label, one field (by display name), the status (Trello: the card's list), or the
 * links to one target (Jira: issue links, which its changelog records; Trello: attachments, by URL).
 */
export type ChangeSubject = { label: string } | { field: string } | { status: true } | { link: LinkTarget };

/**
 * A subject's value as both the audit and a tracker's history can tell it: a label's or a link's presence, a field's
 * number (null: empty), a status (Trello: list) name.
 */
export type WrittenValue = string | number | boolean | null;

/** What a write set a subject from and to. */
export interface WrittenValues {
  from: WrittenValue;
  to: WrittenValue;
}

/**
 * A write of the service that `changedBy` asks about: when this machine's clock dated it (ISO) and, when the audit
 * says, what it wrote, which tells it from another write of the service on the same subject seconds apart.
 */
export interface OwnWrite {
  at: string;
  wrote?: WrittenValues;
}

/** Who changed something: a person's display name, or the service itself (a later write of its own). */
export interface ChangedBy {
  name: string;
  service: boolean;
}

export interface ItemLink {
  /**
   * The tracker's id of the link (Jira issue link, `remote-<id>` for a Jira remote link, Trello attachment): one
   * removed and added again has a new one, so it tells whose link is there now.
   */
  id?: string;
  target: LinkTarget;
  type: string;
  direction: 'inward' | 'outward';
}

/** A link target: an item of either tracker (by ref), or any URL. */
export type LinkTarget =
  | { kind: 'item'; ref: ItemRef; url: string; title: string }
  | { kind: 'url'; url: string; title: string };

export interface Checklist {
  name: string;
  items: { text: string; checked: boolean }[];
}

export type ItemScope =
  | { kind: 'container'; containerId: string }
  | { kind: 'query'; query: string }
  /** Items changed since `since` (ISO); Jira may add some changed up to 14 h earlier (JQL dates have no zone). */
  | { kind: 'updatedSince'; containerId: string; since: string };

export interface ItemPage {
  items: TrackerItem[];
  next?: string;
}

export interface SetFieldsOptions {
  /** Trello: create missing Number custom fields on the board (rules decide). Jira never creates fields. */
  createMissing: boolean;
}

export interface FieldWriteOutcome {
  written: string[];
  unchanged: string[];
  missing: { name: string; reason: string }[];
}

export interface CommentOptions {
  /**
   * Who may read it. `agents` (the default): Jira Service Management tickets get an internal comment, never
   * mailed to the customer. `customers`: a public comment the customer receives. Trello has no such split.
   */
  audience?: 'agents' | 'customers';
  /** Only the members of this group or role may read it (Jira); Trello shows every comment to the whole board. */
  visibility?: CommentVisibility;
}

export interface DescriptionOptions {
  /** Write nothing rather than cut the text: the end of it is what the caller added, and would be the first cut. */
  whole?: boolean;
}

/**
 * Whether the text was longer than the tracker takes (written cut, or with `whole` not written at all), and then
 * the tracker's limit in words ("Trello stops at 16,384 characters"), as its overflow notice says it.
 */
export type DescriptionOutcome = { cut: false } | { cut: true; limit: string };

export interface DescriptionPlan {
  outcome: DescriptionOutcome;
  /** The description as `getItem` would read it after the write (cut, where the write would cut it). */
  description: string;
}

/** Whether upsertComment would create the comment, edit the one there (by its id), or leave it as it is. */
export type CommentPlan = { action: 'created' } | { action: 'updated' | 'unchanged'; id: string };

export interface CommentOutcome {
  id: string;
  action: 'created' | 'updated' | 'unchanged';
}

export interface RenamePlan {
  id: string;
  action: 'updated' | 'unchanged';
  /** The comment's plain text after the rename, without its marker. */
  text: string;
}

export interface OwnComment {
  id: string;
  text: string;
  /** The comment as a document, its links, lists and emphasis kept: what undo writes back. */
  doc: Doc;
  /** The group or role it shows to (Jira), which a comment undo puts back must show to again. */
  visibility?: CommentVisibility;
  /**
   * Jira: `customers` when it is public (`jsdPublic`: a Service Management ticket's customer reads it, and is mailed
   * it), `agents` when internal; undo puts it back so. Jira reads every comment outside Service Management as public,
   * where it changes nothing. Trello has no such split.
   */
  audience?: CommentOptions['audience'];
}

export interface CreateTarget {
  /** Jira project key / Trello board id. */
  containerId: string;
  /** Jira issue type name / Trello list name. */
  typeOrList: string;
}

export interface NewItem {
  title: string;
  body: Doc;
  labels: string[];
}

export interface Sprint {
  id: string;
  name: string;
  state: 'future' | 'active' | 'closed';
  boardId: string;
  startDate?: string;
  endDate?: string;
  completeDate?: string;
  goal?: string;
}

export interface SprintReader {
  getSprint(sprintId: string): Promise<Sprint>;
  /**
   * The board's active sprints: none, one, or several (parallel sprints). Undefined when the board has no sprints
   * (a kanban board, to which Jira answers 400).
   */
  getActiveSprints(boardId: string): Promise<Sprint[] | undefined>;
  /**
   * The items a sprint commits to; sub-tasks are part of their parent, so they are not among them. Story points:
   * the board's estimation field (`getBoardConfiguration`, read once by the caller), else the usual field.
   */
  getSprintItems(sprintId: string, estimateFieldId?: string): Promise<TrackerItem[]>;
  /** What a board's configuration says of its sprints; undefined when the board is gone or hidden (Jira: 404). */
  getBoardConfiguration(boardId: string): Promise<BoardConfiguration | undefined>;
  /**
   * Items' changes of their Sprint field, their status and their story points (`estimateFieldId`, else the usual
   * story-points field), each oldest first, by item id (every ref has one): what each was in, where it stood and
   * how it was sized at a past date (a sprint's start, its close). Read for many items at once: one item's read
   * costs as many.
   */
  getHistories(refs: readonly ItemRef[], estimateFieldId?: string): Promise<Record<string, ItemHistory>>;
  /**
   * Items the sprint held at some time since its start and holds no more (removed, or moved to another open
   * sprint), each with its history (story points: `estimateFieldId`, the board's estimation field). Jira lists a sprint's issues as
   * they are now and JQL cannot ask what a sprint held, so the issues of `projectKeys` changed since the start are
   * read with their changelogs.
   */
  getItemsLeft(
    sprint: Sprint,
    projectKeys: readonly string[],
    estimateFieldId?: string,
  ): Promise<{ item: TrackerItem; history: ItemHistory }[]>;
}

export interface BoardConfiguration {
  /** The story-points field of the board's estimation, if the board estimates by one (not by time). */
  estimationField?: { id: string; name: string };
  /**
   * The statuses of the board's Done column, the right-most one with statuses mapped to it: Jira's sprint report,
   * velocity and burndown count an issue there complete, whatever its status category. Empty: none is mapped.
   */
  doneStatuses: string[];
}

/** One change of an item's Sprint field: the sprints it listed before and after, by id (or name). */
export interface SprintFieldChange {
  at: string;
  from: string[];
  to: string[];
}

/** One change of an item's story points; a side without a number was unestimated. */
export interface EstimateChange {
  at: string;
  from?: number;
  to?: number;
}

/** One change of an item's status (ids as board columns name them); a side is absent when the changelog names none. */
export interface StatusChange {
  at: string;
  from?: { id: string; name: string };
  to?: { id: string; name: string };
}

export interface ItemHistory {
  sprint: SprintFieldChange[];
  status: StatusChange[];
  estimate: EstimateChange[];
}

export interface BoardAction {
  id: string;
  type: 'createCard' | 'moveCard' | 'other';
  date: string;
  card: ItemRef;
  listBefore?: string;
  listAfter?: string;
}

/** A card's changes on a board after a date, oldest first: what tells how it stood then from how it is now. */
export interface CardChangesSince {
  card: ItemRef;
  estimates: EstimateChange[];
  /** Its moves between the board's lists, by list name; one off the board (archived, moved to another) has no `to`. */
  lists: { at: string; from?: string; to?: string }[];
  /** It left the board since (archived on it, moved to another). */
  left: boolean;
  /** It came back to the board since (restored, moved back from another). */
  returned: boolean;
}

export interface BoardActivityReader {
  getBoardActions(boardId: string, since: string, before: string): Promise<BoardAction[]>;
  /** The story-point changes, list moves, departures and returns of the board's cards after `since`, by card id. */
  changesSince(boardId: string, since: string): Promise<ReadonlyMap<string, CardChangesSince>>;
  getBoardLists(boardId: string): Promise<{ id: string; name: string }[]>;
  getListItems(boardId: string, listName: string): Promise<TrackerItem[]>;
}
