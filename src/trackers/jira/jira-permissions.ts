import type { ItemRef } from '../../domain/events.ts';
import { type BrowseAudience, browseAudienceOf, type GrantHolder } from '../../domain/linking/audience.ts';
import { ErrorKind, TrackerError } from '../../errors.ts';
import type { ItemPermission } from '../tracker.ts';
import type { JiraContext } from './jira-context.ts';

const PERMISSION_KEYS: Record<ItemPermission, string> = { browse: 'BROWSE_PROJECTS', edit: 'EDIT_ISSUES' };
/** The bulk check takes at most 1000 issues per call. */
const MAX_ISSUES = 1000;

/**
 * `POST /rest/api/3/permissions/check` for another account: the service account needs the Administer Jira
 * global permission to ask. Issue security levels count, so a restricted issue of a browsable project is out.
 */
export async function permittedItems(
  ctx: JiraContext,
  accountId: string,
  refs: readonly ItemRef[],
  permission: ItemPermission,
): Promise<Set<string>> {
  const key = PERMISSION_KEYS[permission];
  const ids = [...new Set(refs.map((ref) => Number(ref.id)).filter(Number.isSafeInteger))];
  const permitted = new Set<string>();
  for (let start = 0; start < ids.length; start += MAX_ISSUES) {
    const issues = ids.slice(start, start + MAX_ISSUES);
    const grants = await ctx.call('getBulkPermissions', () =>
      ctx.cloud.permissions.getBulkPermissions({
        accountId,
        projectPermissions: [{ permissions: [key], issues }],
      }),
    );
    for (const grant of grants.projectPermissions) {
      if (grant.permission !== key) continue;
      for (const issue of grant.issues) permitted.add(String(issue));
    }
  }
  return permitted;
}

/**
 * `GET /rest/api/3/project/{key}/permissionscheme?expand=permissions,projectRole`: the holders of its Browse Projects grants.
 * Reading a scheme takes Administer Jira, or Administer Projects in that project; refused (or the project gone),
 * the audience is unknown and the caller withholds titles. That is logged once per project until it reads again,
 * and asked again, like a readable scheme, after the cache's time.
 */
export async function browseAudience(
  ctx: JiraContext,
  projectKey: string,
): Promise<BrowseAudience | undefined> {
  const known = ctx.browseAudiences.get(projectKey);
  if (known && Date.now() - known.at < ctx.fieldCacheTtlMs) return known.audience;
  let audience: BrowseAudience | undefined;
  try {
    const scheme = await ctx.call('getAssignedPermissionScheme', () =>
      ctx.cloud.projectPermissionSchemes.getAssignedPermissionScheme({
        projectKeyOrId: projectKey,
        // The roles' names tell the apps' role, whose id differs from site to site.
        expand: 'permissions,projectRole',
      }),
    );
    // A scheme answered without its grants tells nobody's rights: unknown, not "nobody's but these".
    if (scheme.permissions)
      audience = browseAudienceOf(
        scheme.permissions
          .filter((grant) => grant.permission === 'BROWSE_PROJECTS')
          .flatMap((grant): GrantHolder[] => (grant.holder ? [grant.holder] : [])),
      );
  } catch (error) {
    const refused = error instanceof TrackerError && UNREADABLE.has(error.kind);
    if (!refused) throw error;
    if (!known || known.audience)
      ctx.log.warn(
        { projectKey, status: error.status },
        `Cannot read the permission scheme of Jira project ${projectKey} (the account needs Administer Projects there, or Administer Jira): its items are named by key only on tickets of other projects`,
      );
  }
  ctx.browseAudiences.set(projectKey, { audience, at: Date.now() });
  return audience;
}

/** Jira refuses the scheme to an account without the rights (403; 401 on some admin-only reads) or hides the project (404). */
const UNREADABLE = new Set<ErrorKind>([ErrorKind.Forbidden, ErrorKind.Auth, ErrorKind.NotFound]);
