import type { TrackerName } from '../domain/events.ts';
import type { Logger } from '../logger.ts';
import { masters, type RedisClient } from './connection.ts';
import {
  bodyField,
  bucketLifetimeSeconds,
  dedupeBuckets,
  idField,
  intakeTag,
  isBucketOfThisWindow,
} from './intake.ts';

/**
 * Dedupe records intake does not read, carried into the bucket it writes now. Releases before 2026-12-06 kept two
 * keys with their own lifetime per accepted delivery: `{<prefix>:intake}:dedupe:<delivery key>` (`<ms> <body hash>`)
 * and `{<prefix>:intake}:body:<tracker>.<hash>` (the delivery key). And buckets are numbered by the dedupe window's
 * length, so after a change of DEDUPE_TTL_SECONDS the buckets written before are others' numbers. Without this, an
 * upgrade or that change forgot for one window every body accepted before it: a captured delivery replayed under a
 * new id would have been accepted again. The records are copied, never deleted: processes of the older release or
 * setting, still running during a rolling change, keep reading and writing them, and they expire on their own.
 */

/** The bucket field a legacy key's record belongs in, or undefined for any other key. */
export function legacyField(keyPrefix: string, key: string): string | undefined {
  const tag = intakeTag(keyPrefix);
  if (!key.startsWith(tag)) return undefined;
  const rest = key.slice(tag.length);
  const idKey = /^:dedupe:((?:jira|trello)\..+)$/.exec(rest);
  if (idKey) return idField(idKey[1]!);
  const bodyKey = /^:body:(jira|trello)\.(.+)$/.exec(rest);
  return bodyKey ? bodyField(bodyKey[1] as TrackerName, bodyKey[2]!) : undefined;
}

const SCAN_COUNT = 1_000;

export interface LegacyDedupeOptions {
  redis: RedisClient;
  keyPrefix: string;
  dedupeTtlSeconds: number;
}

/** A dedupe bucket written under another DEDUPE_TTL_SECONDS, by its key. */
function otherWindowsBucket(options: LegacyDedupeOptions, key: string, nowMs: number): boolean {
  const tag = intakeTag(options.keyPrefix);
  const bucket = key.startsWith(tag) ? /^:dedupe:(\d+)$/.exec(key.slice(tag.length)) : null;
  return bucket !== null && !isBucketOfThisWindow(Number(bucket[1]), options.dedupeTtlSeconds, nowMs);
}

/** KEYS: the bucket written now; ARGV: its lifetime, then field, value, field, value... Answers how many were new. */
const COPY_FIELDS_SCRIPT = `
local copied = 0
for i = 2, #ARGV, 2 do
  copied = copied + redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])
end
if copied > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return copied
`;

/** Copies `field, value, field, value...` into the bucket written now; answers how many were new there. */
async function copyFields(options: LegacyDedupeOptions, pairs: string[]): Promise<number> {
  if (pairs.length === 0) return 0;
  const { redis, keyPrefix, dedupeTtlSeconds } = options;
  const into = dedupeBuckets(keyPrefix, dedupeTtlSeconds, Date.now()).live[0]!;
  return Number(
    await redis.eval(COPY_FIELDS_SCRIPT, 1, into, bucketLifetimeSeconds(dedupeTtlSeconds), ...pairs),
  );
}

/** Copies another window's bucket into the one written now, a page at a time. */
async function copyBucket(options: LegacyDedupeOptions, from: string): Promise<number> {
  let copied = 0;
  let cursor = '0';
  do {
    const [next, pairs] = await options.redis.hscan(from, cursor, 'COUNT', SCAN_COUNT);
    cursor = next;
    copied += await copyFields(options, pairs);
  } while (cursor !== '0');
  return copied;
}

/**
 * Copies every record intake does not read into the bucket written now: it is then known for one more window at
 * least, longer than it would have been, which costs nothing (a body is a replay whenever it comes again). Returns
 * how many records were new there. Safe to run from every API process at each start, and while older processes
 * still write.
 */
export async function migrateLegacyDedupeRecords(options: LegacyDedupeOptions): Promise<number> {
  const { redis, keyPrefix } = options;
  const match = `${intakeTag(keyPrefix)}:*`;
  const otherBuckets = new Set<string>();
  let copied = 0;
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
      cursor = next;
      for (const key of keys) if (otherWindowsBucket(options, key, Date.now())) otherBuckets.add(key);
      const legacy = keys.flatMap((key) => {
        const field = legacyField(keyPrefix, key);
        return field === undefined ? [] : [{ key, field }];
      });
      if (legacy.length === 0) continue;
      // Copies are idempotent (HSETNX), so a key expiring between the read and the copy does no harm.
      const values = await redis.mget(...legacy.map(({ key }) => key));
      const pairs = legacy.flatMap(({ field }, index) => {
        const value = values[index];
        return value === null || value === undefined ? [] : [field, value];
      });
      copied += await copyFields(options, pairs);
    } while (cursor !== '0');
  }
  for (const bucket of otherBuckets) copied += await copyBucket(options, bucket);
  return copied;
}

/** A rolling change's older processes may still write records after this one's first pass. */
const RESCAN_MS = 10 * 60_000;

/**
 * What an API process runs: a pass in the background once Redis is ready, and one more `rescanMs` later.
 * `firstPass` settles when the first pass has copied what it found, or said why it could not; it never rejects.
 */
export function carryLegacyDedupeRecords(options: LegacyDedupeOptions & { log: Logger; rescanMs?: number }): {
  firstPass: Promise<void>;
  stop(): void;
} {
  const { redis, log } = options;
  // A pass started while Redis is still unreachable (it may start after the API) would spend its retries and leave
  // everything to the second pass.
  const ready = () =>
    redis.status === 'ready' ? Promise.resolve() : new Promise((resolve) => redis.once('ready', resolve));
  const pass = () =>
    ready()
      .then(() => migrateLegacyDedupeRecords(options))
      .then(
        (copied) => {
          if (copied > 0)
            log.info({ copied }, 'Copied dedupe records intake no longer reads into the current bucket');
        },
        (error: unknown) =>
          log.warn(
            { err: { message: error instanceof Error ? error.message : String(error) } },
            'Could not copy the dedupe records intake no longer reads; they expire on their own',
          ),
      );
  const firstPass = pass();
  const later = setTimeout(() => void pass(), options.rescanMs ?? RESCAN_MS).unref();
  return { firstPass, stop: () => clearTimeout(later) };
}
