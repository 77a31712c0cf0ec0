import { type Doc, doc, docToPlainText, paragraph } from '../domain/doc.ts';
import { type ItemRef, restrictsComments } from '../domain/events.ts';
import { isRetryable, TrackerError } from '../errors.ts';
import type { ChangedBy, LinkTarget, OwnWrite, Tracker, WrittenValue } from '../trackers/tracker.ts';
import { type AuditEntry, changeKey } from './audit-entry.ts';
import type { AuditStore } from './audit-store.ts';
import { pickNumbers, sameLinkTarget } from './audited-tracker.ts';
import { quoted } from './describe-write.ts';

/** Replies to commands are the conversation, not a change: `/undo` must not delete the answer it undoes. */
const REPLY_PURPOSE = /^reply-/;

/** Why an entry cannot be undone; undefined when it was applied, not undone yet, and the port can reverse it. */
export function notUndoable(entry: AuditEntry): string | undefined {
  if (entry.mode !== 'applied') return `Entry ${entry.id} is a dry-run plan: nothing was written`;
  if (entry.undoneBy !== undefined) return `Entry ${entry.id} was already undone by ${entry.undoneBy}`;
  if (entry.operation === 'createItem') return 'Items the service created are not deleted';
  if (entry.operation === 'repairSetup')
    return 'A setup repair of the doctor is undone by an admin in the tracker';
  if (entry.operation === 'upsertComment' && REPLY_PURPOSE.test(String(entry.target.purpose)))
    return `Entry ${entry.id} is a reply to a command: the conversation stays`;
  return undefined;
}

export function isUndoable(entry: AuditEntry): boolean {
  return notUndoable(entry) === undefined;
}

/** The undoable writes of the newest change (one job or admin request) among entries listed newest first. */
export function lastChange(entries: readonly AuditEntry[]): AuditEntry[] {
  const undoable = entries.filter(isUndoable);
  const newest = undoable[0];
  return newest ? undoable.filter((entry) => changeKey(entry) === changeKey(newest)) : [];
}

const isDoc = (value: unknown): value is Doc =>
  typeof value === 'object' && value !== null && Array.isArray((value as { blocks?: unknown }).blocks);

/** A comment's earlier version as the entry keeps it: its Doc, or plain text (older entries, or a long one). */
function commentDoc(kept: Doc | string): Doc {
  return isDoc(kept) ? kept : doc(...kept.split('\n').map((line) => paragraph(line)));
}

/** The item already shows what undo would put back: a try whose answer was lost wrote it, or a person did. */
const ALREADY_RESTORED = 'already restored';

/** The id of the link an addLink entry made, as the tracker read it back; older entries have none. */
const linkIdOf = (entry: AuditEntry) => (entry.after as { id?: string } | null)?.id;

/** Texts as the tracker gives them back: line ends and runs of spaces may differ from what was sent. */
const sameText = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string'
    ? a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim()
    : a === b;

/** Why a label or status that shows what the service wrote stays: someone did it again after the write. */
function redone(by: ChangedBy | undefined, what: string): string | undefined {
  if (!by) return undefined;
  return by.service
    ? `changed since: a later change of the service ${what} again; kept`
    : `changed since: ${by.name} ${what} again after the service; kept`;
}

/** Who linked or unlinked a target after the service's write, in words; a tracker without that history names nobody. */
const linkedBy = (by: ChangedBy | undefined) =>
  by?.service ? 'by a later change of the service' : `${by ? `by ${by.name} ` : ''}after the service`;

/**
 * How the item's `now` stands to the entry: undefined while it still shows what the service wrote,
 * ALREADY_RESTORED when it shows the before-value, else what someone made of it since, in words.
 */
function compare(entry: AuditEntry, now: unknown, since: string): string | undefined {
  if (sameText(now, entry.after)) return undefined;
  const before = isDoc(entry.before) ? docToPlainText(entry.before) : entry.before;
  return sameText(now, before) ? ALREADY_RESTORED : `changed since: ${since}`;
}

const isWritten = (value: unknown): value is WrittenValue =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

/**
 * The entry's write as `changedBy` finds it in the tracker's history: by what it set the subject from and to (a
 * label's or link's presence, a number, a status name), which tells it from another write of the service seconds
 * apart; by time alone when the entry keeps values of another kind.
 */
const ownWrite = (entry: AuditEntry, from: unknown, to: unknown): OwnWrite =>
  isWritten(from) && isWritten(to) ? { at: entry.at, wrote: { from, to } } : { at: entry.at };

/**
 * What someone changed after the entry's write, in words; undefined when the item still shows what the service
 * wrote, ALREADY_RESTORED when it shows the before-value. Undo must not put an old value back over a later edit,
 * a person's or a newer job's. A label or a link may look as the service left it and be someone else's: one taken
 * off and put back. For a label only the tracker's history tells (Jira's changelog, Trello's card actions); a link
 * removed and added again has a new id, and the history tells who.
 */
async function changedSince(tracker: Tracker, entry: AuditEntry): Promise<string | undefined> {
  switch (entry.operation) {
    case 'setNumberFields': {
      const written = entry.after as Record<string, number | null>;
      const before = entry.before as Record<string, number | null>;
      const names = Object.keys(written);
      const now = pickNumbers((await tracker.getItem(entry.item)).fields, names);
      const changed = names.filter((name) => now[name] !== written[name] && now[name] !== before[name]);
      if (changed.length > 0)
        return `changed since: ${changed.map((name) => `${name} is now ${now[name] ?? 'empty'}`).join(', ')}`;
      if (names.every((name) => now[name] === before[name])) return ALREADY_RESTORED;
      // Showing the number the service wrote, a field may still be a person's: changed and set back.
      for (const name of names.filter(
        (field) => now[field] === written[field] && now[field] !== before[field],
      )) {
        const redoneBy = redone(
          await tracker.changedBy?.(
            entry.item,
            { field: name },
            ownWrite(entry, before[name] ?? null, written[name] ?? null),
          ),
          `set ${name}`,
        );
        if (redoneBy) return redoneBy;
      }
      return undefined;
    }
    case 'moveTo': {
      const status = (await tracker.getItem(entry.item)).status.name;
      const is = (name: unknown) => status.toLowerCase() === String(name).toLowerCase();
      if (!is(entry.after))
        return is(entry.before) ? ALREADY_RESTORED : `changed since: moved to ${quoted(status)}`;
      return redone(
        await tracker.changedBy?.(entry.item, { status: true }, ownWrite(entry, entry.before, entry.after)),
        `moved it to ${quoted(status)}`,
      );
    }
    case 'upsertComment':
    case 'deleteOwnComment': {
      const now = (await tracker.getOwnComment(entry.item, String(entry.target.purpose)))?.text ?? null;
      return compare(entry, now, now === null ? 'the comment was deleted' : 'the comment was edited');
    }
    case 'setDescription': {
      const now = (await tracker.getItem(entry.item)).description;
      return compare(entry, now, 'the description was edited');
    }
    case 'setTitle': {
      const now = (await tracker.getItem(entry.item)).title;
      return compare(entry, now, 'the title was edited');
    }
    case 'setLabel': {
      const label = String(entry.target.label);
      if ((await tracker.getItem(entry.item)).labels.includes(label) !== entry.after) return ALREADY_RESTORED;
      const by = await tracker.changedBy?.(entry.item, { label }, ownWrite(entry, entry.before, entry.after));
      return redone(by, `${entry.after ? 'added' : 'removed'} label ${label}`);
    }
    case 'addLink': {
      const link = entry.target.link as LinkTarget;
      const now = (await tracker.getItem(entry.item)).links.filter((l) => sameLinkTarget(l.target, link));
      const written = linkIdOf(entry);
      if (now.length === 0) return ALREADY_RESTORED;
      // Entries recorded before links had ids cannot tell; they are reversed as the link stands.
      if (written === undefined || now.some((l) => l.id === written)) return undefined;
      const by = await tracker.changedBy?.(entry.item, { link }, ownWrite(entry, false, true));
      return `changed since: the link to ${quoted(link.title)} was removed and added again ${linkedBy(by)}; kept`;
    }
    case 'removeLink': {
      const link = entry.target.link as LinkTarget;
      // A link to the target there now: putting the service's back adds at most its type (the port's addLink).
      const now = (await tracker.getItem(entry.item)).links;
      if (now.some((l) => sameLinkTarget(l.target, link))) return undefined;
      const by = await tracker.changedBy?.(entry.item, { link }, ownWrite(entry, true, false));
      return (
        by &&
        `changed since: the link to ${quoted(link.title)} was added and removed again ${linkedBy(by)}; kept`
      );
    }
    default:
      return undefined;
  }
}

/**
 * Why a comment's entry recorded before entries said whom it showed to (no `restrictedTo`) cannot re-create it: Jira
 * restricts comments to groups and roles, and one an admin had restricted would come back for everyone who may
 * browse the issue. A new post would be unrestricted, which says nothing about this one; so undo posts nothing. An
 * edit's undo is safe: the comment is there (changedSince made sure) and the adapter keeps its restriction.
 */
function unknownRestriction(entry: AuditEntry): string | undefined {
  if (entry.restrictedTo !== undefined || entry.operation !== 'deleteOwnComment') return undefined;
  if (!restrictsComments(entry.item.tracker)) return undefined;
  return (
    'recorded before the audit kept whom a comment shows to: it may have been restricted to a group or role, ' +
    `so it is not posted again for everyone; post it again in Jira as it was (its text: GET /admin/audit/${entry.id})`
  );
}

/** Puts the entry's before-value back; answers why not when someone changed it since. */
async function reverse(tracker: Tracker, entry: AuditEntry): Promise<string | undefined> {
  const item: ItemRef = entry.item;
  const conflict = await changedSince(tracker, entry);
  if (conflict === ALREADY_RESTORED) return undefined;
  if (conflict) return conflict;
  const { target, before } = entry;
  const purpose = String(target.purpose);
  switch (entry.operation) {
    case 'setNumberFields':
      await tracker.setNumberFields(item, before as Record<string, number | null>, { createMissing: false });
      return;
    case 'upsertComment':
    case 'deleteOwnComment': {
      if (!(typeof before === 'string' || isDoc(before))) {
        await tracker.deleteOwnComment(item, purpose);
        return;
      }
      const unknown = unknownRestriction(entry);
      if (unknown) return unknown;
      // A deleted comment comes back to the group or role it showed to, not to everyone who may browse the item,
      // and a public one to the customer again.
      await tracker.upsertComment(item, purpose, commentDoc(before), {
        ...(entry.restrictedTo && { visibility: entry.restrictedTo }),
        ...(entry.audience && { audience: entry.audience }),
      });
      return;
    }
    case 'setLabel':
      await tracker.setLabel(item, String(target.label), before === true);
      return;
    case 'addLink':
      await tracker.removeLink(item, target.link as LinkTarget, linkIdOf(entry));
      return;
    case 'removeLink':
      if (before) await tracker.addLink(item, target.link as LinkTarget, (before as { type: string }).type);
      return;
    case 'moveTo':
      await tracker.moveTo(item, String(before));
      return;
    case 'setDescription':
      await tracker.setDescription(item, String(before));
      return;
    case 'setTitle':
      await tracker.setTitle(item, String(before));
      return;
    case 'createItem':
      return 'an item the service created cannot be deleted through the tracker port';
    case 'repairSetup':
      return 'a setup repair of the doctor is undone by an admin in the tracker, not through the port';
  }
}

export interface UndoResult {
  restored: { id: string; operation: string }[];
  failed: { id: string; operation: string; reason: string }[];
}

export interface UndoOptions {
  /** Writes through it are audited in turn: pass an audited tracker. */
  tracker: Tracker;
  audit: Pick<AuditStore, 'markUndone'>;
  dryRun: boolean;
  /** What the undone entries point to as their undoer: the job or request that undid them. */
  undoneBy: string;
}

/**
 * The tracker failed for now (an outage, a rate limit) partway: `result` is what was done, `pending` the writes not
 * restored yet. Each restored write is already marked undone by the undoer, so a retry by the same undoer goes on
 * from there instead of starting over.
 */
export class UndoInterrupted extends Error {
  readonly result: UndoResult;
  readonly pending: AuditEntry[];
  constructor(result: UndoResult, pending: AuditEntry[], cause: Error) {
    super(cause.message, { cause });
    this.name = 'UndoInterrupted';
    this.result = result;
    this.pending = pending;
  }
}

/**
 * Puts back the before-values, newest write first. A write the tracker refuses, or someone changed since, is listed
 * and does not stop the others; one the tracker could not take now (5xx, 429, no answer) stops the undo with
 * UndoInterrupted, to be retried. Entries this undoer marked undone before (an earlier attempt) count as restored.
 */
export async function undoEntries(entries: readonly AuditEntry[], options: UndoOptions): Promise<UndoResult> {
  const result: UndoResult = { restored: [], failed: [] };
  for (const [index, entry] of entries.entries()) {
    const done = { id: entry.id, operation: entry.operation };
    if (entry.undoneBy === options.undoneBy) {
      result.restored.push(done);
      continue;
    }
    try {
      const conflict = await reverse(options.tracker, entry);
      if (conflict) {
        result.failed.push({ ...done, reason: conflict });
        continue;
      }
    } catch (error) {
      if (error instanceof TrackerError && !isRetryable(error.kind))
        result.failed.push({ ...done, reason: error.message });
      else if (error instanceof Error) throw new UndoInterrupted(result, entries.slice(index), error);
      else throw error;
      continue;
    }
    // Per write, so a retry after a failure further on does not restore it again.
    if (!options.dryRun) await options.audit.markUndone([entry.id], options.undoneBy);
    result.restored.push(done);
  }
  return result;
}

/** The service's last change to an item, as the console's Undo button and `/undo` find it. */
export async function findLastChange(audit: Pick<AuditStore, 'list'>, item: ItemRef): Promise<AuditEntry[]> {
  return lastChange(await listForItem(audit, item));
}

/**
 * The change the undo job `undoer` takes back: the service's last change when it first looked, pinned, so a retry
 * (after a 5xx or 429) finishes that one, the writes it restored included, and never takes a newer job's change
 * for it. Its own writes are not a change to undo.
 */
export async function changeToUndo(
  audit: Pick<AuditStore, 'list' | 'pinChange'>,
  item: ItemRef,
  undoer: string,
): Promise<AuditEntry[]> {
  const entries = (await listForItem(audit, item)).filter((entry) => changeKey(entry) !== undoer);
  // An attempt that restored some writes before the pin was kept began on its change.
  const first = entries.find((entry) => entry.undoneBy === undoer) ?? lastChange(entries)[0];
  if (!first) return [];
  const pinned = await audit.pinChange(undoer, changeKey(first));
  return entries.filter(
    (entry) => changeKey(entry) === pinned && (isUndoable(entry) || entry.undoneBy === undoer),
  );
}

function listForItem(audit: Pick<AuditStore, 'list'>, item: ItemRef): Promise<AuditEntry[]> {
  return audit.list({ item: { tracker: item.tracker, idOrKey: item.id }, limit: 200 });
}
