import { summaryLabels } from '../domain/sprint-summary/rules.ts';
import type { TrackerItem } from '../trackers/tracker.ts';
import type { Rules } from './rules-schema.ts';
import { classifyContainer, type ItemRole } from './scope-rules.ts';

/**
 * What an item is: where it lives decides, except for archived Trello cards and the service's own sprint summaries. They live beside the
 * backlog (a summary issue in the board's project, a card in a list of the board) and list dozens of titles, so
 * taken for backlog items they would be scored, and suggested to every support ticket that shares a word.
 */
export function itemRole(
  item: Pick<TrackerItem, 'ref' | 'container' | 'labels' | 'archived'>,
  rules: Rules,
): ItemRole {
  const own = summaryLabels(rules.summaries, item.ref.tracker);
  if (item.labels.some((label) => own.has(label.toLowerCase()))) return 'ignored';
  const role = classifyContainer(item.ref.tracker, item.container, rules.scope);
  // An archived card is off its board until restored: out of the backlog; a ticket stays one, resolved (its
  // words still stand for its links).
  return item.archived && role !== 'support' ? 'ignored' : role;
}
