import type { FastifyInstance } from 'fastify';
import type { ApiDeps, IdParams } from './api-deps.ts';
import { issueNotFound, jiraError } from './http.ts';
import { linkIssues, unlinkIssues } from './social-changes.ts';
import { findIssue, type SandboxRemoteLink } from './state.ts';

const LINK_TYPES = ['Relates', 'Blocks', 'Duplicate', 'Cloners'];

interface LinkBody {
  type?: { name?: string };
  inwardIssue?: { key?: string; id?: string };
  outwardIssue?: { key?: string; id?: string };
}

interface RemoteBody {
  globalId?: string;
  relationship?: string;
  object?: { url?: string; title?: string };
}

export function linkRoutes(app: FastifyInstance, { world, actor }: ApiDeps): void {
  const { state } = world;
  const remoteView = (link: SandboxRemoteLink) => ({
    id: link.id,
    self: `${world.site()}/rest/api/3/issue/${link.issueId}/remotelink/${link.id}`,
    ...(link.globalId && { globalId: link.globalId }),
    ...(link.relationship && { relationship: link.relationship }),
    object: link.object,
  });

  app.post<{ Body: LinkBody }>('/rest/api/3/issueLink', (request, reply) => {
    const { type, inwardIssue, outwardIssue } = request.body ?? {};
    const typeName = LINK_TYPES.find((name) => name.toLowerCase() === type?.name?.toLowerCase());
    if (!typeName)
      return jiraError(reply, 404, [`No issue link type with name '${type?.name ?? ''}' found.`]);
    const from = findIssue(state, inwardIssue?.key ?? inwardIssue?.id ?? '');
    const to = findIssue(state, outwardIssue?.key ?? outwardIssue?.id ?? '');
    if (!from || !to) return issueNotFound(reply);
    linkIssues(world, actor(request), from, to, typeName);
    return reply.code(201).send();
  });

  app.delete<{ Params: { linkId: string } }>('/rest/api/3/issueLink/:linkId', (request, reply) => {
    const link = state.links.find((l) => l.id === request.params.linkId);
    if (!link) return jiraError(reply, 404, ['No issue link with id exists.']);
    unlinkIssues(world, actor(request), link);
    return reply.code(204).send();
  });

  app.get<IdParams & { Querystring: { globalId?: string } }>(
    '/rest/api/3/issue/:idOrKey/remotelink',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const links = state.remoteLinks.filter((l) => l.issueId === issue.id);
      const { globalId } = request.query;
      if (globalId === undefined) return links.map(remoteView);
      const match = links.find((l) => l.globalId === globalId);
      return match
        ? remoteView(match)
        : jiraError(reply, 404, ['No remote link with the given globalId exists.']);
    },
  );

  app.post<IdParams & { Body: RemoteBody }>('/rest/api/3/issue/:idOrKey/remotelink', (request, reply) => {
    const issue = findIssue(state, request.params.idOrKey);
    if (!issue) return issueNotFound(reply);
    const { globalId, relationship, object } = request.body ?? {};
    if (!object?.url || !object.title) {
      return jiraError(reply, 400, [], {
        ...(!object?.url && { url: 'URL is required.' }),
        ...(!object?.title && { title: 'Title is required.' }),
      });
    }
    const existing = globalId
      ? state.remoteLinks.find((l) => l.issueId === issue.id && l.globalId === globalId)
      : undefined;
    const link: SandboxRemoteLink = existing ?? {
      id: state.nextId.remote++,
      issueId: issue.id,
      object: { url: '', title: '' },
    };
    // "Any fields without values in the request are set to null" on update.
    link.globalId = globalId;
    link.relationship = relationship;
    link.object = { url: object.url, title: object.title };
    if (!existing) state.remoteLinks.push(link);
    world.ledger.record({
      item: issue.key,
      actor: actor(request),
      kind: 'remotelink.set',
      target: globalId,
      value: object.url,
    });
    const view = remoteView(link);
    return reply.code(existing ? 200 : 201).send({ id: view.id, self: view.self });
  });

  app.delete<IdParams & { Querystring: { globalId?: string } }>(
    '/rest/api/3/issue/:idOrKey/remotelink',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const before = state.remoteLinks.length;
      state.remoteLinks = state.remoteLinks.filter(
        (l) => !(l.issueId === issue.id && l.globalId === request.query.globalId),
      );
      if (state.remoteLinks.length === before)
        return jiraError(reply, 404, ['No remote link with the given globalId exists.']);
      world.ledger.record({
        item: issue.key,
        actor: actor(request),
        kind: 'remotelink.deleted',
        target: request.query.globalId,
      });
      return reply.code(204).send();
    },
  );

  app.delete<IdParams & { Params: { linkId: string } }>(
    '/rest/api/3/issue/:idOrKey/remotelink/:linkId',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const link = state.remoteLinks.find(
        (l) => l.issueId === issue.id && String(l.id) === request.params.linkId,
      );
      if (!link) return jiraError(reply, 404, ['No remote link with the given ID exists.']);
      state.remoteLinks = state.remoteLinks.filter((l) => l !== link);
      world.ledger.record({
        item: issue.key,
        actor: actor(request),
        kind: 'remotelink.deleted',
        target: link.globalId,
        value: link.object.url,
      });
      return reply.code(204).send();
    },
  );
}
