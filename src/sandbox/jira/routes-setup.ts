import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.ts';
import { jiraError, pageSize } from './http.ts';
import { customField, type JiraState, type PageLimits, type SandboxProject } from './state.ts';
import { projectStyle, projectView } from './views.ts';
import { restView } from './world.ts';

const FLOAT = 'com.atlassian.jira.plugin.system.customfieldtypes:float';
/** What an admin webhook made in Jira's settings with the usual boxes ticked subscribes to. */
export const DEFAULT_ADMIN_WEBHOOK_EVENTS = [
  'jira:issue_created',
  'jira:issue_updated',
  'jira:issue_deleted',
  'comment_created',
  'comment_updated',
  'comment_deleted',
  'issuelink_created',
  'issuelink_deleted',
  'sprint_started',
  'sprint_closed',
];

export function findProject(state: JiraState, keyOrId: string): SandboxProject | undefined {
  const upper = keyOrId.toUpperCase();
  return [...state.projects.values()].find((p) => p.key === upper || p.id === keyOrId);
}

function adminWebhookView(site: string, hook: JiraState['setup']['adminWebhooks'][number]) {
  return {
    name: hook.name,
    url: hook.url,
    excludeBody: false,
    filters: { 'issue-related-events-section': '' },
    events: hook.events,
    enabled: hook.enabled,
    self: `${site}/rest/webhooks/1.0/webhook/${hook.id}`,
    lastUpdatedUser: 'admin',
    lastUpdatedDisplayName: 'Site Admin',
    lastUpdated: 1_767_225_600_000,
  };
}

/**
 * What a site administrator configures and the doctor reads or repairs: server info, my permissions, projects,
 * create metadata, custom field creation, the Default Screen, boards by project and admin webhooks.
 */
export function setupRoutes(app: FastifyInstance, { world, actor }: ApiDeps): void {
  const { state } = world;
  const isAdmin = (accountId: string) => isSiteAdmin(world, accountId);
  const adminOnly = (reply: Parameters<typeof jiraError>[0]) =>
    jiraError(reply, 403, ['You do not have permission to perform this operation.']);

  app.get('/rest/api/3/serverInfo', () => ({
    baseUrl: world.site(),
    version: '1001.0.0-SNAPSHOT',
    versionNumbers: [1001, 0, 0],
    deploymentType: 'Cloud',
    buildNumber: 100_000,
    buildDate: '2026-01-01T00:00:00.000+0000',
    serverTime: new Date(world.now().getTime() + state.setup.clockSkewMs).toISOString().replace('Z', '+0000'),
    scmInfo: 'sandbox',
    serverTitle: 'Jira (sandbox)',
  }));

  app.get<{ Querystring: { startAt?: string; maxResults?: string; typeKey?: string } }>(
    '/rest/api/3/project/search',
    (request) => {
      const all = [...state.projects.values()].filter(
        (p) => !request.query.typeKey || p.projectTypeKey === request.query.typeKey,
      );
      const startAt = Number(request.query.startAt ?? 0);
      const maxResults = pageSize(request.query.maxResults, 50, state.setup.pageLimits.projects);
      const values = all.slice(startAt, startAt + maxResults).map((p) => ({
        ...projectView(restView(world), p),
        style: projectStyle(p),
      }));
      return {
        self: `${world.site()}/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}`,
        maxResults,
        startAt,
        total: all.length,
        isLast: startAt + values.length >= all.length,
        values,
      };
    },
  );

  app.post<{ Body: { name?: string; type?: string; searcherKey?: string } }>(
    '/rest/api/3/field',
    (request, reply) => {
      if (!isAdmin(actor(request))) return adminOnly(reply);
      const { name, type } = request.body ?? {};
      if (!name || type !== FLOAT)
        return jiraError(reply, 400, [], { type: 'The sandbox creates Number fields only.' });
      const id = `customfield_${state.nextId.field++}`;
      state.fields.push({ id, name, custom: true, type: 'number', customType: FLOAT });
      // A new field is on no screen until someone puts it on one.
      for (const project of state.projects.values()) project.hiddenFieldIds.push(id);
      return reply.code(201).send({
        id,
        key: id,
        name,
        untranslatedName: name,
        custom: true,
        orderable: true,
        navigable: true,
        searchable: true,
        clauseNames: [`cf[${id.slice(12)}]`, name],
        schema: { type: 'number', custom: FLOAT, customId: Number(id.slice(12)) },
      });
    },
  );

  // "Update custom field": a rename keeps the id, so values, screens and contexts stay with the field.
  app.put<{ Params: { fieldId: string }; Body: { name?: string; description?: string } }>(
    '/rest/api/3/field/:fieldId',
    (request, reply) => {
      if (!isAdmin(actor(request))) return adminOnly(reply);
      const field = state.fields.find((f) => f.custom && f.id === request.params.fieldId);
      if (!field) return jiraError(reply, 404, ['The custom field was not found.']);
      const name = request.body?.name;
      if (name !== undefined && !name.trim())
        return jiraError(reply, 400, [], { name: 'The custom field name must not be empty.' });
      // A copy: the seed's field definitions are shared by every sandbox in the process.
      if (name !== undefined) state.fields = state.fields.map((f) => (f === field ? { ...f, name } : f));
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { fieldId: string } }>('/rest/api/3/screens/addToDefault/:fieldId', (request, reply) => {
    if (!isAdmin(actor(request))) return adminOnly(reply);
    const { fieldId } = request.params;
    if (!customField(state, fieldId)) return jiraError(reply, 404, [`Field ${fieldId} does not exist.`]);
    for (const project of state.projects.values()) {
      if (project.onDefaultScreen)
        project.hiddenFieldIds = project.hiddenFieldIds.filter((id) => id !== fieldId);
    }
    return {};
  });

  app.get<{ Querystring: { projectKeyOrId?: string; startAt?: string; maxResults?: string } }>(
    '/rest/agile/1.0/board',
    (request) => {
      const wanted = request.query.projectKeyOrId;
      const project = wanted ? findProject(state, wanted) : undefined;
      const all = [...state.boards.values()].filter((b) => !wanted || b.projectKey === project?.key);
      const startAt = Number(request.query.startAt ?? 0);
      const maxResults = pageSize(request.query.maxResults, 50, state.setup.pageLimits.boards);
      const values = all.slice(startAt, startAt + maxResults).map((board) => {
        const owner = findProject(state, board.projectKey);
        return {
          id: board.id,
          self: `${world.site()}/rest/agile/1.0/board/${board.id}`,
          name: board.name,
          type: 'scrum',
          location: {
            projectId: Number(owner?.id),
            projectKey: board.projectKey,
            projectName: owner?.name,
            displayName: `${owner?.name} (${board.projectKey})`,
            projectTypeKey: owner?.projectTypeKey,
          },
        };
      });
      return {
        maxResults,
        startAt,
        total: all.length,
        isLast: startAt + values.length >= all.length,
        values,
      };
    },
  );

  app.get('/rest/webhooks/1.0/webhook', (request, reply) => {
    if (!isAdmin(actor(request))) return adminOnly(reply);
    return state.setup.adminWebhooks.map((hook) => adminWebhookView(world.site(), hook));
  });

  app.post<{ Body: { name?: string; url?: string; events?: string[]; secret?: string } }>(
    '/rest/webhooks/1.0/webhook',
    (request, reply) => {
      if (!isAdmin(actor(request))) return adminOnly(reply);
      const { name, url, events } = request.body ?? {};
      if (!name || !url || !Array.isArray(events))
        return jiraError(reply, 400, ['A webhook needs a name, a URL and events.']);
      const hook = { id: state.nextId.webhook++, name, url, events, enabled: true };
      state.setup.adminWebhooks.push(hook);
      return reply.code(201).send(adminWebhookView(world.site(), hook));
    },
  );
}

/** Holds Administer Jira: creates fields, edits the Default Screen, lists and registers admin webhooks. */
export function isSiteAdmin(world: ApiDeps['world'], accountId: string): boolean {
  return accountId === world.botAccountId && world.state.setup.botIsAdmin;
}

/** What a test switches on to see the doctor find it (POST /_sandbox/jira/misconfigure). */
export interface JiraMisconfiguration {
  /** Deletes a custom field (by name) from the site. */
  removeField?: string;
  /** Takes a field (by name) off a project's screen. */
  hideField?: { project: string; field: string };
  denyPermission?: { project: string; permission: string };
  /** Replaces the events of every admin webhook. */
  webhookEvents?: string[];
  removeWebhooks?: boolean;
  botIsAdmin?: boolean;
  /** The service account may no longer read projects' permission schemes (it lost Administer Projects). */
  permissionSchemesHidden?: boolean;
  clockSkewMs?: number;
  botTokenExpired?: boolean;
  /** Jira lowered the most items a page of these lists answers (Atlassian may, without notice). */
  pageLimits?: Partial<PageLimits>;
}

export function misconfigure(state: JiraState, change: JiraMisconfiguration): void {
  const { setup } = state;
  if (change.removeField) {
    const field = customField(state, change.removeField);
    state.fields = state.fields.filter((f) => f !== field);
  }
  if (change.hideField) {
    const project = findProject(state, change.hideField.project);
    const field = customField(state, change.hideField.field);
    if (project && field) project.hiddenFieldIds.push(field.id);
  }
  if (change.denyPermission) {
    const { project, permission } = change.denyPermission;
    setup.deniedPermissions[project.toUpperCase()] = [
      ...(setup.deniedPermissions[project.toUpperCase()] ?? []),
      permission,
    ];
  }
  if (change.webhookEvents) for (const hook of setup.adminWebhooks) hook.events = [...change.webhookEvents];
  if (change.removeWebhooks) setup.adminWebhooks = [];
  if (change.botIsAdmin !== undefined) setup.botIsAdmin = change.botIsAdmin;
  if (change.permissionSchemesHidden !== undefined)
    setup.permissionSchemesHidden = change.permissionSchemesHidden;
  if (change.clockSkewMs !== undefined) setup.clockSkewMs = change.clockSkewMs;
  if (change.botTokenExpired !== undefined) setup.botTokenExpired = change.botTokenExpired;
  if (change.pageLimits) Object.assign(setup.pageLimits, change.pageLimits);
}
