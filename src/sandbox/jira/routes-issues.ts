import type { FastifyInstance } from 'fastify';
import type { AdfDoc } from '../../trackers/jira/adf-types.ts';
import type { ApiDeps, IdParams } from './api-deps.ts';
import { guarded, issueNotFound, jiraError, queryList } from './http.ts';
import { createIssue, editIssue, transitionIssue } from './issue-changes.ts';
import {
  findIssue,
  type JiraState,
  projectOf,
  type SandboxIssue,
  type StatusId,
  TRANSITIONS,
} from './state.ts';
import { issueView, statusView, userView } from './views.ts';
import { restView } from './world.ts';

const EDITABLE_SYSTEM = ['summary', 'description', 'labels', 'priority'];

function editMeta(state: JiraState, issue: SandboxIssue): Record<string, unknown> {
  const hidden = new Set(projectOf(state, issue).hiddenFieldIds);
  const fields: Record<string, unknown> = {};
  for (const field of state.fields) {
    const editable = field.custom
      ? field.type === 'number' || field.type === 'option'
      : EDITABLE_SYSTEM.includes(field.id);
    if (!editable || hidden.has(field.id)) continue;
    fields[field.id] = {
      required: field.id === 'summary',
      schema: field.custom
        ? { type: field.type, custom: field.customType, customId: Number(field.id.slice(12)) }
        : { type: field.type, system: field.id, ...(field.type === 'array' && { items: 'string' }) },
      name: field.name,
      key: field.id,
      operations: field.type === 'array' ? ['add', 'set', 'remove'] : ['set'],
      ...(field.options && {
        allowedValues: field.options.map((value, i) => ({ value, id: `${field.id.slice(12)}${i}` })),
      }),
    };
  }
  return fields;
}

interface EditBody {
  fields?: Record<string, unknown>;
  update?: { labels?: ({ add?: string; remove?: string; set?: string[] } | undefined)[] };
}

function toEdit(state: JiraState, issue: SandboxIssue, body: EditBody) {
  const meta = editMeta(state, issue);
  const errors: Record<string, string> = {};
  const custom: Record<string, number | string | null> = {};
  const { summary, description, labels, priority: _priority, ...rest } = body.fields ?? {};
  for (const [id, value] of Object.entries(rest)) {
    if (!meta[id])
      errors[id] = `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;
    else
      custom[id] =
        value === null || typeof value === 'number'
          ? value
          : String((value as { value?: unknown }).value ?? value);
  }
  if (Object.keys(errors).length > 0) return { errors };
  const ops = body.update?.labels ?? [];
  const set = Array.isArray(labels) ? (labels as string[]) : ops.find((op) => op?.set)?.set;
  return {
    edit: {
      summary: typeof summary === 'string' ? summary : undefined,
      description: description === undefined ? undefined : (description as AdfDoc | null),
      fields: custom,
      addLabels: set ?? ops.flatMap((op) => (op?.add ? [op.add] : [])),
      removeLabels: set
        ? issue.labels.filter((l) => !set.includes(l))
        : ops.flatMap((op) => (op?.remove ? [op.remove] : [])),
    },
  };
}

export function issueRoutes(app: FastifyInstance, { world, actor }: ApiDeps): void {
  const { state } = world;

  app.get('/rest/api/3/myself', (request) => {
    const id = actor(request);
    const user = state.users.get(id);
    return {
      ...userView(restView(world), id),
      emailAddress: user?.email,
      locale: 'en_US',
      groups: { size: 0, items: [] },
      applicationRoles: { size: 0, items: [] },
      expand: 'groups,applicationRoles',
    };
  });

  app.get('/rest/api/3/field', () =>
    state.fields.map((field) => ({
      id: field.id,
      key: field.id,
      name: field.name,
      untranslatedName: field.name,
      custom: field.custom,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: field.custom ? [`cf[${field.id.slice(12)}]`, field.name] : [field.id],
      schema: field.custom
        ? { type: field.type, custom: field.customType, customId: Number(field.id.slice(12)) }
        : { type: field.type, system: field.id },
    })),
  );

  app.get<IdParams & { Querystring: { fields?: string | string[]; expand?: string } }>(
    '/rest/api/3/issue/:idOrKey',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const wanted = queryList(request.query.fields);
      const only = wanted.length === 0 || wanted.some((f) => f.startsWith('*')) ? undefined : new Set(wanted);
      const view = issueView(restView(world), issue, only);
      return queryList(request.query.expand).includes('editmeta')
        ? { ...view, editmeta: { fields: editMeta(state, issue) } }
        : view;
    },
  );

  app.get<IdParams>('/rest/api/3/issue/:idOrKey/editmeta', (request, reply) => {
    const issue = findIssue(state, request.params.idOrKey);
    return issue ? { fields: editMeta(state, issue) } : issueNotFound(reply);
  });

  app.put<IdParams & { Body: EditBody }>('/rest/api/3/issue/:idOrKey', (request, reply) => {
    const issue = findIssue(state, request.params.idOrKey);
    if (!issue) return issueNotFound(reply);
    const parsed = toEdit(state, issue, request.body ?? {});
    if (parsed.errors) return jiraError(reply, 400, [], parsed.errors);
    return guarded(reply, () => {
      editIssue(world, actor(request), issue, parsed.edit);
      return reply.code(204).send();
    });
  });

  app.post<{ Body: { fields?: Record<string, unknown> } }>('/rest/api/3/issue', (request, reply) => {
    const { project, issuetype, summary, description, labels, priority, ...custom } =
      request.body?.fields ?? {};
    const projectKey =
      (project as { key?: string; id?: string } | undefined)?.key ??
      state.projects.get(String((project as { id?: string })?.id))?.key;
    if (!projectKey || typeof summary !== 'string') {
      return jiraError(reply, 400, [], {
        ...(!projectKey && { project: 'Specify a valid project ID or key' }),
        ...(typeof summary !== 'string' && { summary: 'You must specify a summary of the issue.' }),
      });
    }
    return guarded(reply, () => {
      const issue = createIssue(world, actor(request), {
        projectKey,
        summary,
        description: (description as AdfDoc | undefined) ?? null,
        issuetype: (issuetype as { name?: string } | undefined)?.name,
        priority: (priority as { name?: string } | undefined)?.name,
        labels: labels as string[] | undefined,
        fields: custom as Record<string, number | null>,
      });
      return reply
        .code(201)
        .send({ id: issue.id, key: issue.key, self: `${world.site()}/rest/api/3/issue/${issue.id}` });
    });
  });

  app.get<IdParams>('/rest/api/3/issue/:idOrKey/transitions', (request, reply) => {
    const issue = findIssue(state, request.params.idOrKey);
    if (!issue) return issueNotFound(reply);
    const transitions = TRANSITIONS[issue.statusId as StatusId].map((t) => ({
      id: t.id,
      name: t.name,
      to: statusView(restView(world), t.to),
      hasScreen: false,
      isGlobal: false,
      isInitial: false,
      isAvailable: true,
      isConditional: false,
      isLooped: false,
    }));
    return { expand: 'transitions', transitions };
  });

  app.post<IdParams & { Body: { transition?: { id?: string } } }>(
    '/rest/api/3/issue/:idOrKey/transitions',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      return guarded(reply, () => {
        transitionIssue(world, actor(request), issue, String(request.body?.transition?.id ?? ''));
        return reply.code(204).send();
      });
    },
  );

  app.get<IdParams & { Querystring: { startAt?: string; maxResults?: string } }>(
    '/rest/api/3/issue/:idOrKey/changelog',
    (request, reply) => {
      const issue = findIssue(state, request.params.idOrKey);
      if (!issue) return issueNotFound(reply);
      const startAt = Number(request.query.startAt ?? 0);
      const maxResults = Number(request.query.maxResults ?? 100);
      const values = issue.changelog.slice(startAt, startAt + maxResults).map((entry) => ({
        id: entry.id,
        author: userView(restView(world), entry.authorId),
        created: entry.created,
        items: entry.items,
      }));
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
}
