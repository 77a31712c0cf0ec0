import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.ts';
import { decodePageToken, encodePageToken, guarded, pageSize, queryList } from './http.ts';
import { runJql } from './jql.ts';
import { fieldNames, issueView } from './views.ts';
import { restView } from './world.ts';

interface SearchInput {
  jql?: string;
  nextPageToken?: string;
  maxResults?: number | string;
  fields?: string | string[];
  expand?: string;
}

/** GET/POST /search/jql: token paging, no total, and only `id` unless fields are asked for (as Jira does). */
export function searchRoutes(app: FastifyInstance, { world }: ApiDeps): void {
  const search = (input: SearchInput) => {
    const all = runJql(world.state, input.jql ?? '');
    const offset = decodePageToken(input.nextPageToken);
    const fields = queryList(input.fields);
    const { search, searchIdsOnly } = world.state.setup.pageLimits;
    const idsOnly = fields.every((field) => field === 'id' || field === 'key');
    const size = pageSize(input.maxResults, 50, idsOnly ? searchIdsOnly : search);
    const page = all.slice(offset, offset + size);
    const only = fields.some((f) => f.startsWith('*')) ? undefined : new Set(fields);
    const issues = page.map((issue) =>
      fields.length === 0 ? { id: issue.id } : issueView(restView(world), issue, only),
    );
    const more = offset + size < all.length;
    return {
      issues,
      ...(queryList(input.expand).includes('names') && { names: fieldNames(world.state, issues) }),
      isLast: !more,
      ...(more && { nextPageToken: encodePageToken(offset + size) }),
    };
  };
  // Jira's count is approximate ("recent updates might not be immediately visible"); the sandbox's is exact.
  app.post<{ Body: { jql?: string } }>('/rest/api/3/search/approximate-count', (request, reply) =>
    guarded(reply, () => ({ count: runJql(world.state, request.body?.jql ?? '').length })),
  );
  app.get<{ Querystring: SearchInput }>('/rest/api/3/search/jql', (request, reply) =>
    guarded(reply, () => search(request.query)),
  );
  app.post<{ Body: SearchInput }>('/rest/api/3/search/jql', (request, reply) =>
    guarded(reply, () => search(request.body ?? {})),
  );
}
