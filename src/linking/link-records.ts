import type { ItemRef, TrackerName } from '../domain/events.ts';
import { masters, type RedisClient } from '../queue/connection.ts';
import type { TrackerItem } from '../trackers/tracker.ts';
import { docId } from './indexed-item.ts';

/**
 * How a link the service knows of came about: made automatically, by a command (`/link`, the console), or by a
 * person in the tracker (found when the ticket's job ran). Shown in the console, kept for the audit of a link.
 */
export interface LinkRecord {
  ticket: ItemRef;
  item: ItemRef;
  how: 'auto' | 'command' | 'tracker';
  confidence?: number;
  at: string;
  /** The job making an automatic link, until its comment is written: a retry of that job finishes this link. */
  job?: string;
  /** False while that job has not made the link in the tracker yet. */
  made?: boolean;
}

/**
 * The links the service knows of, both ways: item → tickets answers "whom to tell when this ships" (also across
 * trackers, where the item itself holds no link back); ticket → items answers "is this ticket linked already",
 * and which links a person has removed in the tracker since.
 */
export interface LinkRecords {
  add(record: LinkRecord): Promise<void>;
  /** A person unlinked them: the item is never offered to the ticket again (`rejectedFor`). */
  remove(ticket: ItemRef, item: ItemRef): Promise<boolean>;
  /** The item is gone (deleted with its links): the record goes, nobody rejected anything. */
  forget(ticket: ItemRef, item: ItemRef): Promise<void>;
  ticketsOf(item: Pick<ItemRef, 'tracker' | 'id'>): Promise<LinkRecord[]>;
  itemsOf(ticket: Pick<ItemRef, 'tracker' | 'id'>): Promise<LinkRecord[]>;
  /** Items a person unlinked from the ticket (index ids): never linked to it automatically again. */
  rejectedFor(ticket: Pick<ItemRef, 'tracker' | 'id'>): Promise<Set<string>>;
  /**
   * One page of the tickets of a tracker the service holds records for, each with its records; `next` (absent
   * after the last page) resumes the walk, also in another process. A ticket may show on two pages (SCAN).
   */
  ticketsPage(tracker: TrackerName, cursor?: string): Promise<{ tickets: LinkRecord[][]; next?: string }>;
}

/** Keys asked for per SCAN step: a page holds about as many tickets. */
const PAGE_SCAN_COUNT = 200;

/** Keys survive where ids do not: a Trello attachment names a Jira issue by key, a card by shortLink. */
export function sameItem(a: ItemRef, b: ItemRef): boolean {
  return a.tracker === b.tracker && (a.id === b.id || a.key === b.key);
}

/** Whether the ticket holds a link to the item in its tracker (a Jira issue or remote link, a Trello attachment). */
export const holdsLinkTo = (ticket: TrackerItem, item: ItemRef) =>
  ticket.links.some((link) => link.target.kind === 'item' && sameItem(link.target.ref, item));

/**
 * Whether a person removed the ticket's link to the item in the tracker: the service knew of the link (its records,
 * read before the ticket was), and the ticket no longer holds it. An automatic link its job has not made yet is not
 * missing. The item's link back (a Trello card's attachment) stays until the ticket's next job removes it, and Jira
 * sends no event when a remote link is removed: the item asks this whenever it reads its tickets.
 */
export function unlinkedInTicket(
  ticket: TrackerItem,
  item: ItemRef,
  recordedBefore: readonly LinkRecord[],
): boolean {
  const recorded = recordedBefore.filter((record) => sameItem(record.item, item) && record.made !== false);
  // The ticket's link may name the item by the key it had when linked, before a move (Jira redirects it).
  return (
    recorded.length > 0 &&
    ![item, ...recorded.map((record) => record.item)].some((ref) => holdsLinkTo(ticket, ref))
  );
}

/**
 * One hash tag for every link record: adding or removing a link writes the item's and the ticket's keys in one
 * MULTI, which a Redis Cluster accepts only within one slot.
 */
function linkKey(
  keyPrefix: string,
  kind: 'tickets' | 'items' | 'rejected',
  ref: Pick<ItemRef, 'tracker' | 'id'>,
) {
  return `{${keyPrefix}:links}:${kind}:${docId(ref)}`;
}

export function createLinkRecords(redis: RedisClient, keyPrefix: string): LinkRecords {
  const ticketsKey = (item: Pick<ItemRef, 'tracker' | 'id'>) => linkKey(keyPrefix, 'tickets', item);
  const itemsKey = (ticket: Pick<ItemRef, 'tracker' | 'id'>) => linkKey(keyPrefix, 'items', ticket);
  const rejectedKey = (ticket: Pick<ItemRef, 'tracker' | 'id'>) => linkKey(keyPrefix, 'rejected', ticket);
  const read = async (key: string) =>
    Object.values(await redis.hgetall(key)).map((json) => JSON.parse(json) as LinkRecord);
  return {
    async add(record) {
      const json = JSON.stringify(record);
      await redis
        .multi()
        .hset(ticketsKey(record.item), docId(record.ticket), json)
        .hset(itemsKey(record.ticket), docId(record.item), json)
        .srem(rejectedKey(record.ticket), docId(record.item))
        .exec();
    },
    async remove(ticket, item) {
      const replies = await redis
        .multi()
        .hdel(ticketsKey(item), docId(ticket))
        .hdel(itemsKey(ticket), docId(item))
        .sadd(rejectedKey(ticket), docId(item))
        .exec();
      return (replies ?? []).slice(0, 2).some(([, removed]) => removed === 1);
    },
    async forget(ticket, item) {
      await redis.multi().hdel(ticketsKey(item), docId(ticket)).hdel(itemsKey(ticket), docId(item)).exec();
    },
    ticketsOf: (item) => read(ticketsKey(item)),
    itemsOf: (ticket) => read(itemsKey(ticket)),
    rejectedFor: async (ticket) => new Set(await redis.smembers(rejectedKey(ticket))),
    async ticketsPage(tracker, cursor = '0:0') {
      // The records share one hash tag, so one node holds them all; the cursor names the node and its SCAN cursor.
      const nodes = masters(redis);
      const [at = '0', scan = '0'] = cursor.split(':');
      const node = Number(at);
      const server = nodes[node];
      if (!server) return { tickets: [] };
      const match = `${linkKey(keyPrefix, 'items', { tracker, id: '' })}*`;
      const [next, keys] = await server.scan(scan, 'MATCH', match, 'COUNT', PAGE_SCAN_COUNT);
      const tickets = (await Promise.all(keys.map(read))).filter((records) => records.length > 0);
      const more = next !== '0' ? `${node}:${next}` : node + 1 < nodes.length ? `${node + 1}:0` : undefined;
      return { tickets, ...(more && { next: more }) };
    },
  };
}
