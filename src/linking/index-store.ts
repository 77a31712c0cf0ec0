import type { ItemRef } from '../domain/events.ts';
import type { RedisClient } from '../queue/connection.ts';
import { indexKeys } from './index-keys.ts';
import { docId, type IndexedItem } from './indexed-item.ts';

/** Readers that fall further behind than this rebuild from the docs hash instead of replaying. */
export const DEFAULT_LOG_LENGTH = 200_000;

// A write that changes nothing appends nothing: repeated webhooks for the same text cost every reader nothing.
const UPSERT = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local version = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], version .. '-0', 'op', 'u', 'f', ARGV[1], 'd', ARGV[2])
return 1`;

const REMOVE = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
local version = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], version .. '-0', 'op', 'r', 'f', ARGV[1])
return 1`;

export interface LinkIndexStore {
  /** Adds or replaces an item; false when the stored copy was already identical. */
  put(item: IndexedItem): Promise<boolean>;
  /** False when the item was not indexed. */
  delete(ref: Pick<ItemRef, 'tracker' | 'id'>): Promise<boolean>;
  get(ref: Pick<ItemRef, 'tracker' | 'id'>): Promise<IndexedItem | undefined>;
  /** Number of indexed items (HLEN), for the metrics endpoint. */
  size(): Promise<number>;
}

export interface LinkIndexStoreOptions {
  logLength?: number;
}

/** The writing side of the shared index: every change goes to the docs hash and the change log atomically. */
export function createLinkIndexStore(
  redis: RedisClient,
  keyPrefix: string,
  options: LinkIndexStoreOptions = {},
): LinkIndexStore {
  const keys = indexKeys(keyPrefix);
  const logLength = String(options.logLength ?? DEFAULT_LOG_LENGTH);
  return {
    async put(item) {
      const json = JSON.stringify(item);
      const changed = await redis.eval(
        UPSERT,
        3,
        keys.docs,
        keys.version,
        keys.log,
        docId(item.ref),
        json,
        logLength,
      );
      return changed === 1;
    },
    async delete(ref) {
      const changed = await redis.eval(REMOVE, 3, keys.docs, keys.version, keys.log, docId(ref), logLength);
      return changed === 1;
    },
    async get(ref) {
      const json = await redis.hget(keys.docs, docId(ref));
      return json ? (JSON.parse(json) as IndexedItem) : undefined;
    },
    size: () => redis.hlen(keys.docs),
  };
}

/** Index size without building a store, for code that only reports it. */
export function linkIndexSize(redis: RedisClient, keyPrefix: string): Promise<number> {
  return redis.hlen(indexKeys(keyPrefix).docs);
}
