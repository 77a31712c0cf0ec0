import type { ItemRef } from '../domain/events.ts';
import type { RedisClient } from '../queue/connection.ts';
import { createReplicatedWriter } from '../queue/replicated-hashes.ts';
import { DOCS, indexKeys, LINKED, linkedKeys } from './index-keys.ts';
import { docId, type IndexedItem, type IndexedLink, linkedField } from './indexed-item.ts';

/** Readers that fall further behind than this rebuild from the docs hash instead of replaying. */
const DEFAULT_LOG_LENGTH = 200_000;

export interface LinkIndexStore {
  /** Adds or replaces an item; false when the stored copy was already identical (no reader is bothered). */
  put(item: IndexedItem): Promise<boolean>;
  /** False when the item was not indexed. */
  delete(ref: Pick<ItemRef, 'tracker' | 'id'>): Promise<boolean>;
  get(ref: Pick<ItemRef, 'tracker' | 'id'>): Promise<IndexedItem | undefined>;
  /** Adds or replaces a linked ticket's words; false when they were stored already. */
  putLinked(link: IndexedLink): Promise<boolean>;
  /** False when that link's words were not stored. */
  deleteLinked(
    ticket: Pick<ItemRef, 'tracker' | 'id'>,
    item: Pick<ItemRef, 'tracker' | 'id'>,
  ): Promise<boolean>;
  /**
   * Removes the words of every link of `ref` as the ticket (`'ticket'`), or as the ticket or the item (`'either'`:
   * a deleted issue takes along what it taught and what it was taught); how many. Reads the whole hash: for rare
   * events (deletions, a ticket leaving support), not for every job.
   */
  deleteLinkedOf(ref: Pick<ItemRef, 'tracker' | 'id'>, side: 'ticket' | 'either'): Promise<number>;
  /** Number of indexed items (HLEN), for the metrics endpoint. */
  size(): Promise<number>;
}

export interface LinkIndexStoreOptions {
  logLength?: number;
}

/** The writing side of the shared index: every change goes to its hash and that hash's change log atomically. */
export function createLinkIndexStore(
  redis: RedisClient,
  keyPrefix: string,
  options: LinkIndexStoreOptions = {},
): LinkIndexStore {
  const logLength = options.logLength ?? DEFAULT_LOG_LENGTH;
  const writer = createReplicatedWriter(redis, indexKeys(keyPrefix), { logLength });
  const linkedKeysOf = linkedKeys(keyPrefix);
  const linked = createReplicatedWriter(redis, linkedKeysOf, { logLength });
  return {
    put: (item) => writer.put(DOCS, docId(item.ref), JSON.stringify(item)),
    delete: (ref) => writer.remove(DOCS, docId(ref)),
    async get(ref) {
      const json = await writer.get(DOCS, docId(ref));
      return json ? (JSON.parse(json) as IndexedItem) : undefined;
    },
    putLinked: (link) =>
      linked.put(LINKED, linkedField(docId(link.ticket), docId(link.item)), JSON.stringify(link)),
    deleteLinked: (ticket, item) => linked.remove(LINKED, linkedField(docId(ticket), docId(item))),
    async deleteLinkedOf(ref, side) {
      // A field is the JSON of [ticket id, item id] (linkedField): the quoted id is found whole.
      const quoted = globEscape(JSON.stringify(docId(ref)));
      const pattern = side === 'ticket' ? `${globEscape('[')}${quoted},*` : `*${quoted}*`;
      const fields: string[] = [];
      let cursor = '0';
      do {
        const [next, flat] = await redis.hscan(
          linkedKeysOf.hash(LINKED),
          cursor,
          'MATCH',
          pattern,
          'COUNT',
          1000,
        );
        for (let i = 0; i < flat.length; i += 2) fields.push(flat[i]!);
        cursor = next;
      } while (cursor !== '0');
      let removed = 0;
      for (const field of new Set(fields)) if (await linked.remove(LINKED, field)) removed += 1;
      return removed;
    },
    size: () => linkIndexSize(redis, keyPrefix),
  };
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Index size without building a store, for code that only reports it. */
export function linkIndexSize(redis: RedisClient, keyPrefix: string): Promise<number> {
  return redis.hlen(indexKeys(keyPrefix).hash(DOCS));
}
