import { Redis } from 'ioredis';
import { expect, inject, it } from 'vitest';

it('runs against a real Redis server', async () => {
  const redis = new Redis(inject('redisUrl'));
  expect(await redis.ping()).toBe('PONG');
  expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
  redis.disconnect();
});
