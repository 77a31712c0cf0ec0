import { createTrelloClient } from 'trello.js';
import type { Client } from 'trello.js/core';
import type { ServiceAccount } from '../tracker.ts';
import { type BoardCapabilitiesReader, createBoardCapabilities } from './board-capabilities.ts';
import type { ListCategorizer } from './trello-status.ts';

export type TrelloApi = ReturnType<typeof createTrelloClient>;

/**
 * Runs `run` alone among every worker process for the lock `name`. Trello keeps any number of labels, custom fields
 * or lists of one name on a board, so two jobs (of two cards of one board) that both find one missing would each
 * create it.
 */
export type BoardLock = <T>(name: string, run: () => Promise<T>) => Promise<T>;

/** What the adapter's modules share: one paced client, in both the namespaced and the raw form. */
export interface TrelloDeps {
  api: TrelloApi;
  client: Client;
  categorize: ListCategorizer;
  /** The Jira site whose issues are the service's items: an attachment to another site's issue is a plain link. */
  jiraSiteUrl: string | undefined;
  /** The token's member, fetched once: it does not change while the process runs. */
  me(): Promise<ServiceAccount>;
  /** Per-board data (lists, custom fields) kept briefly, so each card read costs one request, not four. */
  boardCache: BoardCache;
  /** Per-board Power-Ups, learned once. */
  capabilities: BoardCapabilitiesReader;
  /** Absent where one caller at a time creates (the setup command, adapter tests). */
  boardLock?: BoardLock;
}

/**
 * Creates a board's named label, field or list unless it exists by the time this caller holds its lock: the caller
 * found it missing, and another job may have created it meanwhile.
 */
export function createOnce<T>(
  deps: TrelloDeps,
  boardId: string,
  what: string,
  find: () => Promise<T | undefined>,
  create: () => Promise<T>,
): Promise<T> {
  const { boardLock } = deps;
  if (!boardLock) return create();
  return boardLock(`${boardId}:${what.trim().toLowerCase()}`, async () => (await find()) ?? create());
}

/** Board lists and custom-field definitions change rarely; a card read within the TTL reuses them. */
const BOARD_CACHE_TTL_MS = 30_000;

export interface BoardCache {
  get<T>(boardId: string, load: () => Promise<T>): Promise<T>;
  /** Called after the service itself adds a list or a field, so its next read sees it. */
  forget(boardId: string): void;
}

export function createBoardCache(ttlMs = BOARD_CACHE_TTL_MS, now: () => number = Date.now): BoardCache {
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();
  return {
    get<T>(boardId: string, load: () => Promise<T>): Promise<T> {
      const entry = entries.get(boardId);
      if (entry && now() - entry.at < ttlMs) return entry.value as Promise<T>;
      const value = load();
      entries.set(boardId, { at: now(), value });
      value.catch(() => entries.delete(boardId));
      return value;
    },
    forget(boardId) {
      entries.delete(boardId);
    },
  };
}

export function createTrelloDeps(
  client: Client,
  categorize: ListCategorizer,
  jiraSiteUrl?: string,
  boardLock?: BoardLock,
): TrelloDeps {
  const api = createTrelloClient(client);
  let me: Promise<ServiceAccount> | undefined;
  return {
    api,
    client,
    categorize,
    jiraSiteUrl,
    boardCache: createBoardCache(),
    capabilities: createBoardCapabilities(api),
    boardLock,
    me() {
      me ??= api.members.getMember({ id: 'me', fields: 'id,fullName,username' }).then(
        (member) => ({
          id: member.id,
          displayName: member.fullName || member.username || member.id,
          mentions: member.username ? [`@${member.username}`] : [],
        }),
        (error: unknown) => {
          me = undefined;
          throw error;
        },
      );
      return me;
    },
  };
}
