import {
  findIssue,
  type JiraState,
  type SandboxGrantHolder,
  type SandboxIssue,
  type SandboxProject,
} from './state.ts';

export type ProjectPermissionKey = 'BROWSE_PROJECTS' | 'EDIT_ISSUES';

/** Jira's answer for one account: project permission schemes, then the issue's security level. */
export function hasIssuePermission(
  state: JiraState,
  botAccountId: string,
  accountId: string,
  issue: SandboxIssue,
  permission: string,
): boolean {
  if (accountId === botAccountId) return true;
  const project = state.projects.get(issue.projectId);
  if (!project) return false;
  const browse =
    mayBrowseProject(state, project, accountId) && (issue.securityLevel?.members.includes(accountId) ?? true);
  if (permission === 'BROWSE_PROJECTS') return browse;
  if (permission === 'EDIT_ISSUES') return browse && (project.editors?.includes(accountId) ?? true);
  return false;
}

/** The issues of a bulk read the account may browse, once each: those gone or hidden are simply not there. */
export function browsableIssues(
  state: JiraState,
  botAccountId: string,
  accountId: string,
  idsOrKeys: readonly string[],
): SandboxIssue[] {
  const issues = new Map<string, SandboxIssue>();
  for (const idOrKey of idsOrKeys) {
    const issue = findIssue(state, idOrKey);
    if (issue && hasIssuePermission(state, botAccountId, accountId, issue, 'BROWSE_PROJECTS')) {
      issues.set(issue.id, issue);
    }
  }
  return [...issues.values()];
}

/** Whether the holder's grant reaches the account: the holder types a seed gives; any other reaches nobody here. */
function holds(state: JiraState, holder: SandboxGrantHolder, accountId: string): boolean {
  const id = holder.value ?? holder.parameter;
  if (holder.type === 'anyone' || holder.type === 'applicationRole') return true;
  if (holder.type === 'user') return id === accountId;
  if (holder.type === 'group')
    return state.users.get(accountId)?.groups?.includes(holder.parameter ?? '') ?? false;
  return false;
}

/** Browse Projects, as the project's `browsers` list or, without one, its permission scheme grants it. */
export function mayBrowseProject(state: JiraState, project: SandboxProject, accountId: string): boolean {
  if (project.browsers) return project.browsers.includes(accountId);
  const scheme = state.permissionSchemes.get(project.permissionSchemeId);
  return (scheme?.grants ?? []).some(
    (grant) => grant.permission === 'BROWSE_PROJECTS' && holds(state, grant.holder, accountId),
  );
}
