import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

describe('console while Redis is down', () => {
  let harness: ApiHarness;
  let ada: ReturnType<typeof consoleClient>;
  let csrf: string;

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole });
    const users = createRedisUserStore(harness.redis, harness.prefix);
    ada = consoleClient(harness.app);
    expect((await ada.signIn((await users.add('ada', 'editor')).token)).statusCode).toBe(303);
    const page = await ada.get('/console/operations');
    expect(page.statusCode).toBe(200);
    csrf = ada.csrf(page.body);
    // The connection every page and the readiness check use goes away, as when Redis stops.
    harness.redis.disconnect();
  });
  afterAll(async () => harness?.close());

  const unavailable = (response: Awaited<ReturnType<typeof ada.get>>) => {
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('10');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('<h1>Console unavailable</h1>');
    expect(response.body).toContain('The console cannot reach Redis');
  };

  it('answers every page with 503, Retry-After and a page that says why', async () => {
    for (const path of ['/console/backlog', '/console/triage', '/console/operations', '/console/activity'])
      unavailable(await ada.get(path));
  });

  it('answers a visitor and an action the same way', async () => {
    unavailable(await consoleClient(harness.app).get('/console/login'));
    unavailable(await ada.post('/console/operations/retry-all', { _csrf: csrf }));
  });
});
