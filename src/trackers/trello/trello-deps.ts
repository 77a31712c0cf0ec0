import { createTrelloClient } from 'trello.js';
import type { Client } from 'trello.js/core';
import type { Actor } from '../../domain/events.ts';
import type { ListCategorizer } from './trello-status.ts';

export type TrelloApi = ReturnType<typeof createTrelloClient>;

/** What the adapter's modules share: one paced client, in both the namespaced and the raw form. */
export interface TrelloDeps {
  api: TrelloApi;
  client: Client;
  categorize: ListCategorizer;
  /** The token's member, fetched once: it does not change while the process runs. */
  me(): Promise<Actor>;
}

export function createTrelloDeps(client: Client, categorize: ListCategorizer): TrelloDeps {
  const api = createTrelloClient(client);
  let me: Promise<Actor> | undefined;
  return {
    api,
    client,
    categorize,
    me() {
      me ??= api.members.getMember({ id: 'me', fields: 'id,fullName,username' }).then(
        (member) => ({ id: member.id, displayName: member.fullName || member.username || member.id }),
        (error: unknown) => {
          me = undefined;
          throw error;
        },
      );
      return me;
    },
  };
}
