import { type ReplicatedKeys, replicatedKeys } from '../queue/replicated-hashes.ts';

/** The one replicated hash of the link index: `${tracker}:${id}` → IndexedItem JSON, the source of truth. */
export const DOCS = 'docs';

/**
 * Keys of the shared index. One hash tag (per deployment) for all of them: the write script touches the docs
 * hash, the version counter and the change log together, which Redis Cluster allows only within one slot.
 */
export function indexKeys(keyPrefix: string): ReplicatedKeys {
  return replicatedKeys(`${keyPrefix}:{${keyPrefix}:linkindex}`);
}
