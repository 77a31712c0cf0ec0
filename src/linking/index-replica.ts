import {
  createLinkIndex,
  type LinkIndex,
  type LinkIndexOptions,
  type LinkQueryOptions,
  type LinkQueryText,
  type Match,
} from '../domain/linking/index.ts';
import type { RedisClient } from '../queue/connection.ts';
import { indexKeys } from './index-keys.ts';
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

type StreamEntry = [id: string, fields: string[]];

const versionOf = (streamId: string) => Number(streamId.slice(0, streamId.indexOf('-')));

function fieldsOf(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = flat[i + 1]!;
  return record;
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
  const keys = indexKeys(keyPrefix);
  const batch = options.batch ?? 1_000;
  const scanCount = options.scanCount ?? 1_000;
  let index: LinkIndex = createLinkIndex(options);
  let summaries = new Map<string, ItemSummary>();
  let version = -1;
  let rebuilds = 0;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  function apply(target: LinkIndex, into: Map<string, ItemSummary>, field: string, json: string | undefined) {
    if (json === undefined) {
      target.remove(field);
      into.delete(field);
      return;
    }
    const item = JSON.parse(json) as IndexedItem;
    const doc = toLinkDoc(item);
    target.upsert(Number.isFinite(Date.parse(item.created)) ? doc : { ...doc, created: undefined });
    into.set(field, summaryOf(item));
  }

  async function rebuild(): Promise<void> {
    // The version is read first: changes racing the scan are replayed after it, and replaying is idempotent.
    const startVersion = Number((await redis.get(keys.version)) ?? 0);
    const fresh = createLinkIndex(options);
    const freshSummaries = new Map<string, ItemSummary>();
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(keys.docs, cursor, 'COUNT', scanCount);
      for (let i = 0; i + 1 < flat.length; i += 2) apply(fresh, freshSummaries, flat[i]!, flat[i + 1]!);
      cursor = next;
    } while (cursor !== '0');
    index = fresh;
    summaries = freshSummaries;
    version = startVersion;
    rebuilds += 1;
  }

  /** False when the log no longer holds the next change this replica needs. */
  async function tail(): Promise<boolean> {
    for (;;) {
      const reply = (await redis.xread('COUNT', batch, 'STREAMS', keys.log, `${version}-0`)) as
        | [string, StreamEntry[]][]
        | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) return true;
      if (versionOf(entries[0]![0]) !== version + 1) return false;
      for (const [id, flat] of entries) {
        const { op, f, d } = fieldsOf(flat);
        if (f !== undefined) apply(index, summaries, f, op === 'u' ? d : undefined);
        version = versionOf(id);
      }
      if (entries.length < batch) return true;
    }
  }

  async function catchUp(): Promise<void> {
    if (version < 0) await rebuild();
    while (!(await tail())) await rebuild();
  }

  function sync(): Promise<void> {
    if (!running) {
      running = catchUp().finally(() => {
        running = undefined;
      });
      return running;
    }
    // A sync already in flight may have read the log before the caller's change: run once more after it.
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return sync();
      });
    return queued;
  }

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
      return rebuilds;
    },
  };
}
