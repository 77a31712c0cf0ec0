import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.ts';
import { jiraError } from './http.ts';
import { hasIssuePermission } from './permissions.ts';

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
          if (project && (project.browsers?.includes(accountId) ?? true)) grant.projects.add(id);
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
