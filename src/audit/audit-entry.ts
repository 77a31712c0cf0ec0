import Type, { type Static } from 'typebox';
import { ActorSchema, CommentVisibilitySchema, ItemRefSchema } from '../domain/events.ts';

/** The tracker writes the audit trail knows how to record (and, except createItem, to undo). */
export const AuditOperationSchema = Type.Union([
  Type.Literal('setNumberFields'),
  Type.Literal('upsertComment'),
  Type.Literal('deleteOwnComment'),
  Type.Literal('setLabel'),
  Type.Literal('addLink'),
  Type.Literal('removeLink'),
  Type.Literal('moveTo'),
  Type.Literal('setDescription'),
  Type.Literal('setTitle'),
  Type.Literal('createItem'),
  /** `npm run doctor -- --fix` changed the tracker's setup (a field, a screen, a power-up, a webhook). */
  Type.Literal('repairSetup'),
]);
export type AuditOperation = Static<typeof AuditOperationSchema>;

/** Who and what caused a write: the job (capability = job name) and the event or command behind it. */
export const AuditContextSchema = Type.Object({
  capability: Type.String(),
  jobId: Type.String(),
  deliveryId: Type.String(),
  actor: ActorSchema,
  command: Type.Optional(Type.String()),
});
export type AuditContext = Static<typeof AuditContextSchema>;

/**
 * One write the service made (`applied`) or would have made (`dry-run`) to one item. `before` and `after` hold
 * only what the operation touches (the named fields, the one label, the purpose's comment text...), so undo can
 * put `before` back without knowing the capability.
 */
export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  at: Type.String({ description: 'ISO time of the write' }),
  item: ItemRefSchema,
  operation: AuditOperationSchema,
  mode: Type.Union([Type.Literal('applied'), Type.Literal('dry-run')]),
  context: AuditContextSchema,
  /** What identifies the thing written besides the item: comment purpose, label, link target and type... */
  target: Type.Record(Type.String(), Type.Unknown()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  /**
   * A comment's restriction (Jira "Restricted to"): only members of this group or role may read it, and the text
   * in before and after; null: everyone who may read the item. Undo re-creates a deleted comment with it. Absent
   * from a comment's entry recorded before it was kept: whom the comment showed to is not known.
   */
  restrictedTo: Type.Optional(Type.Union([CommentVisibilitySchema, Type.Null()])),
  /**
   * Whom the comment in `before` showed to on a Service Management ticket: `customers` (public, mailed to the
   * customer) or `agents` (internal). Undo puts it back so; absent (older entries, Trello), internal.
   */
  audience: Type.Optional(Type.Union([Type.Literal('agents'), Type.Literal('customers')])),
  /** Set when the change was undone: the id of the audit entry of the write that undid it, or the job. */
  undoneBy: Type.Optional(Type.String()),
});
export type AuditEntry = Static<typeof AuditEntrySchema>;

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'undoneBy'>;

/** Which change an entry belongs to: the writes of one job (or of one admin request) to one item. */
export function changeKey(entry: AuditEntry): string {
  return entry.context.jobId || entry.context.deliveryId;
}
