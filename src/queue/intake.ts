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
  /** Most deliveries written to Redis in one round of commands. */
  maxBatch?: number;
  /** Longest wait for Redis's answer before the caller answers 503 (the producer's command timeout). */
  timeoutMs?: number;
}

/**
 * The intake's keys share one hash tag, so the script's keys (a delivery's two dedupe records and the stream)
 * are in one Redis Cluster slot, as are a whole batch's.
 */
const tag = (keyPrefix: string) => `{${keyPrefix}:intake}`;

/** Where a delivery's dedupe record lives: `<ms since epoch> <body hash>`, for DEDUPE_TTL_SECONDS. */
export function dedupeKey(keyPrefix: string, deliveryKey: string): string {
  return `${tag(keyPrefix)}:dedupe:${deliveryKey}`;
}

/** The record of a body already accepted: the key of the delivery that carried it. */
export function bodyKey(keyPrefix: string, tracker: TrackerName, bodyHash: string): string {
  return `${tag(keyPrefix)}:body:${tracker}.${bodyHash}`;
}

/** The stream of accepted deliveries not yet turned into jobs; its length is the intake backlog. */
export function intakeStreamKey(keyPrefix: string): string {
  return `${tag(keyPrefix)}:deliveries`;
}

/**
 * Atomic, so concurrent copies cannot both pass: a known id is a duplicate, a known body under a new id is a
 * replay, anything else is appended and recorded. Redis answers only after the write (and, with
 * `appendfsync always`, its fsync): a 202 follows a durable delivery.
 */
const ACCEPT_SCRIPT = `
local seen = redis.call('MGET', KEYS[1], KEYS[2])
if seen[1] then return {'duplicate', seen[1]} end
if seen[2] then return {'replay', seen[2]} end
redis.call('XADD', KEYS[3], '*', 'tracker', ARGV[3], 'key', ARGV[4], 'body', ARGV[5])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[2])
return {'accepted'}
`;

const ACCEPT_COMMAND = 'refineryIntakeAccept';

type AcceptArgs = [string, string, string, string, number, string, string, string];
interface WithAccept {
  [ACCEPT_COMMAND](...args: AcceptArgs): unknown;
}

function toReceipt(reply: unknown): Receipt {
  const [outcome, value] = reply as [string, string?];
  if (outcome === 'accepted') return { outcome };
  if (outcome === 'replay') return { outcome, originalKey: value ?? '' };
  return { outcome: 'duplicate', storedHash: value?.split(' ')[1] };
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
 * Deliveries arriving in the same event-loop turn share one pipeline (one write, one reply read), which is what
 * lets intake take more deliveries per second than a route doing one LPUSH each.
 */
export function createIntake(options: IntakeOptions): Intake {
  const { queue, redis, keyPrefix, dedupeTtlSeconds, retry } = options;
  const maxBatch = options.maxBatch ?? 500;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const stream = intakeStreamKey(keyPrefix);
  redis.defineCommand(ACCEPT_COMMAND, { numberOfKeys: 3, lua: ACCEPT_SCRIPT });
  const pending: Pending[] = [];

  async function write(batch: Pending[]): Promise<Receipt[]> {
    const pipeline = redis.pipeline() as unknown as WithAccept & {
      exec(): Promise<[Error | null, unknown][]>;
    };
    const now = Date.now();
    for (const { delivery } of batch) {
      pipeline[ACCEPT_COMMAND](
        dedupeKey(keyPrefix, delivery.deliveryKey),
        bodyKey(keyPrefix, delivery.tracker, delivery.bodyHash),
        stream,
        `${now} ${delivery.bodyHash}`,
        dedupeTtlSeconds,
        delivery.tracker,
        delivery.deliveryKey,
        delivery.body,
      );
    }
    // On a Cluster whose master just died, ioredis retries a pipeline until the slot has a master again; the
    // tracker should hear 503 long before. Safe either way: if the script still runs, the retry is a duplicate
    // and the stored delivery is relayed once.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const replies = (await Promise.race([pipeline.exec(), late]).finally(() => clearTimeout(timer))) ?? [];
    return batch.map((_entry, index) => {
      const [error, reply] = replies[index] ?? [new Error('no reply')];
      if (error) throw error;
      return toReceipt(reply);
    });
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
