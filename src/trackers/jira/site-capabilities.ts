import type { createCloudClient } from 'jira.js';
import type { Logger } from '../../logger.ts';

/** What a Jira project lets the service do, learned once per project: the doctor reports it, the adapter obeys it. */
export interface ProjectCapabilities {
  projectKey: string;
  /** A Service Management project: its comments reach customers unless marked internal (the service marks its own). */
  serviceDesk: boolean;
  /** The account has Administer Jira or Administer Projects here, so its edits can skip the watchers' emails. */
  canSuppressNotifications: boolean;
}

export interface SiteCapabilities {
  project(projectKey: string): Promise<ProjectCapabilities>;
}

type Call = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

/** Notification suppression needs Administer Projects (or Administer Jira); anything less and Jira refuses the edit. */
const ADMIN_PERMISSIONS = ['ADMINISTER_PROJECTS', 'ADMINISTER'];

/** Learns each project's capabilities on first use and keeps them for the life of the adapter; failures are retried. */
export function createSiteCapabilities(
  cloud: ReturnType<typeof createCloudClient>,
  call: Call,
  log: Logger,
): SiteCapabilities {
  const known = new Map<string, Promise<ProjectCapabilities>>();
  async function detect(projectKey: string): Promise<ProjectCapabilities> {
    const [permissions, project] = await Promise.all([
      call('getMyPermissions', () =>
        cloud.permissions.getMyPermissions({ projectKey, permissions: ADMIN_PERMISSIONS.join(',') }),
      ),
      call('getProject', () => cloud.projects.getProject({ projectIdOrKey: projectKey })),
    ]);
    const granted = permissions.permissions ?? {};
    const found: ProjectCapabilities = {
      projectKey,
      serviceDesk: project.projectTypeKey === 'service_desk',
      canSuppressNotifications: ADMIN_PERMISSIONS.some(
        (key) => (granted[key] as { havePermission?: boolean } | undefined)?.havePermission === true,
      ),
    };
    log.info({ capabilities: found }, 'Jira project capabilities');
    return found;
  }
  return {
    project(projectKey) {
      let found = known.get(projectKey);
      if (!found) {
        found = detect(projectKey);
        known.set(projectKey, found);
        found.catch(() => known.delete(projectKey));
      }
      return found;
    },
  };
}
