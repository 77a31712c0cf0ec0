import type { RedisClient } from '../queue/connection.ts';

/**
 * Hashes in Redis that every process mirrors in memory (the link index, the console's read model): each write
 * lands in its hash and in a capped change log atomically; a replica loads the hashes once, then applies the log
 * from the last version it saw. All keys carry one hash tag (the caller's), because the write script touches
 * them together.
 */
export interface ReplicatedKeys {
  hash(part: string): string;
  /** Counter of changes; change n has stream id `n-0`, so a reader sees a gap as a jump in ids. */
  version: string;
  /** Stream of changes (part, field, value or none for a removal), capped; a reader that fell behind rebuilds. */
  log: string;
}

export function replicatedKeys(tag: string): ReplicatedKeys {
  return { hash: (part) => `${tag}:${part}`, version: `${tag}:version`, log: `${tag}:log` };
}

/** Readers further behind than this rebuild from the hashes instead of replaying. */
export const DEFAULT_LOG_LENGTH = 50_000;

/**
 * Lua functions `replicatedPut(hash, version, log, part, field, value, maxlen)` and
 * `replicatedRemove(hash, version, log, part, field, maxlen)`, for scripts that write a replicated hash together
 * with other keys of the same hash tag in one atomic step. A write that changes nothing appends nothing: a re-run
 * job costs the readers nothing.
 */
export const REPLICATED_LUA = `
local function replicatedPut(hash, version, log, part, field, value, maxlen)
  if redis.call('HGET', hash, field) == value then return 0 end
  redis.call('HSET', hash, field, value)
  local v = redis.call('INCR', version)
  redis.call('XADD', log, 'MAXLEN', '~', maxlen, v .. '-0', 'p', part, 'f', field, 'd', value)
  return 1
end
local function replicatedRemove(hash, version, log, part, field, maxlen)
  if redis.call('HDEL', hash, field) == 0 then return 0 end
  local v = redis.call('INCR', version)
  redis.call('XADD', log, 'MAXLEN', '~', maxlen, v .. '-0', 'p', part, 'f', field)
  return 1
end
`;

const PUT = `${REPLICATED_LUA}
return replicatedPut(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], ARGV[4])`;

const REMOVE = `${REPLICATED_LUA}
return replicatedRemove(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3])`;

export interface ReplicatedWriter {
  /** False when the stored value was already identical. */
  put(part: string, field: string, value: string): Promise<boolean>;
  /** False when there was nothing to remove. */
  remove(part: string, field: string): Promise<boolean>;
  get(part: string, field: string): Promise<string | undefined>;
}

export function createReplicatedWriter(
  redis: RedisClient,
  keys: ReplicatedKeys,
  options: { logLength?: number } = {},
): ReplicatedWriter {
  const logLength = String(options.logLength ?? DEFAULT_LOG_LENGTH);
  return {
    async put(part, field, value) {
      const changed = await redis.eval(
        PUT,
        3,
        keys.hash(part),
        keys.version,
        keys.log,
        part,
        field,
        value,
        logLength,
      );
      return changed === 1;
    },
    async remove(part, field) {
      const changed = await redis.eval(
        REMOVE,
        3,
        keys.hash(part),
        keys.version,
        keys.log,
        part,
        field,
        logLength,
      );
      return changed === 1;
    },
    async get(part, field) {
      return (await redis.hget(keys.hash(part), field)) ?? undefined;
    },
  };
}

/** What a replica fills: every value of a full load, then every change. */
export interface ReplicaTarget {
  /** A full load begins: what `apply` gets until `loaded` replaces what the target held. */
  reset(): void;
  apply(part: string, field: string, value: string | undefined): void;
  /** The full load is complete; a target that kept serving its old contents meanwhile switches now. */
  loaded?(): void;
}

export interface Replica {
  /** Applies every change written so far (one XREAD when there is nothing new). */
  sync(): Promise<void>;
  /** Bumps on every change applied and every load, so caches keyed by it stay correct. */
  readonly generation: number;
  /** Full loads so far: 1 after the first; more mean the reader fell behind the capped log. */
  readonly rebuilds: number;
}

type StreamEntry = [id: string, fields: string[]];

const versionOf = (streamId: string) => Number(streamId.slice(0, streamId.indexOf('-')));

function fieldsOf(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = flat[i + 1]!;
  return record;
}

export function createReplica(
  redis: RedisClient,
  keys: ReplicatedKeys,
  parts: readonly string[],
  target: ReplicaTarget,
  options: { batch?: number; scanCount?: number } = {},
): Replica {
  const batch = options.batch ?? 1_000;
  const scanCount = options.scanCount ?? 1_000;
  let version = -1;
  let rebuilds = 0;
  let generation = 0;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  async function rebuild(): Promise<void> {
    // The version is read first: changes racing the scan are replayed after it, and replaying is idempotent.
    const startVersion = Number((await redis.get(keys.version)) ?? 0);
    target.reset();
    for (const part of parts) {
      let cursor = '0';
      do {
        const [next, flat] = await redis.hscan(keys.hash(part), cursor, 'COUNT', scanCount);
        for (let i = 0; i + 1 < flat.length; i += 2) target.apply(part, flat[i]!, flat[i + 1]!);
        cursor = next;
      } while (cursor !== '0');
    }
    target.loaded?.();
    version = startVersion;
    rebuilds += 1;
    generation += 1;
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
        // The link index's log once named no part (`op`, `f`, `d`): such entries are its only hash's.
        const { p = parts.length === 1 ? parts[0] : undefined, f, d } = fieldsOf(flat);
        if (p !== undefined && f !== undefined) target.apply(p, f, d);
        version = versionOf(id);
        generation += 1;
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
    sync,
    get generation() {
      return generation;
    },
    get rebuilds() {
      return rebuilds;
    },
  };
}
