import type { ItemRef } from '../domain/events.ts';
import type { RedisClient } from '../queue/connection.ts';
import type { BacklogIndex } from './backlog-index.ts';
import type { ReadModelKeys } from './keys.ts';
import type { ItemInput } from './read-model.ts';
import { docId } from './records.ts';
import type { TicketInfo } from './writer.ts';

/** An item and its project or board: what the synthetic comment of a console command needs. */
export interface CommandTarget {
  ref: ItemRef;
  container: { id: string; key: string };
}

export const containerOf = (id: string, key: string) => ({ id: id.slice(id.indexOf(':') + 1), key });

/**
 * Where the console can comment a command about an item: a backlog item, or a support ticket the read model
 * holds. Of other items (a sprint summary's, one that left the backlog) it knows no container, so it offers
 * no action on them. Sync the replica before asking.
 */
export function commandTargets(redis: RedisClient, keys: ReadModelKeys, index: BacklogIndex) {
  return async (item: ItemInput): Promise<CommandTarget | undefined> => {
    const known = index.find(item.tracker, item.id)?.score;
    if (known)
      return {
        ref: { tracker: known.tracker, id: known.id, key: known.key },
        container: containerOf(known.container, known.containerKey),
      };
    const stored = await redis.hget(keys.triage.ticket(docId(item)), 'info');
    if (!stored) return undefined;
    const ticket = JSON.parse(stored) as TicketInfo;
    return {
      ref: { tracker: ticket.tracker, id: ticket.id, key: ticket.key },
      container: containerOf(ticket.container, ticket.containerKey),
    };
  };
}
