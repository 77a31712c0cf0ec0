import type { ItemRef } from '../../domain/events.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import { parseIssueKey } from '../jira-issue-url.ts';
import { changedAfterOwnWrite, type HistoryChange } from '../own-write-history.ts';
import type {
  ChangedBy,
  ChangeSubject,
  ItemPage,
  ItemScope,
  OwnWrite,
  StatusCategory,
  TrackerItem,
  WrittenValues,
} from '../tracker.ts';
import type { JiraContext } from './jira-context.ts';
import type { FieldIndex } from './jira-fields.ts';
import { categoryOf, jiraRef, type RawIssue, toTrackerItem } from './jira-item.ts';
import { offsetPages } from './jira-pages.ts';
import { type RawRemoteLink, remoteToItemLink } from './remote-links.ts';

const PAGE_SIZE = 50;

export async function readRemoteLinks(ctx: JiraContext, issueIdOrKey: string): Promise<RawRemoteLink[]> {
  const links = await ctx.call('getRemoteIssueLinks', () =>
    ctx.cloud.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey }),
  );
  return Array.isArray(links) ? links : [links];
}

/**
 * The field list to map issues by, given `names`, Jira's name now of each field it answered (`expand=names`, which
 * costs nothing more): read again when it names a custom field otherwise or one the list lacks (made or renamed
 * since it was read), at most once per `fieldRefreshMs`, as writes do.
 */
export async function fieldsNamed(
  ctx: JiraContext,
  names: Readonly<Record<string, unknown>> | undefined,
): Promise<FieldIndex> {
  const cached = await ctx.fields.get();
  const renamed = Object.entries(names ?? {}).some(
    ([id, name]) => id.startsWith('customfield_') && cached.byId.get(id)?.name !== name,
  );
  return renamed ? ctx.fields.refresh() : cached;
}

export async function getItem(ctx: JiraContext, ref: ItemRef): Promise<TrackerItem> {
  const [issue, remote] = await Promise.all([
    ctx.call('getIssue', () => ctx.cloud.issues.getIssue({ issueIdOrKey: ref.id, expand: 'names' })),
    readRemoteLinks(ctx, ref.id),
  ]);
  const item = toTrackerItem(issue, await fieldsNamed(ctx, issue.names), ctx.siteUrl);
  const remoteLinks = remote.flatMap((link) => remoteToItemLink(link, ctx.siteUrl) ?? []);
  return { ...item, links: [...item.links, ...remoteLinks] };
}

// BulkFetchIssueRequestBean: "You can request up to 100 issues."
const BULK_FETCH_ISSUES = 100;

/** Many issues by id or key, 100 a request; Jira leaves out those that are gone or hidden from the service. */
export async function getItems(ctx: JiraContext, refs: readonly ItemRef[]): Promise<TrackerItem[]> {
  const ids = [...new Set(refs.map((ref) => ref.id))];
  if (ids.length === 0) return [];
  const items: TrackerItem[] = [];
  for (let chunk = 0; chunk < ids.length; chunk += BULK_FETCH_ISSUES) {
    const issueIdsOrKeys = ids.slice(chunk, chunk + BULK_FETCH_ISSUES);
    const page = await ctx.call('bulkFetchIssues', () =>
      ctx.cloud.issues.bulkFetchIssues({ issueIdsOrKeys, fields: ['*all'], expand: ['names'] }),
    );
    // Errors are only for issues Jira could not read this time ("a retriable error"): the job is retried.
    const failed = page.issueErrors ?? [];
    if (failed.length > 0) {
      throw new TrackerError(
        ErrorKind.Server,
        'jira',
        `Jira could not read ${failed.map(({ id, errorMessage }) => `${id}: ${errorMessage}`).join('; ')}`,
      );
    }
    const issues = page.issues ?? [];
    // Bulk fetch answers `names` per issue.
    const index = await fieldsNamed(ctx, Object.assign({}, ...issues.map((issue) => issue.names)));
    items.push(...issues.map((issue) => toTrackerItem(issue, index, ctx.siteUrl)));
  }
  return items;
}

export async function findItem(ctx: JiraContext, keyOrUrl: string): Promise<TrackerItem | undefined> {
  const key = parseIssueKey(ctx.siteUrl, keyOrUrl);
  if (!key) return undefined;
  try {
    return await getItem(ctx, jiraRef(key, key));
  } catch (error) {
    if (error instanceof TrackerError && error.kind === ErrorKind.NotFound) return undefined;
    throw error;
  }
}

export async function statusCategory(
  ctx: JiraContext,
  statusId: string,
): Promise<StatusCategory | undefined> {
  const known = ctx.statusCategories.get(statusId);
  if (known && Date.now() - known.at < ctx.fieldCacheTtlMs) return known.category;
  let category: StatusCategory | undefined;
  try {
    const status = await ctx.call('getStatus', () =>
      ctx.cloud.workflowStatuses.getStatus({ idOrName: statusId }),
    );
    category = categoryOf(status.statusCategory?.key);
  } catch (error) {
    if (!(error instanceof TrackerError && error.kind === ErrorKind.NotFound)) throw error;
  }
  ctx.statusCategories.set(statusId, { category, at: Date.now() });
  return category;
}

const quote = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** JQL date literal "yyyy-MM-dd HH:mm"; Jira reads it in the API user's time zone, so the bot user should be on UTC. */
/** JQL dates carry no zone: Jira reads them in the account's time zone, at most 14 h away from UTC. */
const ZONE_MARGIN_MS = 14 * 3_600_000;

/** A date no later than `iso` in any time zone; callers drop the extra items by their `updatedAt`. */
function jqlDate(iso: string): string {
  return new Date(Date.parse(iso) - ZONE_MARGIN_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Pages follow the creation order, which nothing changes: ordered by `updated`, the writes of a job that reads the
 * pages (a catch-up scores each item) move the items it has seen behind those it has not, and a page token that
 * stands for a position would skip as many (the sandbox's does; Jira does not say whether its tokens do). The key
 * orders issues created in the same second (a bulk create, an import), which Jira leaves in no stated order.
 */
const CREATION_ORDER = 'ORDER BY created ASC, key ASC';

export function jqlForScope(scope: ItemScope): string {
  switch (scope.kind) {
    case 'container':
      return `project = ${quote(scope.containerId)} ${CREATION_ORDER}`;
    case 'query':
      return scope.query;
    case 'updatedSince':
      return `project = ${quote(scope.containerId)} AND updated >= ${quote(jqlDate(scope.since))} ${CREATION_ORDER}`;
  }
}

/**
 * Jira's approximate count of the scope's issues (/search/approximate-count: "Recent updates might not be immediately
 * visible"). It counts, so it takes the query without its order.
 */
export async function countItems(ctx: JiraContext, scope: ItemScope): Promise<number> {
  const jql = jqlForScope(scope).replace(/\s*\bORDER\s+BY\b[^"']*$/i, '');
  const result = await ctx.call('countIssues', () => ctx.cloud.issueSearch.countIssues({ jql }));
  return result.count ?? 0;
}

/**
 * One page of /search/jql, all fields, and the field list to map them by; the cursor is Jira's nextPageToken (the
 * enhanced search has no offsets).
 */
export async function searchPage(
  ctx: JiraContext,
  jql: string,
  cursor?: string,
): Promise<{ issues: RawIssue[]; index: FieldIndex; next?: string }> {
  const page = await ctx.call('searchIssues', () =>
    ctx.cloud.issueSearch.searchAndReconsileIssuesUsingJqlPost({
      jql,
      nextPageToken: cursor,
      maxResults: PAGE_SIZE,
      fields: ['*all'],
      expand: 'names',
    }),
  );
  const issues: RawIssue[] = page.issues ?? [];
  const index = await fieldsNamed(ctx, page.names);
  return page.nextPageToken && page.isLast !== true
    ? { issues, index, next: page.nextPageToken }
    : { issues, index };
}

export async function listItems(ctx: JiraContext, scope: ItemScope, cursor?: string): Promise<ItemPage> {
  const page = await searchPage(ctx, jqlForScope(scope), cursor);
  const items = page.issues.map((issue) => toTrackerItem(issue, page.index, ctx.siteUrl));
  return page.next ? { items, next: page.next } : { items };
}

/** A changelog item: which field it changed, from and to what (ids and display strings). */
interface ChangelogItem {
  field?: string;
  from?: string | null;
  fromString?: string | null;
  to?: string | null;
  toString?: string | null;
}

/** A number field's value as the changelog writes it ("5", "2.5"; null or empty when emptied); NaN when not one. */
const changelogNumber = (text: string | null | undefined) => (text ? Number(text) : null);

/**
 * What a changelog item set the subject from and to, in the audit's terms; undefined when the item does not change
 * the subject. A number field's item whose strings are no numbers says nothing comparable.
 */
function subjectChange(what: ChangeSubject, item: ChangelogItem): { wrote?: WrittenValues } | undefined {
  if ('link' in what) {
    const key = what.link.kind === 'item' && what.link.ref.tracker === 'jira' ? what.link.ref.key : undefined;
    if (key === undefined || item.field !== 'Link' || (item.to !== key && item.from !== key))
      return undefined;
    return { wrote: { from: item.from === key, to: item.to === key } };
  }
  if ('label' in what) {
    const has = (words: string | null | undefined) => (words ?? '').split(' ').includes(what.label);
    const [from, to] = [has(item.fromString), has(item.toString)];
    return item.field === 'labels' && from !== to ? { wrote: { from, to } } : undefined;
  }
  if ('field' in what) {
    // Custom fields are named in the changelog as they are displayed.
    if (item.field?.toLowerCase() !== what.field.toLowerCase()) return undefined;
    const [from, to] = [changelogNumber(item.fromString), changelogNumber(item.toString)];
    return Number.isNaN(from) || Number.isNaN(to) ? {} : { wrote: { from, to } };
  }
  return item.field === 'status'
    ? { wrote: { from: item.fromString ?? null, to: item.toString ?? null } }
    : undefined;
}

/**
 * Who made the last change to a label, a field, the status or the issue links to a target after the service's write
 * `own` (`changedAfterOwnWrite`), by the issue's changelog (oldest first). Jira records a link made or removed in the
 * changelog of both issues, as a `Link` item naming the other issue by key in `to` (made) or `from` (removed);
 * remote links are not in it.
 */
export async function changedBy(
  ctx: JiraContext,
  ref: ItemRef,
  what: ChangeSubject,
  own: OwnWrite,
): Promise<ChangedBy | undefined> {
  const me = await ctx.myself();
  // Jira lists an issue's changelog oldest first.
  const entries = await offsetPages(async (startAt) => {
    const page = await ctx.call('getChangelogs', () =>
      ctx.cloud.issues.getChangeLogs({ issueIdOrKey: ref.id, startAt, maxResults: 100 }),
    );
    return { items: page.values, isLast: page.isLast, total: page.total };
  });
  const changes: HistoryChange[] = entries.flatMap((entry) => {
    const change = (entry.items ?? []).map((item) => subjectChange(what, item)).find(Boolean);
    if (!change) return [];
    const by = { name: entry.author?.displayName ?? 'someone', service: entry.author?.accountId === me.id };
    return [{ at: entry.created?.getTime() ?? 0, by, ...change }];
  });
  return changedAfterOwnWrite(changes, own);
}
