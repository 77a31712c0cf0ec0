import { type ReplicatedKeys, replicatedKeys } from '../queue/replicated-hashes.ts';

/** The link index's items: `${tracker}:${id}` → IndexedItem JSON, the source of truth. */
export const DOCS = 'docs';
/** Words of tickets linked to items: `linkedField(ticket id, item id)` → IndexedLink JSON, one per link. */
export const LINKED = 'tickets';

/**
 * Keys of the shared index. One hash tag (per deployment) for all of them: the write script touches a
 * hash, the version counter and the change log together, which Redis Cluster allows only within one slot.
 */
export function indexKeys(keyPrefix: string): ReplicatedKeys {
  return replicatedKeys(`${keyPrefix}:{${keyPrefix}:linkindex}`);
}

/**
 * Keys of the linked tickets' words: the same hash tag, with a version and change log of their own, so a process
 * of a release without them (which reads every entry of the items' log as an item) never sees them.
 */
export function linkedKeys(keyPrefix: string): ReplicatedKeys {
  return replicatedKeys(`${keyPrefix}:{${keyPrefix}:linkindex}:linked`);
}
