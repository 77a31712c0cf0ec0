import type { Tracker } from '../tracker.ts';
import {
  deleteOwnComment,
  fitComment,
  getOwnComment,
  planComment,
  planRename,
  renameInOwnComment,
  upsertComment,
} from './jira-comments.ts';
import { createJiraContext, type JiraTrackerOptions } from './jira-context.ts';
import { addLink, removeLink } from './jira-links.ts';
import { browseAudience, permittedItems } from './jira-permissions.ts';
import {
  changedBy,
  countItems,
  findItem,
  getItem,
  getItems,
  listItems,
  statusCategory,
} from './jira-reads.ts';
import { createSprintReader } from './jira-sprints.ts';
import {
  createItem,
  moveTo,
  planDescription,
  setDescription,
  setLabel,
  setNumberFields,
  setTitle,
} from './jira-writes.ts';

export type { JiraTrackerOptions } from './jira-context.ts';

/** The Jira Cloud adapter of the Tracker port (jira.js 6, REST v3 + Agile 1.0, basic auth with an API token). */
export function createJiraTracker(options: JiraTrackerOptions): Tracker {
  const ctx = createJiraContext(options);
  return {
    name: 'jira',
    whoAmI: async () => {
      const me = await ctx.myself();
      return { ...me, mentions: [`@${me.displayName}`, `@${me.id}`] };
    },
    getItem: (ref) => getItem(ctx, ref),
    getItems: (refs) => getItems(ctx, refs),
    findItem: (keyOrUrl) => findItem(ctx, keyOrUrl),
    listItems: (scope, cursor) => listItems(ctx, scope, cursor),
    countItems: (scope) => countItems(ctx, scope),
    permittedItems: (accountId, refs, permission) => permittedItems(ctx, accountId, refs, permission),
    setNumberFields: (ref, values) => setNumberFields(ctx, ref, values),
    upsertComment: (ref, purpose, body, options) => upsertComment(ctx, ref, purpose, body, options),
    planComment: (ref, purpose, body) => planComment(ctx, ref, purpose, body),
    fitComment: (ref, purpose, body) => fitComment(ctx, ref, purpose, body),
    renameInOwnComment: (ref, purpose, from, to) => renameInOwnComment(ctx, ref, purpose, from, to),
    planRename: (ref, purpose, from, to) => planRename(ctx, ref, purpose, from, to),
    getOwnComment: (ref, purpose) => getOwnComment(ctx, ref, purpose),
    deleteOwnComment: (ref, purpose) => deleteOwnComment(ctx, ref, purpose),
    setLabel: (ref, label, present) => setLabel(ctx, ref, label, present),
    changedBy: (ref, what, own) => changedBy(ctx, ref, what, own),
    addLink: (from, to, type) => addLink(ctx, from, to, type),
    removeLink: (from, to, linkId) => removeLink(ctx, from, to, linkId),
    moveTo: (ref, status) => moveTo(ctx, ref, status),
    setDescription: (ref, text, options) => setDescription(ctx, ref, text, options),
    planDescription: (ref, text) => planDescription(ctx, ref, text),
    setTitle: (ref, title) => setTitle(ctx, ref, title),
    createItem: (target, item) => createItem(ctx, target, item),
    statusCategory: (statusId) => statusCategory(ctx, statusId),
    browseAudience: (projectKey) => browseAudience(ctx, projectKey),
    sprints: createSprintReader(ctx),
  };
}
