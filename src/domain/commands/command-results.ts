import type { CommentEvent } from '../job-requests.ts';

/**
 * Why the service declined a command for the person who asked it (an app account not allowed, a stranger on a
 * public Trello board, a command that writes without edit rights, an edit of a comment older than its results, an
 * author the rules' `commands.allowedActors` leaves out). A
 * fixed set: it is a metric label and a row of the console's Operations page, never the commenter's own words.
 */
export const DECLINE_REASONS = [
  'app_account',
  'not_board_member',
  'no_edit_right',
  'old_comment_edit',
  'not_allowed',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

/**
 * How long the results of a comment's commands are kept. While they are, an author's edit runs only the commands
 * it adds; the record is what says which ones already ran.
 */
export const COMMAND_RESULTS_TTL_SECONDS = 90 * 86_400;

/**
 * Whether an edit is of a comment written before the results window: no record says which of its commands ran, so
 * running them would repeat every one (a months-old `/score impact=2` over the score the team set since).
 */
export function editOfExpiredComment(event: CommentEvent): boolean {
  if (event.kind !== 'comment.updated') return false;
  const written = Date.parse(event.comment.createdAt ?? '');
  return Date.parse(event.occurredAt) - written > COMMAND_RESULTS_TTL_SECONDS * 1000;
}
