import type { Queue } from 'bullmq';
import type { TrackerName } from '../domain/events.ts';
import type { JobRequest } from '../domain/job-requests.ts';
import type { RedisClient } from './connection.ts';
import { jobOptions, type RetryPolicy } from './jobs.ts';

/**
 * Intake in two stages. Here, at the edge, a verified delivery is appended (as JSON) to one Redis
 * stream, together with its dedupe records, in one script: one round trip, shared by every delivery of an
 * event-loop turn. Workers then read the stream (workers/intake-relay.ts), turn each delivery into jobs and
 * acknowledge it. Parsing tracker text, planning and BullMQ's job scripts are off the request path.
 */

export interface VerifiedDelivery {
  tracker: TrackerName;
  /** Stable across the sender's retries of one delivery, e.g. `jira.<X-Atlassian-Webhook-Identifier>`. */
  deliveryKey: string;
  /** Hex digest of what makes two deliveries copies (the raw body; Trello: its action). */
  bodyHash: string;
  /** JSON of the delivery for the workers: as received, or what of it the tracker's schema declares. */
  body: string;
}

export type Receipt =
  | { outcome: 'accepted' }
  /** Seen before: `storedHash` is the body hash recorded for this id (another one means the id was reused). */
  | { outcome: 'duplicate'; storedHash?: string }
  /** The same body was accepted within the dedupe window under another id: a captured delivery replayed. */
  | { outcome: 'replay'; originalKey: string };

export interface Intake {
  /** Records one delivery exactly once; throws when Redis cannot take it (the caller answers 503). */
  accept(delivery: VerifiedDelivery): Promise<Receipt>;
  /** Enqueues jobs that come from no delivery (admin actions); job ids derive from `requestId`. */
  enqueue(requestId: string, jobs: readonly JobRequest[]): Promise<void>;
}

export interface IntakeOptions {
  queue: Queue;
  redis: RedisClient;
  keyPrefix: string;
  dedupeTtlSeconds: number;
  retry: RetryPolicy;
  /**
   * Most deliveries in one script call: Redis runs nothing else meanwhile (about 10 µs a delivery). Below 1,900:
   * the script unpacks four values per new delivery, and Redis's Lua unpacks at most 7,999.
   */
  maxBatch?: number;
  /** Longest wait for Redis's answer before the caller answers 503 (the producer's command timeout). */
  timeoutMs?: number;
  /** The clock the dedupe records are dated and bucketed by. */
  now?: () => number;
}

/**
 * The intake's keys share one hash tag, so the script's keys (the dedupe buckets and the stream) are in one Redis
 * Cluster slot, as are a whole batch's.
 */
export const intakeTag = (keyPrefix: string) => `{${keyPrefix}:intake}`;

/** Buckets a record can be read from after its own: a record stays known for one dedupe window at least. */
const BUCKETS_BACK = 2;

/**
 * How far behind another API process's clock may run while the bucket it still reads is kept: a process whose
 * clock runs ahead must not unlink it under the others, or they forget records younger than the window. The
 * doctor fails a clock this far off the trackers'; a bucket (15 minutes at least) is longer.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The dedupe records live in hashes, one per half dedupe window (a "bucket"), instead of two keys with their own
 * lifetime per delivery: a batch reads each bucket once and writes one, which takes about a quarter off Redis's
 * work per delivery (docs/benchmarks.md). A record is known for at least one window and at most one and a half.
 * `live`: the bucket written now, the next one (another API process's clock may run a little ahead, and a record
 * it wrote must still be found), then the older ones; `expired`: the one past the window even on a clock
 * CLOCK_SKEW_MS behind, which the script unlinks (freed in the background, where the expiry of a large hash would
 * block Redis).
 */
export function dedupeBuckets(
  keyPrefix: string,
  dedupeTtlSeconds: number,
  nowMs: number,
): { live: string[]; expired: string } {
  const period = bucketPeriodMs(dedupeTtlSeconds);
  const current = Math.floor(nowMs / period);
  const bucket = (index: number) => `${intakeTag(keyPrefix)}:dedupe:${index}`;
  const older = Array.from({ length: BUCKETS_BACK }, (_, back) => bucket(current - 1 - back));
  return {
    live: [bucket(current), bucket(current + 1), ...older],
    expired: bucket(Math.floor((nowMs - CLOCK_SKEW_MS) / period) - 1 - BUCKETS_BACK),
  };
}

const bucketPeriodMs = (dedupeTtlSeconds: number) => Math.ceil((dedupeTtlSeconds * 1000) / BUCKETS_BACK);

/**
 * The lifetime a bucket gets at each write. Written during one period, read for two more, unlinked by the first
 * call CLOCK_SKEW_MS after that: expiry is the fallback for a site that goes quiet, up to one period later still.
 */
export const bucketLifetimeSeconds = (dedupeTtlSeconds: number) =>
  Math.ceil((bucketPeriodMs(dedupeTtlSeconds) * (BUCKETS_BACK + 2)) / 1000);

/**
 * Whether a bucket numbered `index` belongs to this window's length and may still exist now: live, or past the
 * window and not yet unlinked or expired. Any other bucket was written under another DEDUPE_TTL_SECONDS.
 */
export function isBucketOfThisWindow(index: number, dedupeTtlSeconds: number, nowMs: number): boolean {
  const current = Math.floor(nowMs / bucketPeriodMs(dedupeTtlSeconds));
  return index >= current - BUCKETS_BACK - 2 && index <= current + 1;
}

/** A delivery's id record in a bucket: `<ms since epoch> <body hash>`. */
export const idField = (deliveryKey: string) => `id:${deliveryKey}`;

/** A body already accepted: the key of the delivery that carried it. */
export const bodyField = (tracker: TrackerName, bodyHash: string) => `body:${tracker}.${bodyHash}`;

/** The stream of accepted deliveries not yet turned into jobs; its length is the intake backlog. */
export function intakeStreamKey(keyPrefix: string): string {
  return `${intakeTag(keyPrefix)}:deliveries`;
}

/**
 * One call per batch of deliveries, each handled in order and atomically, so concurrent copies cannot both pass
 * (even two in one batch): a known id is a duplicate, a known body under a new id is a replay, anything else is
 * appended and recorded. KEYS: the live dedupe buckets (the one written first), the expired one, the stream; ARGV:
 * the written bucket's lifetime in seconds, then per delivery its id field and record, body field, tracker, key and
 * body. Answers one string per delivery: `a` accepted, `d<id record>` duplicate, `r<original key>` replay. Redis
 * answers only after the writes (and, with `appendfsync always`, their fsync): a 202 follows a durable delivery.
 */
const ACCEPT_SCRIPT = `
local live = #KEYS - 2
local stream = KEYS[#KEYS]
local fields = {}
for i = 2, #ARGV, 6 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 2]
end
local known = {}
for b = 1, live do
  local values = redis.call('HMGET', KEYS[b], unpack(fields))
  for j = 1, #fields do
    if values[j] and not known[fields[j]] then known[fields[j]] = values[j] end
  end
end
local answers = {}
local records = {}
for i = 2, #ARGV, 6 do
  local id, body = ARGV[i], ARGV[i + 2]
  if known[id] then
    answers[#answers + 1] = 'd' .. known[id]
  elseif known[body] then
    answers[#answers + 1] = 'r' .. known[body]
  else
    redis.call('XADD', stream, '*', 'tracker', ARGV[i + 3], 'key', ARGV[i + 4], 'body', ARGV[i + 5])
    known[id] = ARGV[i + 1]
    known[body] = ARGV[i + 4]
    records[#records + 1] = id
    records[#records + 1] = ARGV[i + 1]
    records[#records + 1] = body
    records[#records + 1] = ARGV[i + 4]
    answers[#answers + 1] = 'a'
  end
end
if #records > 0 then
  redis.call('HSET', KEYS[1], unpack(records))
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
redis.call('UNLINK', KEYS[live + 1])
return answers
`;

const ACCEPT_COMMAND = 'refineryIntakeAccept';

interface WithAccept {
  [ACCEPT_COMMAND](numberOfKeys: number, ...keysThenArgs: (string | number)[]): Promise<string[]>;
}

function toReceipt(answer: string): Receipt {
  const value = answer.slice(1);
  if (answer === 'a') return { outcome: 'accepted' };
  if (answer.startsWith('r')) return { outcome: 'replay', originalKey: value };
  return { outcome: 'duplicate', storedHash: value.split(' ')[1] };
}

interface Pending {
  delivery: VerifiedDelivery;
  resolve(receipt: Receipt): void;
  reject(error: unknown): void;
}

/** One delivery's (or admin request's) jobs for `addBulk`; ids derive from it, so adding them again is a no-op. */
export function bulkJobs(deliveryKey: string, jobs: readonly JobRequest[], retry: RetryPolicy) {
  return jobs.map((job) => ({ name: job.name, data: job.data, opts: jobOptions(job, deliveryKey, retry) }));
}

/**
 * Deliveries arriving in the same event-loop turn share one script call (one write, one reply read), which is
 * what lets intake take more deliveries per second than a route doing one LPUSH each.
 */
export function createIntake(options: IntakeOptions): Intake {
  const { queue, redis, keyPrefix, dedupeTtlSeconds, retry } = options;
  const maxBatch = options.maxBatch ?? 200;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const clock = options.now ?? Date.now;
  const stream = intakeStreamKey(keyPrefix);
  const lifetimeSeconds = bucketLifetimeSeconds(dedupeTtlSeconds);
  redis.defineCommand(ACCEPT_COMMAND, { lua: ACCEPT_SCRIPT });
  const pending: Pending[] = [];

  async function write(batch: Pending[]): Promise<Receipt[]> {
    const now = clock();
    const { live, expired } = dedupeBuckets(keyPrefix, dedupeTtlSeconds, now);
    const keys = [...live, expired, stream];
    const args: (string | number)[] = [lifetimeSeconds];
    for (const { delivery } of batch)
      args.push(
        idField(delivery.deliveryKey),
        `${now} ${delivery.bodyHash}`,
        bodyField(delivery.tracker, delivery.bodyHash),
        delivery.tracker,
        delivery.deliveryKey,
        delivery.body,
      );
    // On a Cluster whose master just died, ioredis retries a command until the slot has a master again; the
    // tracker should hear 503 long before. Safe either way: if the script still runs, the retry is a duplicate
    // and the stored delivery is relayed once.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const accept = (redis as unknown as WithAccept)[ACCEPT_COMMAND](keys.length, ...keys, ...args);
    const answers = await Promise.race([accept, late]).finally(() => clearTimeout(timer));
    // The script answers once per delivery, in order.
    return answers.map(toReceipt);
  }

  function flush(): void {
    const batch = pending.splice(0, maxBatch);
    if (pending.length > 0) setImmediate(flush);
    write(batch).then(
      (receipts) => {
        batch.forEach((entry, index) => {
          entry.resolve(receipts[index]!);
        });
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }

  return {
    accept(delivery) {
      return new Promise<Receipt>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ delivery, resolve, reject });
      });
    },
    async enqueue(requestId, jobs) {
      if (jobs.length > 0) await queue.addBulk(bulkJobs(requestId, jobs, retry));
    },
  };
}
