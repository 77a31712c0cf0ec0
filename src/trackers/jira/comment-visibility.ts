import type { CommentVisibility } from '../../domain/events.ts';

/**
 * The group or role Jira shows a restricted comment to. A restriction of a kind this code does not know is still a
 * restriction: kept as a group's, so a reply that Jira cannot restrict so fails instead of showing to everyone.
 */
export function restrictionOf(
  visibility: { type?: string; value?: string; identifier?: string | null } | undefined,
): CommentVisibility | undefined {
  const { type, value, identifier } = visibility ?? {};
  const name = value ?? identifier;
  if (!type || !name) return undefined;
  return { type: type === 'role' ? 'role' : 'group', value: name, ...(identifier && { identifier }) };
}
