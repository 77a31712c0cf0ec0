import { type Doc, doc, docToPlainText, paragraph } from '../../src/domain/doc.ts';
import type { CommentVisibility, ItemRef } from '../../src/domain/events.ts';
import { TrackerError } from '../../src/errors.ts';
import { renameKey } from '../../src/trackers/renamed-key.ts';
import type { ItemLink, LinkTarget, Tracker, TrackerItem } from '../../src/trackers/tracker.ts';

export interface MemoryTracker extends Tracker {
  items: Map<string, TrackerItem>;
  /** Own comments by `${itemId}/${purpose}`; one set by hand or renamed has no `doc`: it reads as its lines. */
  comments: Map<string, { id: string; text: string; doc?: Doc }>;
  /** Every write call, in order, to assert that dry-run sends none. */
  writes: string[];
}

const sameTarget = (a: LinkTarget, b: LinkTarget) =>
  a.kind === 'item' && b.kind === 'item' ? a.ref.id === b.ref.id : a.url === b.url;

/** The Jira site of the memory tracker's issues. */
export const MEMORY_JIRA_SITE = 'https://acme.atlassian.net';

export function memoryItem(key: string, overrides: Partial<TrackerItem> = {}): TrackerItem {
  const ref: ItemRef = { tracker: 'jira', id: `id-${key}`, key };
  return {
    ref,
    url: `${MEMORY_JIRA_SITE}/browse/${key}`,
    title: `Item ${key}`,
    description: 'As a user I want things',
    status: { name: 'To Do', category: 'todo' },
    container: { id: '10000', key: key.split('-')[0] ?? key },
    labels: [],
    fields: {},
    estimate: {},
    links: [],
    checklists: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** An in-memory Jira-like tracker: strict (unknown item → notFound), records every write. */
export function createMemoryTracker(items: TrackerItem[]): MemoryTracker {
  const byId = new Map(items.map((item) => [item.ref.id, structuredClone(item)]));
  const comments = new Map<string, { id: string; text: string; doc?: Doc; visibility?: CommentVisibility }>();
  const writes: string[] = [];
  let nextComment = 1;
  const item = (ref: ItemRef) => {
    const found = byId.get(ref.id);
    if (!found) throw new TrackerError('notFound', 'jira', `No item ${ref.key}`, { status: 404 });
    return found;
  };

  return {
    name: 'jira',
    items: byId,
    comments,
    writes,
    whoAmI: async () => ({ id: 'bot', displayName: 'Refinery', mentions: ['@Refinery'] }),
    getItem: async (ref) => structuredClone(item(ref)),
    findItem: async (key) => {
      const found = [...byId.values()].find((candidate) => candidate.ref.key === key);
      return found ? structuredClone(found) : undefined;
    },
    listItems: async () => ({ items: [...byId.values()] }),
    permittedItems: async (_accountId, refs) => new Set(refs.map((ref) => ref.id)),
    async setNumberFields(ref, values) {
      writes.push(`setNumberFields ${ref.key}`);
      const target = item(ref);
      const written = Object.keys(values).filter((name) => target.fields[name] !== values[name]);
      for (const name of written) target.fields[name] = values[name] ?? null;
      return { written, unchanged: Object.keys(values).filter((n) => !written.includes(n)), missing: [] };
    },
    async upsertComment(ref, purpose, body, options) {
      writes.push(
        `upsertComment ${ref.key} ${purpose}${options?.audience === 'customers' ? ' (public)' : ''}`,
      );
      item(ref);
      const key = `${ref.id}/${purpose}`;
      const text = docToPlainText(body);
      const existing = comments.get(key);
      if (existing?.text === text) return { id: existing.id, action: 'unchanged' };
      const id = existing?.id ?? `c${nextComment++}`;
      // As Jira: a restricted comment stays so; a new one takes the restriction asked for.
      const visibility = existing?.visibility ?? options?.visibility;
      comments.set(key, { id, text, doc: body, ...(visibility && { visibility }) });
      return { id, action: existing ? 'updated' : 'created' };
    },
    async planComment(ref, purpose, body) {
      const existing = comments.get(`${ref.id}/${purpose}`);
      if (!existing) return { action: 'created' };
      return { id: existing.id, action: existing.text === docToPlainText(body) ? 'unchanged' : 'updated' };
    },
    fitComment: (_ref, _purpose, body) => body,
    async planRename(ref, purpose, from, to) {
      const existing = comments.get(`${ref.id}/${purpose}`);
      if (!existing) return undefined;
      const text = renameKey(existing.text, from, to);
      return { id: existing.id, action: text === existing.text ? 'unchanged' : 'updated', text };
    },
    async renameInOwnComment(ref, purpose, from, to) {
      writes.push(`renameInOwnComment ${ref.key} ${purpose}`);
      const existing = comments.get(`${ref.id}/${purpose}`);
      if (!existing) return undefined;
      const text = renameKey(existing.text, from, to);
      if (text === existing.text) return { id: existing.id, action: 'unchanged' };
      const { visibility } = existing;
      comments.set(`${ref.id}/${purpose}`, { id: existing.id, text, ...(visibility && { visibility }) });
      return { id: existing.id, action: 'updated' };
    },
    async getOwnComment(ref, purpose) {
      const own = comments.get(`${ref.id}/${purpose}`);
      return own && { ...own, doc: own.doc ?? doc(...own.text.split('\n').map((line) => paragraph(line))) };
    },
    async deleteOwnComment(ref, purpose) {
      writes.push(`deleteOwnComment ${ref.key} ${purpose}`);
      return comments.delete(`${ref.id}/${purpose}`);
    },
    async setLabel(ref, label, present) {
      writes.push(`setLabel ${ref.key} ${label}`);
      const target = item(ref);
      if (target.labels.includes(label) === present) return false;
      target.labels = present ? [...target.labels, label] : target.labels.filter((l) => l !== label);
      return true;
    },
    async addLink(from, to, type) {
      writes.push(`addLink ${from.key}`);
      const target = item(from);
      if (target.links.some((link) => sameTarget(link.target, to))) return false;
      const link: ItemLink = { target: to, type, direction: 'outward' };
      target.links.push(link);
      return true;
    },
    async removeLink(from, to) {
      writes.push(`removeLink ${from.key}`);
      const target = item(from);
      const before = target.links.length;
      target.links = target.links.filter((link) => !sameTarget(link.target, to));
      return target.links.length !== before;
    },
    async moveTo(ref, status) {
      writes.push(`moveTo ${ref.key}`);
      item(ref).status = { name: status, category: status === 'Done' ? 'done' : 'in_progress' };
    },
    async setDescription(ref, text) {
      writes.push(`setDescription ${ref.key}`);
      item(ref).description = text;
      return { cut: false };
    },
    async planDescription(_ref, text) {
      return { outcome: { cut: false }, description: text };
    },
    async setTitle(ref, title) {
      writes.push(`setTitle ${ref.key}`);
      item(ref).title = title;
    },
    async createItem(container, newItem) {
      writes.push(`createItem ${container.containerId}`);
      const created = memoryItem(`${container.containerId}-${byId.size + 1}`, { title: newItem.title });
      byId.set(created.ref.id, created);
      return created.ref;
    },
  };
}
