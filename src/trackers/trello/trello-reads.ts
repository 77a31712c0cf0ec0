import type { ItemRef } from '../../domain/events.ts';
import type { ItemPage, ItemScope, TrackerItem } from '../tracker.ts';
import { type DetailedCard, getBoardFields, getDetailedCard, getDetailedCards } from './trello-api.ts';
import type { TrelloDeps } from './trello-deps.ts';
import { TrelloHttpError } from './trello-errors.ts';
import { type BoardContext, toTrackerItem } from './trello-item.ts';
import { parseCardReference } from './trello-urls.ts';

export const PAGE_SIZE = 100;

export function loadBoardContext(deps: TrelloDeps, boardId: string): Promise<BoardContext> {
  return deps.boardCache.get(boardId, () => fetchBoardContext(deps, boardId));
}

async function fetchBoardContext(deps: TrelloDeps, boardId: string): Promise<BoardContext> {
  const [board, lists, fields] = await Promise.all([
    deps.api.boards.getBoard({ id: boardId, fields: 'id,name,shortLink' }),
    deps.api.boards.getBoardLists({ id: boardId, filter: 'all', fields: 'id,name' }),
    getBoardFields(deps.client, boardId),
  ]);
  return {
    id: board.id,
    key: board.shortLink ?? board.id,
    ...(board.name ? { name: board.name } : {}),
    lists: new Map(lists.map((list) => [list.id, list.name ?? ''])),
    fields,
  };
}

/** Maps cards of possibly several boards, loading each board's context once. */
export async function toItems(deps: TrelloDeps, details: DetailedCard[]): Promise<TrackerItem[]> {
  const contexts = new Map<string, Promise<BoardContext>>();
  return Promise.all(
    details.map(async (detail) => {
      const boardId = detail.card.idBoard ?? '';
      let context = contexts.get(boardId);
      if (!context) {
        context = loadBoardContext(deps, boardId);
        contexts.set(boardId, context);
      }
      return toTrackerItem(detail, await context, deps);
    }),
  );
}

export async function getItem(deps: TrelloDeps, ref: ItemRef): Promise<TrackerItem> {
  const [item] = await toItems(deps, [await getDetailedCard(deps.client, ref.id)]);
  return item!;
}

/** The card a checklist is on (Trello's `updateChecklist` names no card); undefined when either is gone. */
export async function itemOfChecklist(deps: TrelloDeps, checklistId: string): Promise<ItemRef | undefined> {
  try {
    const { idCard } = await deps.api.checklists.getChecklist({ id: checklistId, fields: 'idCard' });
    if (!idCard) return undefined;
    return (await getItem(deps, { tracker: 'trello', id: idCard, key: idCard })).ref;
  } catch (error) {
    if (error instanceof TrelloHttpError && (error.status === 400 || error.status === 404)) return undefined;
    throw error;
  }
}

export async function findItem(deps: TrelloDeps, keyOrUrl: string): Promise<TrackerItem | undefined> {
  const reference = parseCardReference(keyOrUrl);
  if (!reference) return undefined;
  try {
    return await getItem(deps, { tracker: 'trello', id: reference, key: reference });
  } catch (error) {
    // Trello answers 400 "invalid id" for well-formed strings that name no card.
    if (error instanceof TrelloHttpError && (error.status === 400 || error.status === 404)) return undefined;
    throw error;
  }
}

function oldestId(details: DetailedCard[]): string | undefined {
  return details.map((detail) => detail.card.id).sort()[0];
}

async function boardPage(
  deps: TrelloDeps,
  boardId: string,
  cursor?: string,
): Promise<[DetailedCard[], string?]> {
  const page = { limit: PAGE_SIZE, ...(cursor ? { before: cursor } : {}) };
  const details = await getDetailedCards(deps.client, `/boards/${boardId}/cards`, page);
  return [details, details.length === PAGE_SIZE ? oldestId(details) : undefined];
}

async function searchPage(
  deps: TrelloDeps,
  query: string,
  cursor?: string,
): Promise<[DetailedCard[], string?]> {
  const page = cursor ? Number(cursor) : 0;
  const result = await deps.api.search.search({
    query,
    modelTypes: 'cards',
    cardsLimit: PAGE_SIZE,
    cardsPage: page,
    cardFields: 'id',
  });
  const cards = result.cards ?? [];
  const details = await Promise.all(cards.map((card) => getDetailedCard(deps.client, card.id)));
  return [details, cards.length === PAGE_SIZE ? String(page + 1) : undefined];
}

export async function listItems(deps: TrelloDeps, scope: ItemScope, cursor?: string): Promise<ItemPage> {
  const [details, next] =
    scope.kind === 'query'
      ? await searchPage(deps, scope.query, cursor)
      : await boardPage(deps, scope.containerId, cursor);
  const since = scope.kind === 'updatedSince' ? Date.parse(scope.since) : undefined;
  const items = (await toItems(deps, details)).filter(
    (item) => since === undefined || Date.parse(item.updatedAt) >= since,
  );
  return next ? { items, next } : { items };
}
