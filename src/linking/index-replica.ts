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
import { DOCS, indexKeys, LINKED, linkedKeys } from './index-keys.ts';
import {
  docId,
  type IndexedItem,
  type IndexedLink,
  type ItemLocation,
  type ItemSummary,
  linkedField,
  summaryOf,
  type TeachingTicket,
  toLinkDoc,
  toLinkedTicket,
} from './indexed-item.ts';

export interface Candidate extends Match {
  item: ItemSummary;
  /** The linked ticket whose words the item ranked through (see `via`), to name it in a comment or a page. */
  viaTicket?: TeachingTicket;
}

export interface IndexReplica {
  /** Catches up with the change log, then ranks in memory. */
  query(text: LinkQueryText, options?: LinkQueryOptions): Promise<Candidate[]>;
  /** Applies every change written so far (one XREAD when there is nothing new). */
  sync(): Promise<void>;
  /**
   * The indexed item a link names: by id, else by key (a Trello attachment names a card by its short link, a
   * Jira issue by its key), so links written by people resolve like the service's own.
   */
  find(ref: ItemRef): ItemSummary | undefined;
  /** Items whose evidence holds this ticket's words (its links when they were learnt), by the ticket's id. */
  wordsOf(ticket: Pick<ItemRef, 'tracker' | 'id'>): ItemRef[];
  /**
   * Every indexed item's ref and container (absent for items stored by earlier releases), from memory: a backfill
   * finds the items its listing did not show without reading the docs hash and its descriptions.
   */
  locations(): IterableIterator<ItemLocation>;
  /** Tickets whose words stand for this item, by the item's id. */
  teachersOf(item: Pick<ItemRef, 'tracker' | 'id'>): ItemRef[];
  readonly size: number;
  /** Full rebuilds of the items so far: 1 after the first load; more mean the reader fell behind their capped log. */
  readonly rebuilds: number;
}

export interface IndexReplicaOptions extends LinkIndexOptions {
  /** Changes read per XREAD. */
  batch?: number;
  scanCount?: number;
}

interface Items {
  index: LinkIndex;
  summaries: Map<string, ItemSummary>;
  /** `${tracker}:${key}` → the item's field (its id's), for links that name items by key. */
  byKey: Map<string, string>;
  /** Item's field → its container, for the items that name one. */
  containers: Map<string, NonNullable<IndexedItem['container']>>;
}

const keyOf = (ref: Pick<ItemRef, 'tracker' | 'key'>) => `${ref.tracker}:${ref.key}`;

/**
 * One process's copy of the shared index: built from its hashes (items; linked tickets' words), then kept
 * current by reading each one's change log from the last version it applied. Queries never fetch postings from
 * Redis, only the (usually empty) tails of the logs, so they stay in-memory fast while every process sees every
 * other process's writes.
 */
export function createIndexReplica(
  redis: RedisClient,
  keyPrefix: string,
  options: IndexReplicaOptions = {},
): IndexReplica {
  const empty = (): Items => ({
    index: createLinkIndex(options),
    summaries: new Map(),
    byKey: new Map(),
    containers: new Map(),
  });
  let current = empty();
  // A full load fills fresh copies while queries keep the current ones, until it is complete.
  let loading: Items | undefined;
  // Linked tickets by their field, text included: an index rebuilt from the items gets their words again.
  const links = new Map<string, IndexedLink>();
  let linksLoading: Map<string, IndexedLink> | undefined;

  function applyItem(target: Items, field: string, json: string | undefined) {
    const before = target.summaries.get(field);
    if (before && target.byKey.get(keyOf(before.ref)) === field) target.byKey.delete(keyOf(before.ref));
    if (json === undefined) {
      target.index.remove(field);
      target.summaries.delete(field);
      target.containers.delete(field);
      return;
    }
    const item = JSON.parse(json) as IndexedItem;
    target.index.upsert(toLinkDoc(item));
    target.summaries.set(field, summaryOf(item));
    target.byKey.set(keyOf(item.ref), field);
    if (item.container) target.containers.set(field, item.container);
    else target.containers.delete(field);
  }

  // The fields of each ticket's and each item's links, so a job finds them without scanning every link.
  const fieldsOfTicket = new Map<string, Set<string>>();
  const fieldsOfItem = new Map<string, Set<string>>();
  const track = (fields: Map<string, Set<string>>, id: string, field: string, add: boolean) => {
    const set = fields.get(id) ?? new Set<string>();
    if (add) set.add(field);
    else set.delete(field);
    if (set.size > 0) fields.set(id, set);
    else fields.delete(id);
  };

  function setLink(field: string, link: IndexedLink | undefined) {
    const before = links.get(field);
    if (before) {
      current.index.removeLinked(docId(before.ticket), docId(before.item));
      track(fieldsOfTicket, docId(before.ticket), field, false);
      track(fieldsOfItem, docId(before.item), field, false);
    }
    if (!link) {
      links.delete(field);
      return;
    }
    links.set(field, link);
    current.index.upsertLinked(toLinkedTicket(link));
    track(fieldsOfTicket, docId(link.ticket), field, true);
    track(fieldsOfItem, docId(link.item), field, true);
  }

  const items = createReplica(
    redis,
    indexKeys(keyPrefix),
    [DOCS],
    {
      reset() {
        loading = empty();
      },
      apply(_part, field, json) {
        applyItem(loading ?? current, field, json);
      },
      loaded() {
        if (!loading) return;
        for (const link of links.values()) loading.index.upsertLinked(toLinkedTicket(link));
        current = loading;
        loading = undefined;
      },
    },
    options,
  );
  const linked = createReplica(
    redis,
    linkedKeys(keyPrefix),
    [LINKED],
    {
      reset() {
        linksLoading = new Map();
      },
      apply(_part, field, json) {
        const link = json === undefined ? undefined : (JSON.parse(json) as IndexedLink);
        if (!linksLoading) setLink(field, link);
        else if (link) linksLoading.set(field, link);
      },
      loaded() {
        const loaded = linksLoading ?? new Map<string, IndexedLink>();
        linksLoading = undefined;
        for (const field of [...links.keys()]) if (!loaded.has(field)) setLink(field, undefined);
        for (const [field, link] of loaded) setLink(field, link);
      },
    },
    options,
  );
  const sync = async () => {
    await Promise.all([items.sync(), linked.sync()]);
  };

  function candidateOf(match: Match): Candidate[] {
    const item = current.summaries.get(match.id);
    if (!item) return [];
    if (match.via === undefined) return [{ ...match, item }];
    const link = links.get(linkedField(match.via, match.id));
    if (!link) return [{ ...match, item }];
    const viaTicket: TeachingTicket = { ...link.ticket, ...(link.url ? { url: link.url } : {}) };
    return [{ ...match, item, viaTicket }];
  }

  return {
    async query(text, queryOptions) {
      await sync();
      return current.index.query(text, queryOptions).flatMap(candidateOf);
    },
    sync,
    find(ref) {
      const { summaries, byKey } = current;
      return summaries.get(docId(ref)) ?? summaries.get(byKey.get(keyOf(ref)) ?? '');
    },
    wordsOf(ticket) {
      const fields = fieldsOfTicket.get(docId(ticket)) ?? [];
      return [...fields].flatMap((field) => links.get(field)?.item ?? []);
    },
    *locations() {
      const { summaries, containers } = current;
      for (const [field, { ref }] of summaries) yield { ref, container: containers.get(field) };
    },
    teachersOf(item) {
      const fields = fieldsOfItem.get(docId(item)) ?? [];
      return [...fields].flatMap((field) => links.get(field)?.ticket ?? []);
    },
    get size() {
      return current.index.size;
    },
    get rebuilds() {
      return items.rebuilds;
    },
  };
}
