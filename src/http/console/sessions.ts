import { randomBytes } from 'node:crypto';
import { type ConsoleUser, consoleKeyTag } from '../../console/users.ts';
import type { RedisClient } from '../../queue/connection.ts';

/** A working day: a person signs in in the morning and is not asked again before evening. */
export const SESSION_TTL_SECONDS = 8 * 3600;

export interface Session {
  id: string;
  name: string;
  /** The `tokenId` of the person's token it was signed in with: add-user replacing that token ends it. */
  tokenId: string;
}

export interface SessionStore {
  create(user: Pick<ConsoleUser, 'name' | 'tokenId'>): Promise<Session>;
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
    async create({ name, tokenId }) {
      const id = randomBytes(32).toString('base64url');
      await redis.set(key(id), JSON.stringify({ name, tokenId }), 'EX', SESSION_TTL_SECONDS);
      return { id, name, tokenId };
    },
    async get(id) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
      const stored = await redis.get(key(id));
      // A record of the release before holds the bare name: that person signs in again.
      if (!stored?.startsWith('{')) return undefined;
      const { name, tokenId } = JSON.parse(stored) as Omit<Session, 'id'>;
      return { id, name, tokenId };
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
