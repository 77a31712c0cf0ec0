import Type, { type Static } from 'typebox';

/**
 * The one tracker-agnostic event type. Webhook routes normalize every delivery into it; jobs carry it.
 * Events carry references, not snapshots: handlers re-read the item, so a retried job acts on fresh data
 * and job data stays small and free of item text (except the comment that carries a command).
 */
export const TrackerNameSchema = Type.Union([Type.Literal('jira'), Type.Literal('trello')]);
export type TrackerName = Static<typeof TrackerNameSchema>;
export const TRACKERS: readonly TrackerName[] = ['jira', 'trello'];

export const ItemRefSchema = Type.Object({
  tracker: TrackerNameSchema,
  /** Jira issue id / Trello card id. */
  id: Type.String({ minLength: 1 }),
  /** Jira issue key (ABC-12) / Trello card shortLink: what people type. */
  key: Type.String({ minLength: 1 }),
});
export type ItemRef = Static<typeof ItemRefSchema>;

/** The project key of an issue key ("ABC-12" → "ABC"), or undefined when the ref names the issue by id only. */
export function projectKeyOf(issueKey: string): string | undefined {
  const match = /^([A-Z][A-Z0-9_]*)-\d+$/i.exec(issueKey);
  return match?.[1]?.toUpperCase();
}

export const ActorSchema = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  /**
   * An app's account rather than a person's (Jira `accountType: app`: Automation for Jira, Connect and Forge apps).
   * What it writes is often someone else's text, copied by a rule; Trello marks no such author.
   */
  app: Type.Optional(Type.Boolean()),
});
export type Actor = Static<typeof ActorSchema>;

/** Where the item lives: Jira project, Trello board (+ list). Rules select backlog/support scope by it. */
export const ContainerSchema = Type.Object({
  id: Type.String(),
  key: Type.String(),
  /** Trello: the board's name (its key is the short link), as people know it; absent when not read. */
  name: Type.Optional(Type.String()),
  listId: Type.Optional(Type.String()),
  listName: Type.Optional(Type.String()),
  /** Jira project type key (software, service_desk...). */
  projectType: Type.Optional(Type.String()),
});
export type Container = Static<typeof ContainerSchema>;

export const FieldChangeSchema = Type.Object({
  field: Type.String(),
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  /**
   * Jira only: the id of the value left, where its changelog names one (a status id). A status name is neither
   * unique on a site nor says whether the status was resolved; its id does, through the status's category.
   */
  fromId: Type.Optional(Type.String()),
});
export type FieldChange = Static<typeof FieldChangeSchema>;

const base = {
  /** Unique per delivery: Jira X-Atlassian-Webhook-Identifier, Trello action.id. */
  deliveryId: Type.String({ minLength: 1 }),
  tracker: TrackerNameSchema,
  actor: ActorSchema,
  occurredAt: Type.String(),
};

const itemBase = { ...base, item: ItemRefSchema, container: ContainerSchema };

export const CommentVisibilitySchema = Type.Object({
  type: Type.Union([Type.Literal('group'), Type.Literal('role')]),
  value: Type.String(),
  identifier: Type.Optional(Type.String()),
});
export type CommentVisibility = Static<typeof CommentVisibilitySchema>;

/** Whether the tracker restricts comments to groups or roles (Jira); a Trello comment shows to the whole board. */
export const restrictsComments = (tracker: TrackerName): boolean => tracker === 'jira';

/** Who reads a restricted comment, as a sentence names them: "group developers", "project role Administrators". */
export const audienceOf = (visibility: CommentVisibility): string =>
  `${visibility.type === 'role' ? 'project role' : 'group'} ${visibility.value}`;

export const TrackerEventSchema = Type.Union([
  Type.Object({
    ...itemBase,
    kind: Type.Literal('item.created'),
    issueType: Type.Optional(Type.String()),
    /**
     * Trello's "Convert to card": the card the checklist item came from. One action for two changes: this card
     * arrives, and that one loses a checklist item (planned as a change of its own).
     */
    source: Type.Optional(ItemRefSchema),
  }),
  Type.Object({ ...itemBase, kind: Type.Literal('item.updated'), changes: Type.Array(FieldChangeSchema) }),
  Type.Object({ ...itemBase, kind: Type.Literal('item.deleted') }),
  Type.Object({
    ...itemBase,
    kind: Type.Union([Type.Literal('comment.created'), Type.Literal('comment.updated')]),
    comment: Type.Object({
      id: Type.String(),
      text: Type.String(),
      /** When the comment was written (ISO); absent where the delivery does not say. */
      createdAt: Type.Optional(Type.String()),
      /**
       * The group or project role the comment is restricted to (Jira's "Restrict to"): only its members read it, so
       * the reply to its commands is restricted the same way. Absent: everyone who sees the item reads it.
       */
      visibility: Type.Optional(CommentVisibilitySchema),
    }),
  }),
  Type.Object({
    ...itemBase,
    kind: Type.Union([Type.Literal('link.created'), Type.Literal('link.deleted')]),
    target: ItemRefSchema,
  }),
  /**
   * A checklist changed and the delivery names no card (Trello's `updateChecklist`, a rename): a handler reads
   * which card it is on.
   */
  Type.Object({
    ...base,
    container: ContainerSchema,
    kind: Type.Literal('checklist.updated'),
    checklist: Type.Object({ id: Type.String({ minLength: 1 }), name: Type.String() }),
  }),
  Type.Object({
    ...base,
    kind: Type.Union([Type.Literal('sprint.started'), Type.Literal('sprint.closed')]),
    sprint: Type.Object({ id: Type.String(), name: Type.String(), boardId: Type.String() }),
  }),
]);
export type TrackerEvent = Static<typeof TrackerEventSchema>;
export type TrackerEventKind = TrackerEvent['kind'];
export type ItemEvent = Extract<TrackerEvent, { item: ItemRef }>;
