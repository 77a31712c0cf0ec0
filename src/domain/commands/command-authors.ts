import type { Rules } from '../../rules/rules-schema.ts';
import type { Actor } from '../events.ts';

/**
 * Why the commands of a comment do not run for its author, or undefined when they run (with the author's rights).
 * An app account acts with rights far beyond a customer's, and writes what its rules copy: "When a request is
 * created → comment {{issue.description}}" puts a portal customer's `/link APP-1` in a comment by Automation for
 * Jira. So only the apps an operator names run commands; no reply goes to the others, which could start their rule
 * again.
 */
export function refusedAuthor(
  actor: Actor,
  rules: Pick<Rules['commands'], 'allowedApps'>,
): string | undefined {
  if (!actor.app || rules.allowedApps.includes(actor.id)) return undefined;
  return `commands by app account ${actor.displayName} (${actor.id}) not run: app accounts are not allowed (commands.allowedApps in the rules)`;
}
