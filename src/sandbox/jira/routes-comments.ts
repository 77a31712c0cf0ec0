import type { FastifyInstance } from 'fastify';
import { type AdfDoc, isAdfDoc } from '../../trackers/jira/adf-types.ts';
import { invalidAdf } from './adf-rules.ts';
import type { ApiDeps, IdParams } from './api-deps.ts';
import { issueNotFound, jiraError, pageSize } from './http.ts';
import { addComment, deleteComment, updateComment } from './social-changes.ts';
import { type CommentVisibility, findIssue, projectOf, TOO_LONG, tooLong } from './state.ts';
import { commentView } from './views.ts';
import { restView } from './world.ts';

type CommentParams = { Params: { idOrKey: string; commentId: string } };
type Property = { key?: string; value?: unknown };
type CommentBody = { body?: unknown; properties?: Property[]; visibility?: Partial<CommentVisibility> };

/** `sd.public.comment` `{ internal }` when the request names it. */
function internalProperty(properties: Property[] | undefined): boolean | undefined {
  const value = properties?.find((p) => p.key === 'sd.public.comment')?.value as
    | { internal?: unknown }
    | undefined;
  return typeof value?.internal === 'boolean' ? value.internal : undefined;
}

/** The group or role a comment is restricted to, when the request names one (by name, or a group by id). */
function restriction(visibility: CommentBody['visibility']): CommentVisibility | undefined {
  const { type, value, identifier } = visibility ?? {};
  if ((type !== 'group' && type !== 'role') || !(value ?? identifier)) return undefined;
  return { type, value: value ?? identifier ?? '', ...(identifier && { identifier }) };
}

export function commentRoutes(app: FastifyInstance, { world, actor }: ApiDeps): void {
  const { state } = world;
  const find = (idOrKey: string, commentId: string) => {
    const issue = findIssue(state, idOrKey);
    return issue && state.comments.find((c) => c.issueId === issue.id && c.id === commentId);
  };
  const notFound = (reply: Parameters<typeof jiraError>[0]) =>
    jiraError(reply, 404, ['Can not find a comment for the id.']);
  const badBody = (reply: Parameters<typeof jiraError>[0], body: unknown) => {
    if (!isAdfDoc(body)) return jiraError(reply, 400, [], { comment: 'Comment body can not be empty!' });
    return invalidAdf(body)
      ? jiraError(reply, 400, ['INVALID_INPUT'])
      : jiraError(reply, 400, [], { comment: TOO_LONG });
  };
  const acceptable = (body: unknown): body is AdfDoc => isAdfDoc(body) && !invalidAdf(body) && !tooLong(body);

  app.get<IdParams & { Querystring: { startAt?: string; maxResults?: string } }>(
    '/rest/api/3/issue/:idOrKey/comment',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const all = state.comments.filter((c) => c.issueId === issue.id);
      const startAt = Number(request.query.startAt ?? 0);
      const limit = state.setup.pageLimits.comments;
      // Jira Cloud's default and cap: a client asking for more gets 100 and must page on.
      const maxResults = pageSize(request.query.maxResults, limit, limit);
      const comments = all.slice(startAt, startAt + maxResults).map((c) => commentView(restView(world), c));
      return { startAt, maxResults, total: all.length, comments };
    },
  );

  app.post<IdParams & { Body: CommentBody }>('/rest/api/3/issue/:idOrKey/comment', (request, reply) => {
    const issue = findIssue(state, request.params.idOrKey);
    if (!issue) return issueNotFound(reply);
    const body = request.body?.body;
    if (!acceptable(body)) return badBody(reply, body);
    const comment = addComment(world, actor(request), issue, body, {
      internal: internalProperty(request.body?.properties) === true,
      visibility: restriction(request.body?.visibility),
    });
    return reply.code(201).send(commentView(restView(world), comment));
  });

  app.get<CommentParams>('/rest/api/3/issue/:idOrKey/comment/:commentId', (request, reply) => {
    const comment = find(request.params.idOrKey, request.params.commentId);
    return comment ? commentView(restView(world), comment) : notFound(reply);
  });

  app.put<CommentParams & { Body: CommentBody }>(
    '/rest/api/3/issue/:idOrKey/comment/:commentId',
    (request, reply) => {
      const comment = find(request.params.idOrKey, request.params.commentId);
      if (!comment) return notFound(reply);
      if (!acceptable(request.body?.body)) return badBody(reply, request.body?.body);
      const who = actor(request);
      // Stricter than a site where the bot may "Edit all comments": editing a person's comment is a bug to surface.
      if (comment.authorId !== who) {
        return jiraError(reply, 403, ['You do not have the permission to edit this comment.']);
      }
      const internal = internalProperty(request.body.properties);
      // An edit that names the property changes the visibility (Service Management projects only).
      if (
        internal !== undefined &&
        projectOf(state, findIssue(state, comment.issueId)!).projectTypeKey === 'service_desk'
      ) {
        comment.internal = internal;
      }
      updateComment(world, who, comment, request.body.body as AdfDoc, restriction(request.body.visibility));
      return commentView(restView(world), comment);
    },
  );

  app.delete<CommentParams>('/rest/api/3/issue/:idOrKey/comment/:commentId', (request, reply) => {
    const comment = find(request.params.idOrKey, request.params.commentId);
    if (!comment) return notFound(reply);
    deleteComment(world, actor(request), comment);
    return reply.code(204).send();
  });
}
