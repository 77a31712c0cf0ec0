import { type Doc, docToPlainText } from '../domain/doc.ts';
import type { CommentVisibility, ItemRef } from '../domain/events.ts';
import type { ItemLink, LinkTarget, OwnComment, Tracker } from '../trackers/tracker.ts';
import type { AuditContext, AuditEntry, AuditOperation } from './audit-entry.ts';
import type { AuditStore } from './audit-store.ts';

export interface AuditedTrackerOptions {
  audit: Pick<AuditStore, 'record'>;
  /** Reads still happen; writes are recorded as "would write" (mode dry-run) and never sent. */
  dryRun: boolean;
  context: AuditContext;
}

type FieldValue = number | null;

/** The named fields as numbers (a number in a string counts; anything else is empty), as audit entries hold them. */
export function pickNumbers(
  fields: Record<string, unknown>,
  names: readonly string[],
): Record<string, FieldValue> {
  const picked: Record<string, FieldValue> = {};
  for (const name of names) {
    const value = fields[name];
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    picked[name] = typeof number === 'number' && Number.isFinite(number) ? number : null;
  }
  return picked;
}

/** By id or key: a Trello attachment names a Jira issue by the key in its URL. */
export function sameLinkTarget(a: LinkTarget, b: LinkTarget): boolean {
  if (a.kind === 'item' && b.kind === 'item')
    return a.ref.tracker === b.ref.tracker && (a.ref.id === b.ref.id || a.ref.key === b.ref.key);
  return a.url === b.url;
}

/**
 * The earlier version of a comment, as undo writes it back: its Doc, links, lists and emphasis kept. Entries stay
 * as small as when they kept the text (a comment's is at most Jira's 32,767 characters): a Doc longer as JSON
 * (a Trello comment of many short Markdown lines) is kept as its plain text, which undo writes a paragraph a line.
 */
const MAX_KEPT_DOC = 32_767;
function keptComment(comment: OwnComment | undefined): Doc | string | null {
  if (!comment) return null;
  return JSON.stringify(comment.doc).length <= MAX_KEPT_DOC ? comment.doc : comment.text;
}

function findLink(links: readonly ItemLink[], target: LinkTarget): ItemLink | undefined {
  return links.find((link) => sameLinkTarget(link.target, target));
}

/**
 * The Tracker port with an audit trail: every write reads what it is about to change, then records before and
 * after values with who asked and why. In dry-run it answers as the tracker would have, and writes nothing.
 */
export function createAuditedTracker(tracker: Tracker, options: AuditedTrackerOptions): Tracker {
  const { audit, dryRun, context } = options;
  const mode = dryRun ? 'dry-run' : 'applied';
  let dryRunItems = 0;
  const record = async (
    item: ItemRef,
    operation: AuditOperation,
    target: Record<string, unknown>,
    before: unknown,
    after: unknown,
    shown?: Pick<AuditEntry, 'restrictedTo' | 'audience'>,
  ) => {
    await audit.record({ item, operation, mode, context, target, before, after, ...shown });
  };
  /**
   * Whom a comment's entry says it showed to: its restriction (null for none, so an entry of this shape tells an
   * unrestricted comment from one recorded before restrictions were), and whether `before` was public.
   */
  const shownTo = (before: OwnComment | undefined, restrictedTo: CommentVisibility | undefined) => ({
    restrictedTo: restrictedTo ?? null,
    ...(before?.audience && { audience: before.audience }),
  });

  return {
    name: tracker.name,
    sprints: tracker.sprints,
    boardActivity: tracker.boardActivity,
    itemOfChecklist: tracker.itemOfChecklist,
    whoAmI: () => tracker.whoAmI(),
    getItem: (ref) => tracker.getItem(ref),
    ...(tracker.getItems && { getItems: tracker.getItems.bind(tracker) }),
    findItem: (keyOrUrl) => tracker.findItem(keyOrUrl),
    listItems: (scope, cursor) => tracker.listItems(scope, cursor),
    ...(tracker.countItems && { countItems: tracker.countItems.bind(tracker) }),
    ...(tracker.changedBy && { changedBy: tracker.changedBy.bind(tracker) }),
    ...(tracker.statusCategory && { statusCategory: tracker.statusCategory.bind(tracker) }),
    ...(tracker.browseAudience && { browseAudience: tracker.browseAudience.bind(tracker) }),
    ...(tracker.boardAudience && { boardAudience: tracker.boardAudience.bind(tracker) }),
    ...(tracker.doneSince && { doneSince: tracker.doneSince.bind(tracker) }),
    ...(tracker.boardExit && { boardExit: tracker.boardExit.bind(tracker) }),
    permittedItems: (accountId, refs, permission) => tracker.permittedItems(accountId, refs, permission),
    planDescription: (ref, text) => tracker.planDescription(ref, text),
    planComment: (ref, purpose, body) => tracker.planComment(ref, purpose, body),
    fitComment: (ref, purpose, body) => tracker.fitComment(ref, purpose, body),

    async setNumberFields(ref, values, fieldOptions) {
      const names = Object.keys(values);
      const before = pickNumbers((await tracker.getItem(ref)).fields, names);
      const written = names.filter((name) => before[name] !== values[name]);
      const outcome = dryRun
        ? { written, unchanged: names.filter((name) => !written.includes(name)), missing: [] }
        : await tracker.setNumberFields(ref, values, fieldOptions);
      if (outcome.written.length > 0) {
        const after = pickNumbers(values, outcome.written);
        await record(ref, 'setNumberFields', {}, pickNumbers(before, outcome.written), after);
      }
      return outcome;
    },

    async upsertComment(ref, purpose, body, commentOptions) {
      const before = await tracker.getOwnComment(ref, purpose);
      // As the tracker will show it: a body cut at the limit, cut, so undo does not take the cut for an edit.
      const text = docToPlainText(tracker.fitComment(ref, purpose, body));
      // A comment restricted once keeps its restriction through the write; a new one takes the caller's.
      const shown = shownTo(before, before?.visibility ?? commentOptions?.visibility);
      if (dryRun) {
        // The adapter compares as its write would: a body cut at the limit as it would send it, cut.
        const plan = await tracker.planComment(ref, purpose, body);
        if (plan.action !== 'unchanged')
          await record(ref, 'upsertComment', { purpose }, keptComment(before), text, shown);
        return plan.action === 'created' ? { id: `dry-run:${purpose}`, action: 'created' } : plan;
      }
      const outcome = await tracker.upsertComment(ref, purpose, body, commentOptions);
      if (outcome.action !== 'unchanged')
        await record(ref, 'upsertComment', { purpose }, keptComment(before), text, shown);
      return outcome;
    },

    async renameInOwnComment(ref, purpose, from, to) {
      const before = await tracker.getOwnComment(ref, purpose);
      // As the tracker will show it: a comment the longer key takes over the limit is cut again by the write.
      const plan = before && (await tracker.planRename(ref, purpose, from, to));
      if (!before || !plan) return undefined;
      const recorded = () =>
        record(
          ref,
          'upsertComment',
          { purpose },
          keptComment(before),
          plan.text,
          shownTo(before, before.visibility),
        );
      if (dryRun) {
        if (plan.action === 'updated') await recorded();
        return { id: plan.id, action: plan.action };
      }
      const outcome = await tracker.renameInOwnComment(ref, purpose, from, to);
      if (outcome?.action === 'updated') await recorded();
      return outcome;
    },

    planRename: (ref, purpose, from, to) => tracker.planRename(ref, purpose, from, to),

    getOwnComment: (ref, purpose) => tracker.getOwnComment(ref, purpose),

    async deleteOwnComment(ref, purpose) {
      const before = await tracker.getOwnComment(ref, purpose);
      const deleted = dryRun ? before !== undefined : await tracker.deleteOwnComment(ref, purpose);
      if (deleted)
        await record(
          ref,
          'deleteOwnComment',
          { purpose },
          keptComment(before),
          null,
          shownTo(before, before?.visibility),
        );
      return deleted;
    },

    async setLabel(ref, label, present) {
      const had = (await tracker.getItem(ref)).labels.includes(label);
      const changed = dryRun ? had !== present : await tracker.setLabel(ref, label, present);
      if (changed) await record(ref, 'setLabel', { label }, !present, present);
      return changed;
    },

    async addLink(from, to, type) {
      const before = (await tracker.getItem(from)).links;
      const changed = dryRun ? findLink(before, to) === undefined : await tracker.addLink(from, to, type);
      if (!changed) return changed;
      // The link's id, as the tracker reads it back: undo tells by it that a link there now is still this one.
      const known = new Set(before.map((link) => link.id));
      const links = dryRun
        ? []
        : (await tracker.getItem(from)).links.filter((l) => sameLinkTarget(l.target, to));
      const id = (links.find((link) => !known.has(link.id)) ?? links[0])?.id;
      await record(from, 'addLink', { link: to, type }, null, { type, ...(id !== undefined && { id }) });
      return changed;
    },

    async removeLink(from, to, linkId) {
      const links = (await tracker.getItem(from)).links;
      const existing = linkId === undefined ? findLink(links, to) : links.find((link) => link.id === linkId);
      const changed = dryRun ? existing !== undefined : await tracker.removeLink(from, to, linkId);
      if (changed)
        await record(from, 'removeLink', { link: to }, existing ? { type: existing.type } : null, null);
      return changed;
    },

    async moveTo(ref, statusOrList) {
      const before = (await tracker.getItem(ref)).status.name;
      if (!dryRun) await tracker.moveTo(ref, statusOrList);
      if (before.toLowerCase() !== statusOrList.toLowerCase())
        await record(ref, 'moveTo', {}, before, statusOrList);
    },

    async setDescription(ref, text, options) {
      const before = (await tracker.getItem(ref)).description;
      if (dryRun) {
        // The adapter measures and cuts as its write would; with `whole`, a text that does not fit is not written at all.
        const { outcome, description } = await tracker.planDescription(ref, text);
        const written = !(outcome.cut && options?.whole);
        if (written && before !== description) await record(ref, 'setDescription', {}, before, description);
        return outcome;
      }
      const outcome = await tracker.setDescription(ref, text, options);
      // As the tracker reads it back (Jira turns the Markdown into ADF), so undo can tell a later edit from it.
      const after = (await tracker.getItem(ref)).description;
      if (before !== after) await record(ref, 'setDescription', {}, before, after);
      return outcome;
    },

    async setTitle(ref, title) {
      const before = (await tracker.getItem(ref)).title;
      if (!dryRun) await tracker.setTitle(ref, title);
      if (before !== title) await record(ref, 'setTitle', {}, before, title);
    },

    async createItem(container, item) {
      const ref = dryRun
        ? { tracker: tracker.name, id: `dry-run-${++dryRunItems}`, key: `dry-run-${dryRunItems}` }
        : await tracker.createItem(container, item);
      await record(ref, 'createItem', { container }, null, { title: item.title, labels: item.labels });
      return ref;
    },
  };
}
