import { type Doc, doc, paragraph } from '../domain/doc.ts';
import type { ItemRef } from '../domain/events.ts';
import type { LinkTarget, Tracker } from '../trackers/tracker.ts';
import { type AuditEntry, changeKey } from './audit-entry.ts';
import type { AuditStore } from './audit-store.ts';
import { pickNumbers } from './audited-tracker.ts';

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

/** Comments come back as the plain text the audit kept, one paragraph per line. */
export function textToDoc(text: string): Doc {
  return doc(...text.split('\n').map((line) => paragraph(line)));
}

/**
 * What someone changed after the entry's write, in words; undefined when the item still shows what the service
 * wrote. Undo must not put an old value back over a person's later edit. Labels and links need no check: putting
 * one back as it was changes nothing a person did since.
 */
async function changedSince(tracker: Tracker, entry: AuditEntry): Promise<string | undefined> {
  switch (entry.operation) {
    case 'setNumberFields': {
      const written = entry.after as Record<string, number | null>;
      const now = pickNumbers((await tracker.getItem(entry.item)).fields, Object.keys(written));
      const changed = Object.keys(written).filter((name) => now[name] !== written[name]);
      return changed.length > 0
        ? `changed since: ${changed.map((name) => `${name} is now ${now[name] ?? 'empty'}`).join(', ')}`
        : undefined;
    }
    case 'moveTo': {
      const status = (await tracker.getItem(entry.item)).status.name;
      return status.toLowerCase() === String(entry.after).toLowerCase()
        ? undefined
        : `changed since: moved to ${status}`;
    }
    default:
      return undefined;
  }
}

async function reverse(tracker: Tracker, entry: AuditEntry): Promise<void> {
  const item: ItemRef = entry.item;
  const conflict = await changedSince(tracker, entry);
  if (conflict) throw new Error(conflict);
  const { target, before } = entry;
  const purpose = String(target.purpose);
  switch (entry.operation) {
    case 'setNumberFields':
      await tracker.setNumberFields(item, before as Record<string, number | null>, { createMissing: false });
      return;
    case 'upsertComment':
    case 'deleteOwnComment':
      if (typeof before === 'string') await tracker.upsertComment(item, purpose, textToDoc(before));
      else await tracker.deleteOwnComment(item, purpose);
      return;
    case 'setLabel':
      await tracker.setLabel(item, String(target.label), before === true);
      return;
    case 'addLink':
      await tracker.removeLink(item, target.link as LinkTarget);
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
    case 'createItem':
      throw new Error('an item the service created cannot be deleted through the tracker port');
    case 'repairSetup':
      throw new Error(
        'a setup repair of the doctor is undone by an admin in the tracker, not through the port',
      );
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

/** Puts back the before-values, newest write first; one failing write does not stop the others. */
export async function undoEntries(entries: readonly AuditEntry[], options: UndoOptions): Promise<UndoResult> {
  const result: UndoResult = { restored: [], failed: [] };
  for (const entry of entries) {
    try {
      await reverse(options.tracker, entry);
      result.restored.push({ id: entry.id, operation: entry.operation });
    } catch (error) {
      result.failed.push({ id: entry.id, operation: entry.operation, reason: (error as Error).message });
    }
  }
  if (!options.dryRun && result.restored.length > 0)
    await options.audit.markUndone(
      result.restored.map((restored) => restored.id),
      options.undoneBy,
    );
  return result;
}

/** The service's last change to an item, as `/undo` and the admin API find it. */
export async function findLastChange(audit: Pick<AuditStore, 'list'>, item: ItemRef): Promise<AuditEntry[]> {
  return lastChange(await audit.list({ item: { tracker: item.tracker, idOrKey: item.id }, limit: 200 }));
}
