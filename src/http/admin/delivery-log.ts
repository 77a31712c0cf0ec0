import type { TrackerName } from '../../domain/events.ts';
import type { RedisClient } from '../../queue/connection.ts';

/** Outcomes that prove a delivery came from the tracker (its signature checked out). */
const VERIFIED = new Set(['accepted', 'duplicate', 'ignored', 'own_event', 'invalid', 'unavailable']);

export interface DeliveryStatus {
  /** Last delivery of any outcome, signed or not. */
  lastAt?: string;
  lastOutcome?: string;
  /** Last delivery whose signature checked out. */
  lastVerifiedAt?: string;
}

export interface DeliveryLog {
  record(tracker: TrackerName, outcome: string): void;
  status(tracker: TrackerName): Promise<DeliveryStatus>;
}

/** When deliveries last arrived per tracker, shared by API replicas through Redis; recording never fails a request. */
export function createDeliveryLog(
  redis: RedisClient,
  keyPrefix: string,
  now: () => Date = () => new Date(),
): DeliveryLog {
  const key = (tracker: TrackerName) => `${keyPrefix}:deliveries:${tracker}`;
  // "When did deliveries last arrive" needs second precision, not one Redis write per delivery.
  const lastWritten = new Map<string, number>();
  return {
    record(tracker, outcome) {
      const date = now();
      const slot = `${tracker}|${outcome}`;
      const second = Math.floor(date.getTime() / 1000);
      if (lastWritten.get(slot) === second) return;
      lastWritten.set(slot, second);
      // Formatted only when written: once a second, not on every delivery.
      const at = date.toISOString();
      const fields = VERIFIED.has(outcome)
        ? { lastAt: at, lastOutcome: outcome, lastVerifiedAt: at }
        : { lastAt: at, lastOutcome: outcome };
      redis.hset(key(tracker), fields).catch(() => undefined);
    },
    async status(tracker) {
      return (await redis.hgetall(key(tracker))) as DeliveryStatus;
    },
  };
}
