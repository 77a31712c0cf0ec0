import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.ts';
import { jiraError, type Paged, offsetPage as page, queryList } from './http.ts';
import { screenFields } from './routes-issues.ts';
import { isSiteAdmin } from './routes-setup.ts';
import { customField, type JiraState, type SandboxProject } from './state.ts';

/**
 * Company-managed screen configuration, as far as the doctor follows it: project -> issue type screen scheme ->
 * screen scheme per issue type -> edit (or default) screen -> tabs -> fields.
 *
 * The sandbox derives it from each project instead of storing it. Projects on the Default Screen share the
 * "Default Issue Type Screen Scheme" (1), whose default mapping is the "Default Screen Scheme" (1), whose only
 * screen is the Default Screen (1). A project with screens of its own (`onDefaultScreen: false`) has an issue
 * type screen scheme and a screen scheme with its project id, mapping Story explicitly and the other types by
 * the default entry, to a screen scheme whose create/view screen is id*10 and whose edit screen is id*10+1. The
 * sandbox keeps one field list per project (its `hiddenFieldIds`), so both of its screens show the same fields.
 * Team-managed projects have none of this: Jira returns no issue type screen scheme for them.
 */
const DEFAULT_SCHEME = '1';
const DEFAULT_SCREEN = 1;
const STORY = '10001';
const TAB_NAME = 'Field Tab';
const tabOf = (screenId: number) => screenId * 10;

const ownScreens = (project: SandboxProject) => !project.onDefaultScreen && !project.teamManaged;

/** The projects whose fields a screen shows, or undefined for a screen that does not exist. */
function screenOwners(state: JiraState, screenId: number): SandboxProject[] | undefined {
  if (screenId === DEFAULT_SCREEN) return [...state.projects.values()].filter((p) => p.onDefaultScreen);
  const project = state.projects.get(String(Math.floor(screenId / 10)));
  return project && ownScreens(project) && screenId % 10 <= 1 ? [project] : undefined;
}

/** A field is on a shared screen when every project using the screen shows it. */
function fieldsOn(state: JiraState, owners: SandboxProject[]) {
  const shown = owners.map((project) => screenFields(state, project));
  return state.fields.filter((field) => shown.every((fields) => field.id in fields));
}

export function screenRoutes(app: FastifyInstance, { world, actor }: ApiDeps): void {
  const { state } = world;
  const projects = () => [...state.projects.values()];
  const denied = (request: Parameters<typeof actor>[0], reply: Parameters<typeof jiraError>[0]) =>
    isSiteAdmin(world, actor(request))
      ? undefined
      : jiraError(reply, 403, ['You do not have permission to perform this operation.']);

  app.get<{ Querystring: Paged & { projectId?: string | string[] } }>(
    '/rest/api/3/issuetypescreenscheme/project',
    (request, reply) => {
      const refused = denied(request, reply);
      if (refused) return refused;
      const wanted = new Set(queryList(request.query.projectId));
      const classic = projects().filter((p) => wanted.has(p.id) && !p.teamManaged);
      const onDefault = classic.filter((p) => p.onDefaultScreen);
      const values = [
        ...(onDefault.length > 0
          ? [
              {
                issueTypeScreenScheme: {
                  id: DEFAULT_SCHEME,
                  name: 'Default Issue Type Screen Scheme',
                  description: 'The default issue type screen scheme',
                },
                projectIds: onDefault.map((p) => p.id),
              },
            ]
          : []),
        ...classic.filter(ownScreens).map((p) => ({
          issueTypeScreenScheme: {
            id: p.id,
            name: `${p.key}: Scrum Issue Type Screen Scheme`,
            description: '',
          },
          projectIds: [p.id],
        })),
      ];
      return page(
        world.site(),
        'issuetypescreenscheme/project',
        request.query,
        values,
        world.state.setup.pageLimits.admin,
      );
    },
  );

  app.get<{ Querystring: Paged & { issueTypeScreenSchemeId?: string | string[] } }>(
    '/rest/api/3/issuetypescreenscheme/mapping',
    (request, reply) => {
      const refused = denied(request, reply);
      if (refused) return refused;
      const ids = queryList(request.query.issueTypeScreenSchemeId);
      const own = projects().filter(ownScreens);
      const all = [
        { issueTypeScreenSchemeId: DEFAULT_SCHEME, issueTypeId: 'default', screenSchemeId: DEFAULT_SCHEME },
        ...own.flatMap((p) => [
          { issueTypeScreenSchemeId: p.id, issueTypeId: 'default', screenSchemeId: p.id },
          { issueTypeScreenSchemeId: p.id, issueTypeId: STORY, screenSchemeId: p.id },
        ]),
      ].filter((mapping) => ids.length === 0 || ids.includes(mapping.issueTypeScreenSchemeId));
      return page(
        world.site(),
        'issuetypescreenscheme/mapping',
        request.query,
        all,
        world.state.setup.pageLimits.admin,
      );
    },
  );

  app.get<{ Querystring: Paged & { id?: string | string[] } }>(
    '/rest/api/3/screenscheme',
    (request, reply) => {
      const refused = denied(request, reply);
      if (refused) return refused;
      const ids = queryList(request.query.id).map(Number);
      const all = [
        {
          id: Number(DEFAULT_SCHEME),
          name: 'Default Screen Scheme',
          description: 'Default Screen Scheme',
          screens: { default: DEFAULT_SCREEN },
        },
        ...projects()
          .filter(ownScreens)
          .map((p) => ({
            id: Number(p.id),
            name: `${p.key}: Scrum Default Screen Scheme`,
            description: '',
            screens: { default: Number(p.id) * 10, edit: Number(p.id) * 10 + 1 },
          })),
      ].filter((scheme) => ids.length === 0 || ids.includes(scheme.id));
      return page(world.site(), 'screenscheme', request.query, all, world.state.setup.pageLimits.admin);
    },
  );

  app.get<{ Params: { screenId: string } }>('/rest/api/3/screens/:screenId/tabs', (request, reply) => {
    const refused = denied(request, reply);
    if (refused) return refused;
    const screenId = Number(request.params.screenId);
    if (!screenOwners(state, screenId)) return jiraError(reply, 404, ['The screen was not found.']);
    return [{ id: tabOf(screenId), name: TAB_NAME }];
  });

  app.get<{ Params: { screenId: string; tabId: string } }>(
    '/rest/api/3/screens/:screenId/tabs/:tabId/fields',
    (request, reply) => {
      const refused = denied(request, reply);
      if (refused) return refused;
      const screenId = Number(request.params.screenId);
      const owners = screenOwners(state, screenId);
      if (!owners || Number(request.params.tabId) !== tabOf(screenId))
        return jiraError(reply, 404, ['The screen tab was not found.']);
      return fieldsOn(state, owners).map((field) => ({ id: field.id, name: field.name }));
    },
  );

  app.post<{ Params: { screenId: string; tabId: string }; Body: { fieldId?: string } }>(
    '/rest/api/3/screens/:screenId/tabs/:tabId/fields',
    (request, reply) => {
      const refused = denied(request, reply);
      if (refused) return refused;
      const screenId = Number(request.params.screenId);
      const owners = screenOwners(state, screenId);
      if (!owners || Number(request.params.tabId) !== tabOf(screenId))
        return jiraError(reply, 404, ['The screen tab was not found.']);
      const field = customField(state, request.body?.fieldId ?? '');
      if (!field) return jiraError(reply, 400, [], { fieldId: 'The field was not found.' });
      if (fieldsOn(state, owners).includes(field))
        return jiraError(reply, 400, ['The field is already present on the screen.']);
      for (const project of owners)
        project.hiddenFieldIds = project.hiddenFieldIds.filter((id) => id !== field.id);
      return { id: field.id, name: field.name };
    },
  );
}
