import type { TrelloApi } from './trello-deps.ts';

/** What a Trello board lets the service do, learned once per board: the doctor reports it, the adapter obeys it. */
export interface BoardCapabilities {
  boardId: string;
  /** Custom fields (where scores are stored) need the Custom Fields Power-Up; without it only the comment shows them. */
  customFieldsPowerUp: boolean;
}

export interface BoardCapabilitiesReader {
  board(boardId: string): Promise<BoardCapabilities>;
  /** Asks Trello again next time: a field write was refused although the Power-Up was on. */
  forget(boardId: string): void;
}

/** The Custom Fields Power-Up's plugin id, the same on every board. */
export const CUSTOM_FIELDS_PLUGIN = '56d5e249a98895a9797bebb9';

/**
 * Learns each board's Power-Ups. A board member may turn one on or off at any time: an enabled Power-Up is kept
 * until Trello refuses a field write (then `forget`), a missing one is asked again at the next use, so turning it
 * on needs no restart. Failures are retried.
 */
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
        found.then(
          (capabilities) => capabilities.customFieldsPowerUp || known.delete(boardId),
          () => known.delete(boardId),
        );
      }
      return found;
    },
    forget(boardId) {
      known.delete(boardId);
    },
  };
}
