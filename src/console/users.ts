import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '../queue/connection.ts';

export type Role = 'viewer' | 'editor';

/** Names show in the audit trail (`console: ada`): plain characters only. */
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface ConsoleUser {
  name: string;
  role: Role;
  addedAt: string;
  /** Names the person's current token (it is neither the token nor its stored hash): add-user replaces it. */
  tokenId: string;
}

export interface UserStore {
  /** Adds (or replaces, with a new token) a person; returns the sign-in token, which is not kept. */
  add(name: string, role: Role): Promise<{ user: ConsoleUser; token: string }>;
  /** False when there was nobody of that name. Their sessions end at their next request. */
  remove(name: string): Promise<boolean>;
  list(): Promise<ConsoleUser[]>;
  get(name: string): Promise<ConsoleUser | undefined>;
  /** The person a sign-in token belongs to. */
  byToken(token: string): Promise<ConsoleUser | undefined>;
  /** The console is off until this is at least one. */
  count(): Promise<number>;
}

/**
 * Tokens are 256 random bits, so one SHA-256 is as strong as a slow password hash and lets a token be looked up
 * by its hash; only that hash is stored.
 */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function sameDigest(stored: string, presented: string): boolean {
  const expected = Buffer.from(stored, 'hex');
  const received = Buffer.from(presented, 'hex');
  return expected.length === received.length && timingSafeEqual(expected, received);
}
/** Whether a session was signed in with the person's current token (constant time, as every token check). */
export function signedInWithCurrentToken(user: ConsoleUser, sessionTokenId = ''): boolean {
  return sameDigest(user.tokenId, sessionTokenId);
}
const newToken = () => `rfc_${randomBytes(32).toString('base64url')}`;

interface StoredUser extends Omit<ConsoleUser, 'tokenId'> {
  tokenHash: string;
}

export function consoleKeyTag(keyPrefix: string): string {
  return `{${keyPrefix}:console}`;
}

/** People of the console in Redis: one hash by name, one from token hash to name (same hash tag: one MULTI). */
export function createRedisUserStore(
  redis: RedisClient,
  keyPrefix: string,
  now = () => new Date(),
): UserStore {
  const tag = consoleKeyTag(keyPrefix);
  const keys = { users: `${tag}:users`, tokens: `${tag}:tokens` };
  const read = async (name: string): Promise<StoredUser | undefined> => {
    const value = await redis.hget(keys.users, name);
    return value ? (JSON.parse(value) as StoredUser) : undefined;
  };
  const publicView = ({ name, role, addedAt, tokenHash }: StoredUser): ConsoleUser => ({
    name,
    role,
    addedAt,
    tokenId: hashToken(tokenHash).slice(0, 32),
  });

  return {
    async add(name, role) {
      const token = newToken();
      const stored: StoredUser = { name, role, addedAt: now().toISOString(), tokenHash: hashToken(token) };
      const previous = await read(name);
      const multi = redis.multi();
      if (previous) multi.hdel(keys.tokens, previous.tokenHash);
      await multi
        .hset(keys.users, name, JSON.stringify(stored))
        .hset(keys.tokens, stored.tokenHash, name)
        .exec();
      return { user: publicView(stored), token };
    },
    async remove(name) {
      const previous = await read(name);
      if (!previous) return false;
      await redis.multi().hdel(keys.users, name).hdel(keys.tokens, previous.tokenHash).exec();
      return true;
    },
    async list() {
      const all = await redis.hvals(keys.users);
      return all
        .map((value) => publicView(JSON.parse(value) as StoredUser))
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async get(name) {
      const found = await read(name);
      return found && publicView(found);
    },
    async byToken(token) {
      const hash = hashToken(token);
      const name = await redis.hget(keys.tokens, hash);
      const found = name ? await read(name) : undefined;
      // A replaced token's index entry is deleted with the replacement; the check covers a race with it.
      return found && sameDigest(found.tokenHash, hash) ? publicView(found) : undefined;
    },
    count: () => redis.hlen(keys.users),
  };
}
