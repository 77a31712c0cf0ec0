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
  /** Most deliveries in one script call: Redis runs nothing else meanwhile (about 10 µs a delivery). */
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
 * One call per batch of deliveries, each handled in order and atomically, so concurrent copies cannot both pass
 * (even two in one batch): a known id is a duplicate, a known body under a new id is a replay, anything else is
 * appended and recorded. KEYS: each delivery's id record and body record, then the stream; ARGV: the records'
 * lifetime, then per delivery its id record's value, tracker, key and body. Answers one string per delivery:
 * `a` accepted, `d<id record>` duplicate, `r<original key>` replay. Redis answers only after the writes (and, with
 * `appendfsync always`, their fsync): a 202 follows a durable delivery. One call instead of one per delivery
 * halves intake's Redis client CPU per delivery (ioredis builds one command, Redis runs one script).
 */
const ACCEPT_SCRIPT = `
local stream = KEYS[#KEYS]
local ttl = ARGV[1]
local answers = {}
for i = 1, #KEYS - 1, 2 do
  local arg = 2 + (i - 1) * 2
  local seen = redis.call('MGET', KEYS[i], KEYS[i + 1])
  if seen[1] then
    answers[#answers + 1] = 'd' .. seen[1]
  elseif seen[2] then
    answers[#answers + 1] = 'r' .. seen[2]
  else
    redis.call('XADD', stream, '*', 'tracker', ARGV[arg + 1], 'key', ARGV[arg + 2], 'body', ARGV[arg + 3])
    redis.call('SET', KEYS[i], ARGV[arg], 'EX', ttl)
    redis.call('SET', KEYS[i + 1], ARGV[arg + 2], 'EX', ttl)
    answers[#answers + 1] = 'a'
  end
end
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
  const stream = intakeStreamKey(keyPrefix);
  redis.defineCommand(ACCEPT_COMMAND, { lua: ACCEPT_SCRIPT });
  const pending: Pending[] = [];

  async function write(batch: Pending[]): Promise<Receipt[]> {
    const now = Date.now();
    const keys: string[] = [];
    const args: (string | number)[] = [dedupeTtlSeconds];
    for (const { delivery } of batch) {
      keys.push(
        dedupeKey(keyPrefix, delivery.deliveryKey),
        bodyKey(keyPrefix, delivery.tracker, delivery.bodyHash),
      );
      args.push(`${now} ${delivery.bodyHash}`, delivery.tracker, delivery.deliveryKey, delivery.body);
    }
    keys.push(stream);
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
