import type { Action } from 'trello.js/models';
import type { ItemRef } from '../../domain/events.ts';
import type {
  BoardAction,
  BoardActivityReader,
  CardChangesSince,
  EstimateChange,
  TrackerItem,
} from '../tracker.ts';
import { ACTION_PAGE, allActions } from './trello-actions.ts';
import { getDetailedCards } from './trello-api.ts';
import type { TrelloDeps } from './trello-deps.ts';
import { STORY_POINTS } from './trello-item.ts';
import { loadBoardContext, toItems } from './trello-reads.ts';
import { CARD_ARRIVALS } from './trello-webhook.ts';

const LIST_PAGE = 1000;

/** A string property of an action's data object (card, list, label...), if it has one. */
export function named(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field: unknown = Reflect.get(value, key);
  return typeof field === 'string' ? field : undefined;
}

/**
 * A number custom field's value in an action's `customFieldItem` or `old` (`{ value: { number: "5" } }`; null when
 * empty), NaN when it is not a number's.
 */
export function fieldNumber(holder: unknown): number | null {
  const value: unknown = typeof holder === 'object' && holder !== null ? Reflect.get(holder, 'value') : null;
  if (value === null || value === undefined) return null;
  const text = named(value, 'number');
  return text === undefined ? Number.NaN : Number(text);
}

/** A story-points side of a custom field change; an empty one was unestimated. */
function pointsSide(side: 'from' | 'to', holder: unknown): Partial<EstimateChange> {
  const value = fieldNumber(holder);
  return value === null || Number.isNaN(value) ? {} : { [side]: value };
}

/** The story-point change an `updateCustomFieldItem` made (a number field of a story-points name), if it is one. */
export function pointsChange(action: Action): EstimateChange | undefined {
  const field = action.data.customField;
  if (named(field, 'type') !== 'number' || !STORY_POINTS.test(named(field, 'name') ?? '')) return undefined;
  return {
    at: action.date.toISOString(),
    ...pointsSide('from', action.data.old),
    ...pointsSide('to', action.data.customFieldItem),
  };
}

/** The card an action is about, if it names one. */
function cardOf(action: Action): ItemRef | undefined {
  const card: unknown = action.data.card;
  const id = named(card, 'id');
  return id ? { tracker: 'trello', id, key: named(card, 'shortLink') ?? id } : undefined;
}

/**
 * Whether the action took its card off the board it names (archived on it, moved to another) or brought it back
 * (restored, moved back); undefined for any other action.
 */
export function boardPresence(action: Action): 'left' | 'returned' | undefined {
  if (action.type === 'moveCardFromBoard') return 'left';
  if (action.type === 'moveCardToBoard') return 'returned';
  const { old, card } = action.data;
  if (action.type !== 'updateCard' || typeof old !== 'object' || old === null || !('closed' in old))
    return undefined;
  return Reflect.get(card ?? {}, 'closed') === true ? 'left' : 'returned';
}

export function toBoardAction(action: Action): BoardAction | undefined {
  const card = cardOf(action);
  if (!card) return undefined;
  const listBefore = named(action.data.listBefore, 'name');
  const listAfter = named(action.data.listAfter, 'name');
  const base = { id: action.id, date: action.date.toISOString(), card };
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

  async function changesSince(boardId: string, since: string): Promise<Map<string, CardChangesSince>> {
    const actions = await allActions((older) =>
      deps.api.boards.getBoardActions({
        boardId,
        filter: 'updateCard:idList,updateCustomFieldItem,updateCard:closed,moveCardFromBoard,moveCardToBoard',
        since,
        before: older,
        limit: ACTION_PAGE,
      }),
    );
    const changes = new Map<string, CardChangesSince>();
    for (const action of actions.reverse()) {
      const ref = cardOf(action);
      if (!ref) continue;
      const card = changes.get(ref.id) ?? {
        card: ref,
        estimates: [],
        lists: [],
        left: false,
        returned: false,
      };
      changes.set(ref.id, card);
      const estimate = action.type === 'updateCustomFieldItem' ? pointsChange(action) : undefined;
      if (estimate) card.estimates.push(estimate);
      const move = toBoardAction(action);
      if (move?.type === 'moveCard')
        card.lists.push({ at: move.date, from: move.listBefore, to: move.listAfter });
      const presence = boardPresence(action);
      if (presence === 'returned') card.returned = true;
      if (presence === 'left') {
        card.left = true;
        const from = named(action.data.list, 'name');
        card.lists.push({ at: action.date.toISOString(), ...(from !== undefined && { from }) });
      }
    }
    return changes;
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
    changesSince: (boardId, since) => run('changesSince', () => changesSince(boardId, since)),
    getBoardLists: (boardId) => run('getBoardLists', () => getBoardLists(boardId)),
    getListItems: (boardId, listName) => run('getListItems', () => getListItems(boardId, listName)),
  } satisfies BoardActivityReader;
}
