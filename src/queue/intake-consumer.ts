import type { TrackerName } from '../domain/events.ts';
import type { RedisClient } from './connection.ts';
import { intakeStreamKey } from './intake.ts';

/** One delivery as the edge stored it (src/queue/intake.ts), with the stream entry id that acknowledges it. */
export interface StoredDelivery {
  entryId: string;
  tracker: TrackerName;
  deliveryKey: string;
  body: string;
}

export interface IntakeConsumer {
  /**
   * Up to `count` deliveries: first those taken earlier and not finished (by this consumer, or by one idle for
   * `minIdleMs`, e.g. a worker that died), then new ones, waiting up to `blockMs` for them (not at all without).
   */
  take(count: number, blockMs?: number): Promise<StoredDelivery[]>;
  /** Acknowledges and deletes: the stream holds only deliveries not yet turned into jobs. */
  done(entryIds: readonly string[]): Promise<void>;
}

export interface IntakeConsumerOptions {
  /** A connection of its own: the read blocks it. */
  redis: RedisClient;
  keyPrefix: string;
  /** Unique per process, e.g. `<host>:<pid>`. */
  consumer: string;
  minIdleMs: number;
  /** Consumers with nothing pending and silent this long are removed from the group (default 1 hour). */
  forgetAfterMs?: number;
}

export const INTAKE_GROUP = 'relay';

type Entry = [id: string, fields: string[] | null];

const TRACKERS = new Set<string>(['jira', 'trello'] satisfies TrackerName[]);

/** The value after `name` in a flat Redis reply; a missing name reads as missing, not as the first field's name. */
function fieldValue<T>(fields: readonly T[], name: T): T | undefined {
  const at = fields.indexOf(name);
  return at < 0 ? undefined : fields[at + 1];
}

function toDelivery([entryId, fields]: Entry): StoredDelivery | undefined {
  if (!fields) return undefined;
  const value = (name: string) => fieldValue(fields, name);
  const tracker = value('tracker');
  const deliveryKey = value('key');
  const body = value('body');
  if (!tracker || !TRACKERS.has(tracker) || !deliveryKey || body === undefined) return undefined;
  return { entryId, tracker: tracker as TrackerName, deliveryKey, body };
}

/** Reads the intake stream as one member of a consumer group: each delivery goes to one worker at a time. */
export function createIntakeConsumer(options: IntakeConsumerOptions): IntakeConsumer {
  const { redis, consumer, minIdleMs } = options;
  const forgetAfterMs = options.forgetAfterMs ?? 3_600_000;
  const stream = intakeStreamKey(options.keyPrefix);
  let recoverAt = 0;
  /** Taken and not yet done: left so by a failed batch, they are read again on the next take. */
  const open = new Set<string>();

  async function ensureGroup(): Promise<void> {
    try {
      await redis.xgroup('CREATE', stream, INTAKE_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error as Error).message.startsWith('BUSYGROUP')) throw error;
    }
  }

  const read = async (id: string, count: number, blockMs?: number): Promise<Entry[]> => {
    const reply = (
      blockMs === undefined
        ? await redis.xreadgroup('GROUP', INTAKE_GROUP, consumer, 'COUNT', count, 'STREAMS', stream, id)
        : await redis.xreadgroup(
            'GROUP',
            INTAKE_GROUP,
            consumer,
            'COUNT',
            count,
            'BLOCK',
            blockMs,
            'STREAMS',
            stream,
            id,
          )
    ) as [string, Entry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  };

  /** What this consumer took and did not finish (a failed batch, a restart), else what another left idle. */
  async function unfinished(count: number): Promise<Entry[]> {
    const own = await read('0', count);
    if (own.length > 0) return own;
    const [, claimed] = (await redis.xautoclaim(
      stream,
      INTAKE_GROUP,
      consumer,
      minIdleMs,
      '0-0',
      'COUNT',
      count,
    )) as [string, Entry[]];
    return claimed;
  }

  /**
   * Every process start joins the group under a new name (host and pid): without this, the names of workers
   * long gone would pile up in the group. A live consumer reads every second; one removed by mistake would be
   * added again by its next read, having nothing pending.
   */
  async function forgetGone(): Promise<void> {
    const consumers = (await redis.xinfo('CONSUMERS', stream, INTAKE_GROUP)) as (string | number)[][];
    for (const fields of consumers) {
      const value = (name: string) => fieldValue(fields, name);
      const name = String(value('name'));
      if (name !== consumer && Number(value('pending')) === 0 && Number(value('idle')) > forgetAfterMs)
        await redis.xgroup('DELCONSUMER', stream, INTAKE_GROUP, name);
    }
  }

  async function take(count: number, blockMs?: number): Promise<Entry[]> {
    // Looking back costs two round trips; done every half idle period, and right after a failure.
    if (Date.now() >= recoverAt) {
      const entries = await unfinished(count);
      if (entries.length > 0) return entries;
      await forgetGone();
      recoverAt = Date.now() + minIdleMs / 2;
    }
    return read('>', count, blockMs);
  }

  return {
    async take(count, blockMs) {
      if (open.size > 0) {
        open.clear();
        recoverAt = 0;
      }
      let entries: Entry[];
      try {
        entries = await take(count, blockMs);
      } catch (error) {
        recoverAt = 0;
        if (!(error as Error).message.startsWith('NOGROUP')) throw error;
        // First start, or a Redis that lost the group: the group reads the stream from its beginning.
        await ensureGroup();
        entries = await take(count, blockMs);
      }
      const deliveries = entries.map(toDelivery);
      const unreadable = entries.filter((_entry, index) => deliveries[index] === undefined);
      // An entry deleted meanwhile, or not written by intake: nothing to turn into jobs.
      if (unreadable.length > 0) await this.done(unreadable.map(([id]) => id));
      const readable = deliveries.filter((delivery) => delivery !== undefined);
      for (const delivery of readable) open.add(delivery.entryId);
      return readable;
    },
    async done(entryIds) {
      if (entryIds.length === 0) return;
      const pipeline = redis.pipeline();
      pipeline.xack(stream, INTAKE_GROUP, ...entryIds);
      pipeline.xdel(stream, ...entryIds);
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
      for (const id of entryIds) open.delete(id);
    },
  };
}
