import type { ItemRef } from '../domain/events.ts';
import {
  createLinkIndex,
  type LinkIndex,
  type LinkIndexOptions,
  type LinkQueryOptions,
  type LinkQueryText,
  type Match,
} from '../domain/linking/index.ts';
import type { RedisClient } from '../queue/connection.ts';
import { createReplica } from '../queue/replicated-hashes.ts';
import { DOCS, indexKeys, LINKED } from './index-keys.ts';
import {
  type IndexedItem,
  type IndexedLink,
  type ItemSummary,
  linkedField,
  linkedIds,
  summaryOf,
  toLinkDoc,
  toLinkedTicket,
} from './indexed-item.ts';

export interface Candidate extends Match {
  item: ItemSummary;
  /** The linked ticket whose words the item ranked through (see `via`), to name it in a comment. */
  viaTicket?: ItemRef;
}

export interface IndexReplica {
  /** Catches up with the change log, then ranks in memory. */
  query(text: LinkQueryText, options?: LinkQueryOptions): Promise<Candidate[]>;
  /** Applies every change written so far (one XREAD when there is nothing new). */
  sync(): Promise<void>;
  summary(id: string): ItemSummary | undefined;
  readonly size: number;
  /** Full rebuilds so far: 1 after the first load; more mean the reader fell behind the capped log. */
  readonly rebuilds: number;
}

export interface IndexReplicaOptions extends LinkIndexOptions {
  /** Changes read per XREAD. */
  batch?: number;
  scanCount?: number;
}

interface Contents {
  index: LinkIndex;
  summaries: Map<string, ItemSummary>;
  /** Linked tickets by their linked-hash field; their words are in the index, their text is not kept. */
  tickets: Map<string, ItemRef>;
}

/**
 * One process's copy of the shared index: built from its hashes (items, linked tickets' words), then kept
 * current by reading the change log from the last version it applied. Queries never fetch postings from Redis,
 * only the (usually empty) tail of the log, so they stay in-memory fast while every process sees every other
 * process's writes.
 */
export function createIndexReplica(
  redis: RedisClient,
  keyPrefix: string,
  options: IndexReplicaOptions = {},
): IndexReplica {
  const empty = (): Contents => ({
    index: createLinkIndex(options),
    summaries: new Map(),
    tickets: new Map(),
  });
  let current = empty();
  // A full load fills fresh copies while queries keep the current ones, until it is complete.
  let loading: Contents | undefined;

  function applyItem(target: Contents, field: string, json: string | undefined) {
    if (json === undefined) {
      target.index.remove(field);
      target.summaries.delete(field);
      return;
    }
    const item = JSON.parse(json) as IndexedItem;
    target.index.upsert(toLinkDoc(item));
    target.summaries.set(field, summaryOf(item));
  }

  function applyLinked(target: Contents, field: string, json: string | undefined) {
    if (json === undefined) {
      const { ticketId, itemId } = linkedIds(field);
      target.index.removeLinked(ticketId, itemId);
      target.tickets.delete(field);
      return;
    }
    const link = JSON.parse(json) as IndexedLink;
    target.index.upsertLinked(toLinkedTicket(link));
    target.tickets.set(field, link.ticket);
  }

  const replica = createReplica(
    redis,
    indexKeys(keyPrefix),
    [DOCS, LINKED],
    {
      reset() {
        loading = empty();
      },
      apply(part, field, json) {
        (part === LINKED ? applyLinked : applyItem)(loading ?? current, field, json);
      },
      loaded() {
        if (loading) current = loading;
        loading = undefined;
      },
    },
    options,
  );
  const { sync } = replica;

  function candidateOf(match: Match): Candidate[] {
    const item = current.summaries.get(match.id);
    if (!item) return [];
    if (match.via === undefined) return [{ ...match, item }];
    const viaTicket = current.tickets.get(linkedField(match.via, match.id));
    return [viaTicket ? { ...match, item, viaTicket } : { ...match, item }];
  }

  return {
    async query(text, queryOptions) {
      await sync();
      return current.index.query(text, queryOptions).flatMap(candidateOf);
    },
    sync,
    summary: (id) => current.summaries.get(id),
    get size() {
      return current.index.size;
    },
    get rebuilds() {
      return replica.rebuilds;
    },
  };
}
