import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { dedupeBuckets, idField } from '../../src/queue/intake.ts';

export function testRedisUrl(): string {
  return inject('redisUrl');
}

/** A key/queue prefix no other test uses, so tests share one Redis without seeing each other. */
export function uniquePrefix(label = 't'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

export function testRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
}

/** A delivery's dedupe record as intake wrote it and how long it lives on; undefined when there is none. */
export async function dedupeRecord(
  redis: Pick<Redis, 'hget' | 'ttl'>,
  keyPrefix: string,
  deliveryKey: string,
  dedupeTtlSeconds = 86_400,
): Promise<{ value: string; ttlSeconds: number } | undefined> {
  for (const bucket of dedupeBuckets(keyPrefix, dedupeTtlSeconds, Date.now()).live) {
    const value = await redis.hget(bucket, idField(deliveryKey));
    if (value !== null) return { value, ttlSeconds: await redis.ttl(bucket) };
  }
  return undefined;
}
