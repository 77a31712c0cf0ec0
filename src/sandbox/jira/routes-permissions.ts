import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.ts';
import { jiraError } from './http.ts';
import { hasIssuePermission, mayBrowseProject } from './permissions.ts';
import { findProject, isSiteAdmin } from './routes-setup.ts';
import { PROJECT_ROLES, type SandboxGrantHolder } from './state.ts';

interface BulkPermissionsBody {
  accountId?: string;
  globalPermissions?: string[];
  projectPermissions?: { permissions: string[]; issues?: number[]; projects?: number[] }[];
}

/**
 * POST /rest/api/3/permissions/check: for each permission asked, the issues and projects the account holds it
 * on. Asking about another account takes Administer Jira, which only the service account has here.
 */
export function permissionRoutes(app: FastifyInstance, { world, actor }: ApiDeps): void {
  /**
   * GET /rest/api/3/project/{projectKeyOrId}/permissionscheme: the project's scheme, its grants only when `expand`
   * names anything (Jira adds them for any value). Administer Jira or Administer Projects in the project reads it.
   */
  app.get<{ Params: { projectKeyOrId: string }; Querystring: { expand?: string } }>(
    '/rest/api/3/project/:projectKeyOrId/permissionscheme',
    (request, reply) => {
      const { state } = world;
      const project = findProject(state, request.params.projectKeyOrId);
      if (!project)
        return jiraError(reply, 404, [
          `No project could be found with key '${request.params.projectKeyOrId}'.`,
        ]);
      const caller = actor(request);
      const reads =
        isSiteAdmin(world, caller) ||
        project.adminIds.includes(caller) ||
        (caller === world.botAccountId && !state.setup.permissionSchemesHidden);
      if (!reads) return jiraError(reply, 403, ['You cannot edit the configuration of this project.']);
      const scheme = state.permissionSchemes.get(project.permissionSchemeId);
      if (!scheme) return jiraError(reply, 404, ['The permission scheme does not exist.']);
      const self = `${world.site()}/rest/api/3/permissionscheme/${scheme.id}`;
      const expands = (request.query.expand ?? '').split(',');
      const roleSelf = (id: string) => `${world.site()}/rest/api/3/project/${project.id}/role/${id}`;
      return {
        expand: 'permissions,user,group,projectRole,field,all',
        id: scheme.id,
        self,
        name: scheme.name,
        description: scheme.description,
        ...(request.query.expand && {
          permissions: scheme.grants.map((grant) => ({
            id: grant.id,
            self: `${self}/permission/${grant.id}`,
            holder: holderView(grant.holder, roleSelf, expands),
            permission: grant.permission,
          })),
        }),
      };
    },
  );

  app.post<{ Body: BulkPermissionsBody }>('/rest/api/3/permissions/check', (request, reply) => {
    const { state } = world;
    const caller = actor(request);
    const accountId = request.body?.accountId ?? caller;
    if (accountId !== caller && caller !== world.botAccountId)
      return jiraError(reply, 403, ['You do not have permission to check the permissions of other users.']);
    // Jira answers 400 for an invalid account id: one it never had, or a deleted account's.
    if (!state.users.has(accountId))
      return jiraError(reply, 400, [`The account ID ${accountId} is invalid.`]);
    const byPermission = new Map<string, { issues: Set<number>; projects: Set<number> }>();
    for (const asked of request.body?.projectPermissions ?? []) {
      for (const permission of asked.permissions) {
        const grant = byPermission.get(permission) ?? { issues: new Set(), projects: new Set() };
        byPermission.set(permission, grant);
        for (const id of asked.issues ?? []) {
          const issue = state.issues.get(String(id));
          // Unknown ids are ignored, as Jira does.
          if (issue && hasIssuePermission(state, world.botAccountId, accountId, issue, permission))
            grant.issues.add(id);
        }
        for (const id of asked.projects ?? []) {
          const project = state.projects.get(String(id));
          if (project && mayBrowseProject(state, project, accountId)) grant.projects.add(id);
        }
      }
    }
    return {
      projectPermissions: [...byPermission]
        .filter(([, grant]) => grant.issues.size > 0 || grant.projects.size > 0)
        .map(([permission, grant]) => ({
          permission,
          issues: [...grant.issues],
          projects: [...grant.projects],
        })),
      globalPermissions: [],
    };
  });
}

/** Jira names what `expand` would add to a holder of a group, a user, a role or a field. */
const HOLDER_EXPANDS: Record<string, string> = {
  group: 'group',
  user: 'user',
  projectRole: 'projectRole',
  userCustomField: 'field',
  groupCustomField: 'field',
};

/**
 * A holder as Jira answers it; a project role's details (`projectRole`: its name, id and description) only when
 * `expand` asks for `projectRole` or `all`.
 */
function holderView(
  holder: SandboxGrantHolder,
  roleSelf: (id: string) => string,
  expands: readonly string[],
) {
  const expand = HOLDER_EXPANDS[holder.type];
  const role = holder.type === 'projectRole' ? PROJECT_ROLES[holder.parameter ?? ''] : undefined;
  const expanded = role && (expands.includes('projectRole') || expands.includes('all'));
  return {
    ...holder,
    ...(expand && { expand }),
    ...(expanded && {
      projectRole: {
        self: roleSelf(holder.parameter ?? ''),
        name: role.name,
        id: Number(holder.parameter),
        description: role.description,
      },
    }),
  };
}
