import { findIssue, type JiraState, type SandboxIssue } from './state.ts';

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
    (project.browsers?.includes(accountId) ?? true) &&
    (issue.securityLevel?.members.includes(accountId) ?? true);
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
