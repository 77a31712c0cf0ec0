import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AdfDoc, isAdfDoc } from '../../trackers/jira/adf-types.ts';
import { invalidAdf } from './adf-rules.ts';
import type { ApiDeps, IdParams } from './api-deps.ts';
import { issueNotFound, jiraError, pageSize } from './http.ts';
import { addComment, deleteComment, updateComment } from './social-changes.ts';
import {
  type CommentVisibility,
  findIssue,
  inAudience,
  notInAudience,
  projectOf,
  type SandboxComment,
  TOO_LONG,
  tooLong,
} from './state.ts';
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

/** The properties a create or edit names, by key; Jira stores them on the comment. */
function namedProperties(properties: Property[] | undefined): Record<string, unknown> {
  return Object.fromEntries((properties ?? []).flatMap((p) => (p.key ? [[p.key, p.value]] : [])));
}

/** The group or role a comment is restricted to, when the request names one (by name, or a group by id). */
function restriction(visibility: CommentBody['visibility']): CommentVisibility | undefined {
  const { type, value, identifier } = visibility ?? {};
  if ((type !== 'group' && type !== 'role') || !(value ?? identifier)) return undefined;
  return { type, value: value ?? identifier ?? '', ...(identifier && { identifier }) };
}

export function commentRoutes(app: FastifyInstance, { world, actor }: ApiDeps): void {
  const { state } = world;
  // Jira leaves out a comment restricted to a group or role the reader is not in, as if it were not there.
  const reads = (request: FastifyRequest) => (comment: SandboxComment) =>
    inAudience(state, actor(request), comment.visibility);
  const find = (request: FastifyRequest<CommentParams>) => {
    const { idOrKey, commentId } = request.params;
    const issue = findIssue(state, idOrKey);
    const comment = issue && state.comments.find((c) => c.issueId === issue.id && c.id === commentId);
    return comment && reads(request)(comment) ? comment : undefined;
  };
  /** Jira takes a restricted comment only from a member of the group or role it names. */
  const outsider = (
    request: FastifyRequest,
    reply: FastifyReply,
    visibility: CommentVisibility | undefined,
  ) =>
    visibility && !inAudience(state, actor(request), visibility)
      ? jiraError(reply, 400, [], { commentLevel: notInAudience(visibility) })
      : undefined;
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
      const all = state.comments.filter((c) => c.issueId === issue.id).filter(reads(request));
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
    const visibility = restriction(request.body?.visibility);
    const refused = outsider(request, reply, visibility);
    if (refused) return refused;
    const comment = addComment(world, actor(request), issue, body, {
      internal: internalProperty(request.body?.properties) === true,
      visibility,
    });
    comment.properties = namedProperties(request.body?.properties);
    return reply.code(201).send(commentView(restView(world), comment));
  });

  app.get<CommentParams>('/rest/api/3/issue/:idOrKey/comment/:commentId', (request, reply) => {
    const comment = find(request);
    return comment ? commentView(restView(world), comment) : notFound(reply);
  });

  app.put<CommentParams & { Body: CommentBody }>(
    '/rest/api/3/issue/:idOrKey/comment/:commentId',
    (request, reply) => {
      const comment = find(request);
      if (!comment) return notFound(reply);
      if (!acceptable(request.body?.body)) return badBody(reply, request.body?.body);
      const who = actor(request);
      // Stricter than a site where the bot may "Edit all comments": editing a person's comment is a bug to surface.
      if (comment.authorId !== who) {
        return jiraError(reply, 403, ['You do not have the permission to edit this comment.']);
      }
      const visibility = restriction(request.body.visibility);
      const refused = outsider(request, reply, visibility);
      if (refused) return refused;
      const internal = internalProperty(request.body.properties);
      // An edit that names the property changes the visibility (Service Management projects only).
      if (
        internal !== undefined &&
        projectOf(state, findIssue(state, comment.issueId)!).projectTypeKey === 'service_desk'
      ) {
        comment.internal = internal;
      }
      comment.properties = { ...comment.properties, ...namedProperties(request.body.properties) };
      // Whether Jira keeps a restriction on an edit that names none is not known: the sandbox lifts it, the worse case.
      updateComment(world, who, comment, request.body.body as AdfDoc, visibility ?? null);
      return commentView(restView(world), comment);
    },
  );

  app.get<{ Params: { commentId: string; propertyKey: string } }>(
    '/rest/api/3/comment/:commentId/properties/:propertyKey',
    (request, reply) => {
      const { commentId, propertyKey } = request.params;
      const comment = state.comments.find((c) => c.id === commentId && reads(request)(c));
      if (!comment) return notFound(reply);
      if (!(propertyKey in (comment.properties ?? {})))
        return jiraError(reply, 404, [`The property with key '${propertyKey}' does not exist.`]);
      return { key: propertyKey, value: comment.properties?.[propertyKey] };
    },
  );

  app.delete<CommentParams>('/rest/api/3/issue/:idOrKey/comment/:commentId', (request, reply) => {
    const comment = find(request);
    if (!comment) return notFound(reply);
    deleteComment(world, actor(request), comment);
    return reply.code(204).send();
  });
}
