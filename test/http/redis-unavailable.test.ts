import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RedisProcess, startRedis } from '../../scripts/lib/redis-process.ts';
import { fixtureText } from '../fixtures/index.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { jiraHeaders } from '../helpers/sign.ts';
import { parsePrometheus } from './admin/admin-client.ts';

let redis: RedisProcess;
let api: ApiHarness;
const lines: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'refinery-503-'));

beforeAll(async () => {
  redis = await startRedis({ dir });
  api = await startApiHarness({
    redisUrl: redis.url,
    logTo: { write: (line: string) => void lines.push(line) },
    admin: {},
  });
});
afterAll(async () => {
  await api.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('answers 503 while Redis is down, acknowledges nothing, and accepts again once it is back', async () => {
  const body = fixtureText('jira/comment_created').replace('Leaving a comment here! :)', '/help');
  const headers = jiraHeaders(body, 'during-outage');
  await redis.stop();

  const during = await api.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers });
  const ready = await api.app.inject({ method: 'GET', url: '/readyz' });
  // Prometheus scrapes on its own schedule, outages included: a scrape then must neither lose the outage's counts
  // nor leave /metrics failing once Redis is back.
  const scrape = await api.app.inject({ method: 'GET', url: '/metrics' });
  redis = await startRedis({ dir, port: redis.port });
  // It may have reconnected while startRedis was still polling.
  if (api.redis.status !== 'ready') await new Promise((resolve) => api.redis.once('ready', resolve));
  const after = await api.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers });

  expect(during.statusCode).toBe(503);
  expect(during.json().message).toBe('Queue unavailable, retry later');
  expect(during.headers['retry-after']).toBe('5');
  const warning = lines
    .map((line) => JSON.parse(line))
    .find((entry) => entry.msg === 'Queue unavailable, asking the tracker to retry');
  // The reason alone: no empty "stack" nor "type":"Object" for an operator to grep past.
  expect(warning?.err).toEqual({ message: expect.stringMatching(/\S/) });
  expect(ready.statusCode).toBe(503);
  expect(scrape.statusCode).toBe(503);
  expect(after.statusCode).toBe(202);
  await api.drain();
  expect(await api.queue.count()).toBe(1);
  // The deliveries the queue could not take are counted (the count waited in memory for Redis).
  const metrics = parsePrometheus((await api.app.inject({ method: 'GET', url: '/metrics' })).body);
  const outcome = (name: string) =>
    metrics.find((s) => s.name === 'refinery_webhook_deliveries_total' && s.labels.outcome === name)?.value;
  expect([outcome('unavailable'), outcome('accepted')]).toEqual([1, 1]);
  expect(
    metrics.find((s) => s.name === 'refinery_webhook_rejected_total' && s.labels.reason === 'unavailable')
      ?.value,
  ).toBe(1);
});
