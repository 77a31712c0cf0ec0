import { type CommentVisibility, inAudience, projectOf, type SandboxIssue, type SentEmail } from './state.ts';
import type { JiraWorld } from './world.ts';

/**
 * The emails Jira sends about a change. Watchers are the reporter (Jira adds the reporter as a watcher). A
 * Service Management customer hears only about public comments, through the portal's email; agents hear about
 * every change, unless an account with Administer Jira or Administer Projects asked for `notifyUsers=false`. A
 * comment restricted to a group or role is mailed only to its members: the others cannot read it.
 */
export function notifyWatchers(
  world: JiraWorld,
  issue: SandboxIssue,
  actorId: string,
  kind: 'updated' | 'comment',
  options: { publicComment?: boolean; visibility?: CommentVisibility } = {},
): void {
  const serviceDesk = projectOf(world.state, issue).projectTypeKey === 'service_desk';
  for (const watcher of [issue.reporterId]) {
    if (watcher === actorId) continue;
    const person = world.state.users.get(watcher);
    if (!inAudience(world.state, watcher, options.visibility)) continue;
    const customer = person?.accountType === 'customer';
    let email: SentEmail['kind'] | undefined = kind;
    if (customer)
      email = kind === 'comment' && serviceDesk && options.publicComment ? 'customer-comment' : undefined;
    if (email) world.state.emails.push({ to: watcher, issueKey: issue.key, kind: email });
  }
}
