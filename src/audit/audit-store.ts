import type { TrackerName } from '../domain/events.ts';
import type { RedisClient } from '../queue/connection.ts';
import type { AuditEntry, NewAuditEntry } from './audit-entry.ts';

export interface AuditQuery {
  /** An item of a tracker, by id or key (both are indexed). */
  item?: { tracker: TrackerName; idOrKey: string };
  capability?: string;
  since?: Date;
  until?: Date;
  /** Only entries listed after this one: the `next` of the page before, exact within a millisecond. */
  after?: AuditCursor;
  limit: number;
}

/** Where a page ended: the time and id of its last entry, the order lists follow. */
export interface AuditCursor {
  atMs: number;
  id: string;
}

export const cursorAfter = (entry: AuditEntry): AuditCursor => ({ atMs: Date.parse(entry.at), id: entry.id });
/** A cursor as the admin API hands it out: `<epoch ms>.<id>`. */
export const formatAuditCursor = (cursor: AuditCursor): string => `${cursor.atMs}.${cursor.id}`;
export const AUDIT_CURSOR_PATTERN = '^[0-9]{1,15}\\.[0-9]{1,15}$';
export function parseAuditCursor(text: string): AuditCursor {
  const [atMs, id] = text.split('.');
  return { atMs: Number(atMs), id: id ?? '' };
}

export interface AuditStore {
  record(entry: NewAuditEntry): Promise<AuditEntry>;
  get(id: string): Promise<AuditEntry | undefined>;
  /** Newest first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  markUndone(ids: readonly string[], undoneBy: string): Promise<void>;
  /** The change (`changeKey`) the undoer works on: the first one it named, kept for the retention. */
  pinChange(undoer: string, change: string): Promise<string>;
  /** Drops entries older than the retention; returns how many went. */
  trim(): Promise<number>;
}

export interface AuditStoreOptions {
  redis: RedisClient;
  keyPrefix: string;
  retentionDays: number;
  now?: () => Date;
}

const DAY_MS = 86_400_000;
const TRIM_BATCH = 500;
const PAGE = 200;
/**
 * Sorted sets order members of one score (writes in the same millisecond) as text, so ids go into them
 * zero-padded: "10" must sort after "9". Entries keep their plain ids; members written before the padding have
 * older scores, so the two never tie.
 */
const ID_WIDTH = 16;
const memberOf = (id: string) => id.padStart(ID_WIDTH, '0');
const idOf = (member: string) => member.replace(/^0+(?=.)/, '');

// Atomic, and cluster-safe because every key it touches shares the `{prefix:audit}` hash tag.
const TRIM_SCRIPT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #ids > 0 then
  local plain = {}
  for i, member in ipairs(ids) do plain[i] = string.gsub(member, '^0+(.)', '%1') end
  redis.call('HDEL', KEYS[2], unpack(plain))
  redis.call('ZREM', KEYS[1], unpack(ids))
end
return #ids`;

/**
 * The audit trail in Redis: entries in one hash, a sorted set by time, and sorted sets per item (id and key)
 * and per capability. Index sets expire with the retention when nothing new lands in them, and are trimmed by
 * score on every write; the time set drives trimming of the entries themselves.
 */
export function createRedisAuditStore(options: AuditStoreOptions): AuditStore {
  const { redis, retentionDays } = options;
  const now = options.now ?? (() => new Date());
  const tag = `{${options.keyPrefix}:audit}`;
  const keys = {
    seq: `${tag}:seq`,
    entries: `${tag}:entries`,
    time: `${tag}:time`,
    item: (tracker: string, idOrKey: string) => `${tag}:item:${tracker}:${idOrKey}`,
    capability: (name: string) => `${tag}:cap:${name}`,
    pin: (undoer: string) => `${tag}:undo:${undoer}`,
  };
  const retentionMs = retentionDays * DAY_MS;
  const cutoff = () => now().getTime() - retentionMs;

  async function readEntries(ids: string[]): Promise<AuditEntry[]> {
    if (ids.length === 0) return [];
    const values = await redis.hmget(keys.entries, ...ids);
    return values.flatMap((value) => (value ? [JSON.parse(value) as AuditEntry] : []));
  }

  async function trim(): Promise<number> {
    return Number(await redis.eval(TRIM_SCRIPT, 2, keys.time, keys.entries, String(cutoff()), TRIM_BATCH));
  }

  return {
    async record(input) {
      const at = now();
      const id = String(await redis.incr(keys.seq));
      const entry: AuditEntry = { id, at: at.toISOString(), ...input };
      const score = at.getTime();
      const indexes = [
        keys.item(entry.item.tracker, entry.item.id),
        keys.item(entry.item.tracker, entry.item.key),
        keys.capability(entry.context.capability),
      ];
      const member = memberOf(id);
      const multi = redis
        .multi()
        .hset(keys.entries, id, JSON.stringify(entry))
        .zadd(keys.time, score, member);
      for (const index of new Set(indexes)) {
        multi
          .zadd(index, score, member)
          .zremrangebyscore(index, '-inf', cutoff())
          .pexpire(index, retentionMs);
      }
      await multi.exec();
      await trim();
      return entry;
    },

    async get(id) {
      const [entry] = await readEntries([id]);
      return entry;
    },

    async list(query) {
      const key = query.item
        ? keys.item(query.item.tracker, query.item.idOrKey)
        : query.capability
          ? keys.capability(query.capability)
          : keys.time;
      const { after } = query;
      const max = Math.min(
        query.until?.getTime() ?? Number.POSITIVE_INFINITY,
        after?.atMs ?? Number.POSITIVE_INFINITY,
      );
      const min = Math.max(cutoff(), query.since?.getTime() ?? 0);
      // Within one millisecond members sort by padded id, so the cursor's own member bounds that millisecond.
      const listedBefore = (member: string, score: number) =>
        after !== undefined && score === after.atMs && member >= memberOf(after.id);
      const found: AuditEntry[] = [];
      for (let offset = 0; found.length < query.limit; offset += PAGE) {
        const scored = await redis.zrevrangebyscore(
          key,
          max === Number.POSITIVE_INFINITY ? '+inf' : max,
          min,
          'WITHSCORES',
          'LIMIT',
          offset,
          PAGE,
        );
        const members: string[] = [];
        for (let i = 0; i < scored.length; i += 2) {
          const member = scored[i] ?? '';
          if (!listedBefore(member, Number(scored[i + 1]))) members.push(member);
        }
        const entries = await readEntries(members.map(idOf));
        found.push(...entries.filter((e) => !query.capability || e.context.capability === query.capability));
        if (scored.length < 2 * PAGE) break;
      }
      return found.slice(0, query.limit);
    },

    async markUndone(ids, undoneBy) {
      const entries = await readEntries([...ids]);
      if (entries.length === 0) return;
      const fields = entries.flatMap((entry) => [entry.id, JSON.stringify({ ...entry, undoneBy })]);
      await redis.hset(keys.entries, ...fields);
    },

    async pinChange(undoer, change) {
      const key = keys.pin(undoer);
      await redis.set(key, change, 'PX', retentionMs, 'NX');
      return (await redis.get(key)) ?? change;
    },

    trim,
  };
}
