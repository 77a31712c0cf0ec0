import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.ts';
import { jiraError, pageSize, queryList } from './http.ts';
import { fieldNames, issueView, sprintView } from './views.ts';
import { restView } from './world.ts';

type SprintParams = { Params: { sprintId: string } };
type BoardParams = { Params: { boardId: string } };

export function agileRoutes(app: FastifyInstance, { world }: ApiDeps): void {
  const { state } = world;
  const sprintNotFound = (reply: Parameters<typeof jiraError>[0], id: string) =>
    jiraError(reply, 404, [`Sprint with id ${id} does not exist or you do not have permission to see it.`]);
  const boardNotFound = (reply: Parameters<typeof jiraError>[0], id: string) =>
    jiraError(reply, 404, [`Board ${id} does not exist or you do not have permission to see it.`]);

  app.get<SprintParams>('/rest/agile/1.0/sprint/:sprintId', (request, reply) => {
    const sprint = state.sprints.get(Number(request.params.sprintId));
    return sprint ? sprintView(restView(world), sprint) : sprintNotFound(reply, request.params.sprintId);
  });

  // Like JQL `sprint = id`: every issue whose Sprint field lists the sprint. Agile 1.0 paging: startAt/total.
  app.get<SprintParams & { Querystring: { startAt?: string; maxResults?: string; expand?: string } }>(
    '/rest/agile/1.0/sprint/:sprintId/issue',
    (request, reply) => {
      const id = Number(request.params.sprintId);
      if (!state.sprints.has(id)) return sprintNotFound(reply, request.params.sprintId);
      const all = [...state.issues.values()].filter((issue) => issue.sprintIds.includes(id));
      const startAt = Number(request.query.startAt ?? 0);
      const maxResults = Number(request.query.maxResults ?? 50);
      const issues = all
        .slice(startAt, startAt + maxResults)
        .map((issue) => issueView(restView(world), issue));
      return {
        expand: 'schema,names',
        startAt,
        maxResults,
        total: all.length,
        issues,
        ...(queryList(request.query.expand).includes('names') && { names: fieldNames(state, issues) }),
      };
    },
  );

  app.get<BoardParams>('/rest/agile/1.0/board/:boardId/configuration', (request, reply) => {
    const board = state.boards.get(Number(request.params.boardId));
    if (!board) return boardNotFound(reply, request.params.boardId);
    const field = board.estimationFieldId
      ? state.fields.find((f) => f.id === board.estimationFieldId)
      : undefined;
    const project = [...state.projects.values()].find((p) => p.key === board.projectKey);
    return {
      id: board.id,
      name: board.name,
      type: board.type,
      self: `${world.site()}/rest/agile/1.0/board/${board.id}/configuration`,
      location: { type: 'project', key: board.projectKey, id: project?.id, name: project?.name },
      filter: { id: String(10000 + board.id), self: `${world.site()}/rest/api/2/filter/${10000 + board.id}` },
      // Statuses by reference, as Jira answers them (an API v2 `self`); min/max only on a constrained column.
      columnConfig: {
        columns: board.columns.map((column) => ({
          name: column.name,
          statuses: column.statusIds.map((id) => ({ id, self: `${world.site()}/rest/api/2/status/${id}` })),
        })),
        constraintType: 'none',
      },
      estimation: field
        ? { type: 'field', field: { fieldId: field.id, displayName: field.name } }
        : { type: 'issueCount' },
      ranking: { rankCustomFieldId: 10019 },
    };
  });

  app.get<BoardParams & { Querystring: { state?: string; startAt?: string; maxResults?: string } }>(
    '/rest/agile/1.0/board/:boardId/sprint',
    (request, reply) => {
      const boardId = Number(request.params.boardId);
      const board = state.boards.get(boardId);
      if (!board) return boardNotFound(reply, request.params.boardId);
      if (board.type === 'kanban') return jiraError(reply, 400, ['The board does not support sprints']);
      const states = (request.query.state ?? '').split(',').filter(Boolean);
      const all = [...state.sprints.values()].filter(
        (s) => s.boardId === boardId && (states.length === 0 || states.includes(s.state)),
      );
      const startAt = Number(request.query.startAt ?? 0);
      const maxResults = pageSize(request.query.maxResults, 50, state.setup.pageLimits.boards);
      const values = all.slice(startAt, startAt + maxResults).map((s) => sprintView(restView(world), s));
      return { maxResults, startAt, isLast: startAt + values.length >= all.length, values };
    },
  );
}
