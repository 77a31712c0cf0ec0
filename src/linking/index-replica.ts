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
import { DOCS, indexKeys } from './index-keys.ts';
import { type IndexedItem, type ItemSummary, summaryOf, toLinkDoc } from './indexed-item.ts';

export interface Candidate extends Match {
  item: ItemSummary;
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

/**
 * One process's copy of the shared index: built from the docs hash, then kept current by reading the change
 * log from the last version it applied. Queries never fetch postings from Redis, only the (usually empty)
 * tail of the log, so they stay in-memory fast while every process sees every other process's writes.
 */
export function createIndexReplica(
  redis: RedisClient,
  keyPrefix: string,
  options: IndexReplicaOptions = {},
): IndexReplica {
  let index: LinkIndex = createLinkIndex(options);
  let summaries = new Map<string, ItemSummary>();
  // A full load fills fresh copies while queries keep the current ones, until it is complete.
  let loading: { index: LinkIndex; summaries: Map<string, ItemSummary> } | undefined;
  const replica = createReplica(
    redis,
    indexKeys(keyPrefix),
    [DOCS],
    {
      reset() {
        loading = { index: createLinkIndex(options), summaries: new Map() };
      },
      apply(_part, field, json) {
        const target = loading ?? { index, summaries };
        if (json === undefined) {
          target.index.remove(field);
          target.summaries.delete(field);
          return;
        }
        const item = JSON.parse(json) as IndexedItem;
        const doc = toLinkDoc(item);
        target.index.upsert(Number.isFinite(Date.parse(item.created)) ? doc : { ...doc, created: undefined });
        target.summaries.set(field, summaryOf(item));
      },
      loaded() {
        if (loading) ({ index, summaries } = loading);
        loading = undefined;
      },
    },
    options,
  );
  const { sync } = replica;

  return {
    async query(text, queryOptions) {
      await sync();
      return index.query(text, queryOptions).flatMap((match) => {
        const item = summaries.get(match.id);
        return item ? [{ ...match, item }] : [];
      });
    },
    sync,
    summary: (id) => summaries.get(id),
    get size() {
      return index.size;
    },
    get rebuilds() {
      return replica.rebuilds;
    },
  };
}
