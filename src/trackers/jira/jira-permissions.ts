import type { ItemRef } from '../../domain/events.ts';
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
