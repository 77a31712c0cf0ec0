import type { TrelloApi } from './trello-deps.ts';

/** What a Trello board lets the service do, learned once per board: the doctor reports it, the adapter obeys it. */
export interface BoardCapabilities {
  boardId: string;
  /** Custom fields (where scores are stored) need the Custom Fields Power-Up; without it only the comment shows them. */
  customFieldsPowerUp: boolean;
}

export interface BoardCapabilitiesReader {
  board(boardId: string): Promise<BoardCapabilities>;
}

/** The Custom Fields Power-Up's plugin id, the same on every board. */
export const CUSTOM_FIELDS_PLUGIN = '56d5e249a98895a9797bebb9';

/** Learns each board's Power-Ups on first use and keeps them for the life of the adapter; failures are retried. */
export function createBoardCapabilities(api: TrelloApi): BoardCapabilitiesReader {
  const known = new Map<string, Promise<BoardCapabilities>>();
  return {
    board(boardId) {
      let found = known.get(boardId);
      if (!found) {
        found = api.boards.getBoardPlugins({ id: boardId }).then((plugins) => ({
          boardId,
          customFieldsPowerUp: plugins.some((plugin) => plugin.idPlugin === CUSTOM_FIELDS_PLUGIN),
        }));
        known.set(boardId, found);
        found.catch(() => known.delete(boardId));
      }
      return found;
    },
  };
}
