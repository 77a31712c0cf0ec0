import type { Action } from 'trello.js/models';

/** Trello's most actions in one answer ("limit … between 0 and 1000"). */
export const ACTION_PAGE = 1000;

/**
 * Every action of a listing, newest first as Trello lists them: `read` is asked for a page before the oldest
 * action of the last one (an action id), first with `undefined`, until a page comes back short.
 */
export async function allActions(read: (before: string | undefined) => Promise<Action[]>): Promise<Action[]> {
  const actions: Action[] = [];
  for (let before: string | undefined; ; ) {
    const page = await read(before);
    actions.push(...page);
    const oldest = page.at(-1);
    if (page.length < ACTION_PAGE || !oldest) return actions;
    before = oldest.id;
  }
}
