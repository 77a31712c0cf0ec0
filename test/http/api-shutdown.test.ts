import { expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { metricsKey } from '../../src/metrics/metrics-sink.ts';
import { createRulesStore } from '../../src/runtime/rules-store.ts';
import { startApi } from '../../src/server.ts';
import { testRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';

it('an API process that stops keeps the counts of its last deliveries (they survive restarts, as documented)', async () => {
  const prefix = uniquePrefix('shutdown');
  const config = testConfig({
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    PORT: '0',
    HOST: '127.0.0.1',
    JIRA_BASE_URL: undefined,
    JIRA_EMAIL: undefined,
    JIRA_API_TOKEN: undefined,
    TRELLO_API_KEY: undefined,
    TRELLO_API_TOKEN: undefined,
    TRELLO_API_SECRET: undefined,
  });
  const log = createLogger({ level: 'silent' });
  const api = await startApi(config, log, await createRulesStore(undefined, log));

  const answer = await fetch(`${api.url}/webhooks/jira`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  await api.close();
  const redis = testRedis();
  const counters = await redis.hgetall(metricsKey(prefix));
  redis.disconnect();

  expect(answer.status).toBe(404);
  expect(counters['delivery|jira|unconfigured']).toBe('1');
});
