import { Redis } from 'ioredis';
import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { TrackerError } from '../../../src/errors.ts';
import { trelloRateRules } from '../../../src/runtime/trackers.ts';
import { createOutboundLimiter } from '../../../src/trackers/rate-limit/outbound-limiter.ts';
import { createTrelloTracker } from '../../../src/trackers/trello/trello-tracker.ts';
import { testRedisUrl, uniquePrefix } from '../../helpers/redis.ts';
import { API, CARD, KEY, meJson, TOKEN } from './trello-fixtures.ts';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());
afterEach(() => nock.cleanAll());

/** The Trello adapter of one worker process; processes given the same prefix share one Redis, as workers do. */
function workerTracker(keyPrefix: string) {
  return createTrelloTracker({
    apiKey: KEY,
    apiToken: TOKEN,
    log: pino({ level: 'silent' }),
    limiter: createOutboundLimiter({ redis, keyPrefix, rules: trelloRateRules(), shutFromMs: 60_000 }),
  });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => error,
  );
const ref = { tracker: 'trello' as const, id: CARD, key: '4K7LwAKx' };

it("a 429 asking the token to wait an hour keeps every process's next request at home until then", async () => {
  await redis.ping();
  const keyPrefix = uniquePrefix('trello-shut');
  nock(API)
    .get(`/1/cards/${CARD}`)
    .query(true)
    .reply(
      429,
      { error: 'API_TOKEN_LIMIT_EXCEEDED', message: 'Rate limit exceeded' },
      { 'Retry-After': '3600' },
    );
  const asked = nock(API).get('/1/members/me').query(true).reply(200, meJson);

  const refused = await failure(workerTracker(keyPrefix).getItem(ref));
  const held = await failure(workerTracker(keyPrefix).whoAmI());

  expect(refused).toMatchObject({ kind: 'rateLimit', status: 429, retryAfterMs: 3_600_000 });
  expect(held).toMatchObject({ kind: 'rateLimit', rateLimitScope: 'tracker' });
  expect((held as Error).message).toMatch(
    /^Trello whoAmI postponed: an earlier 429 asked every request of the site/,
  );
  expect((held as TrackerError).retryAfterMs).toBeGreaterThan(3_590_000);
  expect(asked.isDone()).toBe(false);
});

it('a 429 asking no longer than a job waits in place (a 10 s window) shuts nothing', async () => {
  await redis.ping();
  const keyPrefix = uniquePrefix('trello-shut');
  nock(API)
    .get(`/1/cards/${CARD}`)
    .query(true)
    .reply(
      429,
      { error: 'API_TOKEN_LIMIT_EXCEEDED', message: 'Rate limit exceeded' },
      { 'Retry-After': '10' },
    );
  const asked = nock(API).get('/1/members/me').query(true).reply(200, meJson);

  await failure(workerTracker(keyPrefix).getItem(ref));

  expect(await workerTracker(keyPrefix).whoAmI()).toMatchObject({ id: meJson.id });
  expect(asked.isDone()).toBe(true);
});
