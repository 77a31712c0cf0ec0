import { randomBytes } from 'node:crypto';
import { consoleKeyTag } from '../../console/users.ts';
import type { RedisClient } from '../../queue/connection.ts';

/** A working day: a person signs in in the morning and is not asked again before evening. */
export const SESSION_TTL_SECONDS = 8 * 3600;

export interface Session {
  id: string;
  name: string;
}

export interface SessionStore {
  create(name: string): Promise<Session>;
  get(id: string): Promise<Session | undefined>;
  destroy(id: string): Promise<void>;
  /** The key signing the session and CSRF cookies: made once, shared by every API replica through Redis. */
  cookieSecret(): Promise<string>;
}

/** Session records in Redis, expiring on their own; the cookie carries only the (signed) random id. */
export function createRedisSessionStore(redis: RedisClient, keyPrefix: string): SessionStore {
  const tag = consoleKeyTag(keyPrefix);
  const key = (id: string) => `${tag}:session:${id}`;
  return {
    async create(name) {
      const id = randomBytes(32).toString('base64url');
      await redis.set(key(id), name, 'EX', SESSION_TTL_SECONDS);
      return { id, name };
    },
    async get(id) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
      const name = await redis.get(key(id));
      return name ? { id, name } : undefined;
    },
    async destroy(id) {
      await redis.del(key(id));
    },
    async cookieSecret() {
      const secretKey = `${tag}:cookie-secret`;
      await redis.set(secretKey, randomBytes(32).toString('base64url'), 'NX');
      const secret = await redis.get(secretKey);
      if (!secret) throw new Error('the console cookie secret could not be read from Redis');
      return secret;
    },
  };
}
