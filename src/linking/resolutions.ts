import type { ItemRef } from '../domain/events.ts';
import type { RedisClient } from '../queue/connection.ts';
import { docId } from './indexed-item.ts';

// Entering done from anything else starts resolution n+1; staying done (a retry, a second done status, a
// late duplicate of the event) keeps n, so notices keyed by n are sent once per resolution.
const RESOLVED = `
if redis.call('HGET', KEYS[1], 'state') ~= 'done' then
  redis.call('HINCRBY', KEYS[1], 'n', 1)
  redis.call('HSET', KEYS[1], 'state', 'done')
  redis.call('HDEL', KEYS[1], 'reopen')
end
return tonumber(redis.call('HGET', KEYS[1], 'n'))`;

// Leaving done marks resolution n as reopened until its tickets were told (`told`): a retried job tells the rest,
// a later status change of the open item tells nobody again.
const REOPENED = `
if redis.call('HGET', KEYS[1], 'state') == 'done' then
  redis.call('HSET', KEYS[1], 'state', 'open', 'reopen', redis.call('HGET', KEYS[1], 'n'))
end
return tonumber(redis.call('HGET', KEYS[1], 'reopen') or '0')`;

export interface Resolutions {
  /** The number of the resolution the item is in now (1 for the first time it was done). */
  resolved(item: Pick<ItemRef, 'tracker' | 'id'>): Promise<number>;
  /** The resolution a reopen ended whose tickets are still to be told; 0 when there is none. */
  reopened(item: Pick<ItemRef, 'tracker' | 'id'>): Promise<number>;
  /** The tickets were told of the reopen. */
  told(item: Pick<ItemRef, 'tracker' | 'id'>): Promise<void>;
  /** How many resolutions the item had (0: never done), each told in notices of its own number. */
  count(item: Pick<ItemRef, 'tracker' | 'id'>): Promise<number>;
}

export function createResolutions(redis: RedisClient, keyPrefix: string): Resolutions {
  const key = (item: Pick<ItemRef, 'tracker' | 'id'>) => `${keyPrefix}:linking:resolution:${docId(item)}`;
  return {
    async resolved(item) {
      return Number(await redis.eval(RESOLVED, 1, key(item)));
    },
    async reopened(item) {
      return Number(await redis.eval(REOPENED, 1, key(item)));
    },
    async told(item) {
      await redis.hdel(key(item), 'reopen');
    },
    async count(item) {
      return Number((await redis.hget(key(item), 'n')) ?? 0);
    },
  };
}
