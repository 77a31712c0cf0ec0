import type { FastifyInstance } from 'fastify';
import type { ApiDeps, IdParams } from './api-deps.ts';
import { decodePageToken, encodePageToken, guarded, issueNotFound, strings } from './http.ts';
import { SandboxInputError } from './issue-changes.ts';
import { browsableIssues } from './permissions.ts';
import { type ChangelogEntry, findIssue, type SiteSetup } from './state.ts';
import { userView } from './views.ts';
import { type JiraWorld, restView } from './world.ts';

// BulkChangelogRequestBean: "up to 1000 issues and … up to 10 field IDs"; maxResults default 1000, maximum 10000.
const BULK_ISSUES = 1000;
const BULK_FIELDS = 10;
const BULK_PAGE_DEFAULT = 1000;
const BULK_PAGE_MAX = 10_000;

interface BulkChangelogBody {
  issueIdsOrKeys?: unknown;
  fieldIds?: unknown;
  maxResults?: unknown;
  nextPageToken?: unknown;
}

const CREATED_VIEWS: Record<SiteSetup['bulkChangelogCreated'], (iso: string) => string | number> = {
  iso: (iso) => iso,
  epochMillis: (iso) => Date.parse(iso),
  epochSeconds: (iso) => Math.floor(Date.parse(iso) / 1000),
};

const historyView = (
  world: JiraWorld,
  entry: ChangelogEntry,
  created: SiteSetup['bulkChangelogCreated'] = 'iso',
) => ({
  id: entry.id,
  author: userView(restView(world), entry.authorId),
  created: CREATED_VIEWS[created](entry.created),
  items: entry.items,
});

/** An issue's changelog, paged by startAt; and the changelogs of many issues at once, paged by token. */
export function changelogRoutes(app: FastifyInstance, { world, actor }: ApiDeps): void {
  const { state } = world;

  app.get<IdParams & { Querystring: { startAt?: string; maxResults?: string } }>(
    '/rest/api/3/issue/:idOrKey/changelog',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const startAt = Number(request.query.startAt ?? 0);
      const maxResults = Number(request.query.maxResults ?? 100);
      const values = issue.changelog
        .slice(startAt, startAt + maxResults)
        .map((entry) => historyView(world, entry));
      return {
        self: `${world.site()}/rest/api/3/issue/${issue.key}/changelog?maxResults=${maxResults}&startAt=${startAt}`,
        maxResults,
        startAt,
        total: issue.changelog.length,
        isLast: startAt + values.length >= issue.changelog.length,
        values,
      };
    },
  );

  // All the histories of the issues, oldest first (then smallest issue id), grouped by issue within a page: an
  // issue's histories may run over several pages. Issues the caller may not browse, or that do not exist, are
  // left out; a field filter keeps only the changed items of those fields, and histories left with none.
  app.post<{ Body: BulkChangelogBody }>('/rest/api/3/changelog/bulkfetch', (request, reply) =>
    guarded(reply, () => {
      const body = request.body ?? {};
      if (!strings(body.issueIdsOrKeys) || body.issueIdsOrKeys.length === 0) {
        throw new SandboxInputError('issueIdsOrKeys must contain at least one issue ID or key.');
      }
      if (body.issueIdsOrKeys.length > BULK_ISSUES) {
        throw new SandboxInputError(`The number of issues must not exceed ${BULK_ISSUES}.`);
      }
      if (body.fieldIds !== undefined && !strings(body.fieldIds)) {
        throw new SandboxInputError('fieldIds must be a list of field IDs.');
      }
      if ((body.fieldIds?.length ?? 0) > BULK_FIELDS) {
        throw new SandboxInputError(`The number of field IDs must not exceed ${BULK_FIELDS}.`);
      }
      const size = Math.min(Math.max(Number(body.maxResults ?? BULK_PAGE_DEFAULT) || 1, 1), BULK_PAGE_MAX);
      const offset = decodePageToken(typeof body.nextPageToken === 'string' ? body.nextPageToken : undefined);
      const fields = body.fieldIds && body.fieldIds.length > 0 ? new Set(body.fieldIds) : undefined;
      const all = browsableIssues(state, world.botAccountId, actor(request), body.issueIdsOrKeys)
        .flatMap((issue) =>
          issue.changelog.map((entry) => ({
            issue,
            entry: {
              ...entry,
              items: entry.items.filter((item) => !fields || fields.has(item.fieldId ?? '')),
            },
          })),
        )
        .filter(({ entry }) => entry.items.length > 0)
        .sort(
          (a, b) =>
            Date.parse(a.entry.created) - Date.parse(b.entry.created) ||
            Number(a.issue.id) - Number(b.issue.id),
        );
      const grouped = new Map<string, ReturnType<typeof historyView>[]>();
      for (const { issue, entry } of all.slice(offset, offset + size)) {
        const history = historyView(world, entry, state.setup.bulkChangelogCreated);
        grouped.set(issue.id, [...(grouped.get(issue.id) ?? []), history]);
      }
      const more = offset + size < all.length;
      return {
        issueChangeLogs: [...grouped].map(([issueId, changeHistories]) => ({ issueId, changeHistories })),
        ...(more && { nextPageToken: encodePageToken(offset + size) }),
      };
    }),
  );
}
