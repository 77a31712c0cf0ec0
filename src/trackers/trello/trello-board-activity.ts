import type { Action } from 'trello.js/models';
import type { BoardAction, BoardActivityReader, TrackerItem } from '../tracker.ts';
import { ACTION_PAGE, allActions } from './trello-actions.ts';
import { getDetailedCards } from './trello-api.ts';
import type { TrelloDeps } from './trello-deps.ts';
import { loadBoardContext, toItems } from './trello-reads.ts';
import { CARD_ARRIVALS } from './trello-webhook.ts';

const LIST_PAGE = 1000;

/** A string property of an action's data object (card, list, label...), if it has one. */
export function named(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field: unknown = Reflect.get(value, key);
  return typeof field === 'string' ? field : undefined;
}

export function toBoardAction(action: Action): BoardAction | undefined {
  const card: unknown = action.data.card;
  const id = named(card, 'id');
  if (!id) return undefined;
  const listBefore = named(action.data.listBefore, 'name');
  const listAfter = named(action.data.listAfter, 'name');
  const base = {
    id: action.id,
    date: action.date.toISOString(),
    card: { tracker: 'trello' as const, id, key: named(card, 'shortLink') ?? id },
  };
  if (CARD_ARRIVALS.has(action.type)) {
    const list = named(action.data.list, 'name');
    return list ? { ...base, type: 'createCard', listAfter: list } : { ...base, type: 'createCard' };
  }
  if (action.type === 'updateCard' && listBefore !== undefined && listAfter !== undefined) {
    return { ...base, type: 'moveCard', listBefore, listAfter };
  }
  return { ...base, type: 'other' };
}

/** The list moves and arrivals of cards on a board: what a time-boxed Trello "sprint" is rebuilt from. */
export function createBoardActivity(
  deps: TrelloDeps,
  run: <T>(op: string, f: () => Promise<T>) => Promise<T>,
) {
  async function getBoardActions(boardId: string, since: string, before: string): Promise<BoardAction[]> {
    const actions = await allActions((older) =>
      deps.api.boards.getBoardActions({
        boardId,
        filter: [...CARD_ARRIVALS, 'updateCard:idList'].join(','),
        since,
        before: older ?? before,
        limit: ACTION_PAGE,
      }),
    );
    return actions
      .flatMap((action) => toBoardAction(action) ?? [])
      .sort((a, b) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id));
  }

  async function getBoardLists(boardId: string): Promise<{ id: string; name: string }[]> {
    const lists = await deps.api.boards.getBoardLists({ id: boardId, filter: 'open', fields: 'id,name' });
    return lists.map((list) => ({ id: list.id, name: list.name ?? '' }));
  }

  async function getListItems(boardId: string, listName: string): Promise<TrackerItem[]> {
    const context = await loadBoardContext(deps, boardId);
    const wanted = listName.trim().toLowerCase();
    const listId = [...context.lists].find(([, name]) => name.trim().toLowerCase() === wanted)?.[0];
    if (!listId) return [];
    const details = await getDetailedCards(deps.client, `/lists/${listId}/cards`, { limit: LIST_PAGE });
    return toItems(deps, details);
  }

  return {
    getBoardActions: (boardId, since, before) =>
      run('getBoardActions', () => getBoardActions(boardId, since, before)),
    getBoardLists: (boardId) => run('getBoardLists', () => getBoardLists(boardId)),
    getListItems: (boardId, listName) => run('getListItems', () => getListItems(boardId, listName)),
  } satisfies BoardActivityReader;
}
