/**
 * Keys of the shared index. One hash tag (per deployment) for all of them: the write script touches the docs
 * hash, the version counter and the change log together, which Redis Cluster allows only within one slot.
 */
export interface IndexKeys {
  /** Hash: `${tracker}:${id}` → IndexedItem JSON. The source of truth. */
  docs: string;
  /** Counter of changes; change n has stream id `n-0`, so a reader sees a gap as a jump in ids. */
  version: string;
  /** Stream of changes (op u/r, field, doc), capped; a reader that fell behind the cap rebuilds. */
  log: string;
}

export function indexKeys(keyPrefix: string): IndexKeys {
  const tag = `${keyPrefix}:{${keyPrefix}:linkindex}`;
  return { docs: `${tag}:docs`, version: `${tag}:version`, log: `${tag}:log` };
}
