import type { ItemRef } from '../domain/events.ts';
import type { LinkDoc } from '../domain/linking/index.ts';
import type { TrackerItem } from '../trackers/tracker.ts';

/** A backlog item as the shared index stores it (the JSON value of the docs hash). */
export interface IndexedItem {
  ref: ItemRef;
  title: string;
  description: string;
  /** ISO 8601 creation time: tickets match only items created before them. */
  created: string;
  url: string;
}

/** What a query needs to name a match in a comment; descriptions stay in Redis, not in every process. */
export type ItemSummary = Pick<IndexedItem, 'ref' | 'title' | 'url'>;

/** Field of the docs hash and id in the in-memory index: ids are unique per tracker only. */
export function docId(ref: Pick<ItemRef, 'tracker' | 'id'>): string {
  return `${ref.tracker}:${ref.id}`;
}

export function toIndexedItem(item: TrackerItem): IndexedItem {
  return {
    ref: item.ref,
    title: item.title,
    description: item.description,
    created: item.createdAt,
    url: item.url,
  };
}

export function toLinkDoc(item: IndexedItem): LinkDoc {
  return { id: docId(item.ref), title: item.title, description: item.description, created: item.created };
}

export function summaryOf(item: IndexedItem): ItemSummary {
  return { ref: item.ref, title: item.title, url: item.url };
}
