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
  const linked = createReplicatedWriter(redis, linkedKeys(keyPrefix), { logLength });
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
    size: () => linkIndexSize(redis, keyPrefix),
  };
}

/** Index size without building a store, for code that only reports it. */
export function linkIndexSize(redis: RedisClient, keyPrefix: string): Promise<number> {
  return redis.hlen(indexKeys(keyPrefix).hash(DOCS));
}
