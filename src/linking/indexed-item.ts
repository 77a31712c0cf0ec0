import type { Container, ItemRef, TrackerName } from '../domain/events.ts';
import type { LinkDoc, LinkedTicket } from '../domain/linking/index.ts';
import type { TrackerItem } from '../trackers/tracker.ts';

/** A backlog item as the shared index stores it (the JSON value of the docs hash). */
export interface IndexedItem {
  ref: ItemRef;
  title: string;
  description: string;
  /** ISO 8601 creation time: tickets match only items created before them. */
  created: string;
  url: string;
  /**
   * The Jira project or Trello board it was in when indexed, so a backfill can tell which indexed items its
   * listing should have shown. Absent in items stored by earlier releases.
   */
  container?: Pick<Container, 'id' | 'key'>;
  /** Behind a Jira issue security level (TrackerItem.restricted); absent in items stored by earlier releases. */
  restricted?: true;
}

/**
 * A support ticket linked to a backlog item, as the shared index stores it (the JSON value of the linked hash):
 * its words stand for the item, so the next ticket worded like it finds the item. Kept while the link exists.
 */
export interface IndexedLink {
  ticket: ItemRef;
  item: ItemRef;
  /** The ticket's address in its tracker, as its adapter gave it; absent in links stored by earlier releases. */
  url?: string;
  /** The ticket's title and description, as the matcher saw them when the link was made. */
  title: string;
  description: string;
  /** ISO 8601 creation time of the ticket: only tickets created after it learn from it. */
  created: string;
}

/** A linked ticket a match ranked through: its key for a comment, its address (when stored) for a page. */
export type TeachingTicket = ItemRef & Pick<IndexedLink, 'url'>;

/**
 * What a query needs to name a match in a comment (its container tells who may see its title); descriptions stay
 * in Redis, not in every process.
 */
export type ItemSummary = Pick<IndexedItem, 'ref' | 'title' | 'url' | 'restricted' | 'container'>;

/** Where an indexed item is, as the index knows it. */
export type ItemLocation = Pick<IndexedItem, 'ref' | 'container'>;

/**
 * Whether the index places the item in a container, named by any of its ids or keys (a Jira project by id or
 * key, a Trello board by id or short link). An item stored by an earlier release names no container: a Jira key
 * still names its project (APP-12 is in APP, or was when indexed); a Trello card's ref names no board, so such a
 * card is in none.
 */
export function isIn(item: ItemLocation, tracker: TrackerName, names: readonly string[]): boolean {
  if (item.ref.tracker !== tracker) return false;
  const { container } = item;
  if (container) return names.includes(container.id) || names.includes(container.key);
  return tracker === 'jira' && names.some((name) => item.ref.key.startsWith(`${name}-`));
}

/** Field of the docs hash and id in the in-memory index: ids are unique per tracker only. */
export function docId(ref: Pick<ItemRef, 'tracker' | 'id'>): string {
  return `${ref.tracker}:${ref.id}`;
}

/** Field of the linked hash, from the ticket's and the item's doc ids: unambiguous whatever they hold. */
export function linkedField(ticketId: string, itemId: string): string {
  return JSON.stringify([ticketId, itemId]);
}

export function toIndexedItem(item: TrackerItem): IndexedItem {
  return {
    ref: item.ref,
    title: item.title,
    description: item.description,
    created: item.createdAt,
    url: item.url,
    container: { id: item.container.id, key: item.container.key },
    ...(item.restricted && { restricted: true }),
  };
}

export function toIndexedLink(ticket: TrackerItem, item: ItemRef): IndexedLink {
  return {
    ticket: ticket.ref,
    item,
    url: ticket.url,
    title: ticket.title,
    description: ticket.description,
    created: ticket.createdAt,
  };
}

/** A creation time the index cannot read counts as "always there" rather than failing the whole load. */
const readable = (created: string) => (Number.isFinite(Date.parse(created)) ? created : undefined);

export function toLinkDoc(item: IndexedItem): LinkDoc {
  const { title, description } = item;
  return { id: docId(item.ref), title, description, created: readable(item.created) };
}

export function toLinkedTicket(link: IndexedLink): LinkedTicket {
  const { title, description } = link;
  return {
    id: docId(link.ticket),
    itemId: docId(link.item),
    title,
    description,
    created: readable(link.created),
  };
}

export function summaryOf(item: Pick<IndexedItem, keyof ItemSummary>): ItemSummary {
  const { ref, title, url, restricted, container } = item;
  return {
    ref,
    title,
    url,
    ...(restricted && { restricted: true }),
    ...(container && { container: { id: container.id, key: container.key } }),
  };
}
