import type { StatusCategory } from '../tracker.ts';

/** Maps a list name to a status category; rules may supply their own. */
export type ListCategorizer = (listName: string) => StatusCategory;

const DONE = /\b(done|closed|shipped|released|complete[d]?|finished|archived?)\b/i;
const IN_PROGRESS = /\b(doing|in[\s-]?progress|wip|review|reviewing|testing|qa|blocked)\b/i;

/** Trello lists carry no workflow meaning, so the category is guessed from the list's name. */
export function categorizeListName(listName: string): StatusCategory {
  if (DONE.test(listName)) return 'done';
  if (IN_PROGRESS.test(listName)) return 'in_progress';
  return 'todo';
}
