import { closeDirection } from '../domain/doc.ts';
import { audienceOf } from '../domain/events.ts';
import { oneLine } from '../domain/one-line.ts';
import type { LinkTarget } from '../trackers/tracker.ts';
import type { AuditEntry } from './audit-entry.ts';

type Write = Pick<AuditEntry, 'operation' | 'target' | 'before' | 'after' | 'restrictedTo'>;

/**
 * Titles, statuses and lists quoted in a history row or an undo answer: tracker text of any length, kept to what a
 * table cell can show, and any writing direction it opens (or whose close the cut drops) closed at its end, before
 * the row's words.
 */
const MAX_QUOTED = 120;
export const quoted = (text: unknown) => closeDirection(oneLine(String(text), MAX_QUOTED));

/** Replies to commands carry the comment's id in their purpose; people know them as replies. */
function commentName(purpose: unknown): string {
  const name = String(purpose);
  return name.startsWith('reply-') ? 'reply to a command' : `"${name}" comment`;
}

function linkName(target: Record<string, unknown>): string {
  const link = target.link as LinkTarget | undefined;
  if (!link) return 'a link';
  if (link.kind === 'url') return quoted(link.title || link.url);
  return link.title && link.title !== link.ref.key ? `${link.ref.key} (${quoted(link.title)})` : link.ref.key;
}

const fieldValue = (value: unknown) => (value === null || value === undefined ? 'empty' : String(value));

/** What a write touched, as undo's answer names what it restored: "label needs-acceptance-criteria". */
export function writtenThing(entry: Write): string {
  const { target, before } = entry;
  switch (entry.operation) {
    case 'setNumberFields':
      return `fields ${Object.keys(before as Record<string, unknown>).join(', ')}`;
    case 'setLabel':
      return `label ${String(target.label)}`;
    case 'addLink':
    case 'removeLink':
      return `link to ${quoted((target.link as LinkTarget).title)}`;
    case 'upsertComment':
    case 'deleteOwnComment':
      return `comment (${String(target.purpose)})`;
    case 'moveTo':
      return `status (back to ${quoted(before)})`;
    case 'setDescription':
      return 'description';
    case 'setTitle':
      return `title (back to "${quoted(before)}")`;
    default:
      return entry.operation;
  }
}

/**
 * Whom a comment shows to, when Jira restricts it: the history names them, never the text, which the people the
 * console lets read the trail may not be allowed to read.
 */
const restriction = (entry: Write) =>
  entry.restrictedTo ? `, restricted to ${audienceOf(entry.restrictedTo)}` : '';

/**
 * What a write did, in the words of the console's history: "set Impact 5 (was 3)", "added label …", "linked HELP-18
 * (…)". Values come from the audit entry as recorded; tracker text in them is the caller's to escape.
 */
export function describeWrite(entry: Write): string {
  const { target, before, after } = entry;
  switch (entry.operation) {
    case 'setNumberFields': {
      const was = (before ?? {}) as Record<string, unknown>;
      const fields = Object.entries((after ?? {}) as Record<string, unknown>).map(([name, value]) =>
        value === null
          ? `${name} cleared (was ${fieldValue(was[name])})`
          : was[name] === null || was[name] === undefined
            ? `${name} ${value}`
            : `${name} ${value} (was ${fieldValue(was[name])})`,
      );
      return `set ${fields.join(', ')}`;
    }
    case 'upsertComment':
      return `${before === null ? 'posted' : 'updated'} its ${commentName(target.purpose)}${restriction(entry)}`;
    case 'deleteOwnComment':
      return `deleted its ${commentName(target.purpose)}${restriction(entry)}`;
    case 'setLabel':
      return `${after === true ? 'added' : 'removed'} label ${String(target.label)}`;
    case 'addLink':
      return `linked ${linkName(target)}`;
    case 'removeLink':
      return `removed the link to ${linkName(target)}`;
    case 'moveTo':
      return `moved from ${quoted(before)} to ${quoted(after)}`;
    case 'setDescription':
      return 'edited the description';
    case 'setTitle':
      return `renamed from "${quoted(before)}" to "${quoted(after)}"`;
    case 'createItem': {
      const title = (after as { title?: unknown } | null)?.title;
      return typeof title === 'string' ? `created "${quoted(title)}"` : 'created the item';
    }
    case 'repairSetup':
      return `repaired the tracker's setup (${String(target.kind)})`;
  }
}
