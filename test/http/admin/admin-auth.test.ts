import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { testConfig } from '../../helpers/test-config.ts';
import { adminClient } from './admin-client.ts';

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const start = async (config = testConfig()) => {
  api = await startApiHarness({ config, admin: {} });
  return api;
};
const admin = adminClient(() => api!.app);

describe('admin authentication', () => {
  it('answers a request with the token', async () => {
    await start();

    const response = await admin('GET', '/admin/jobs/counts');

    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['no Authorization header', {}, 'Bearer token missing'],
    ['a wrong token', { authorization: 'Bearer not-the-admin-token-at-all' }, 'Bearer token invalid'],
    [
      'the Jira webhook secret',
      { authorization: "Bearer It's a Secret to Everybody" },
      'Bearer token invalid',
    ],
    ['another scheme', { authorization: 'Basic YWRtaW46YWRtaW4=' }, 'Bearer token invalid'],
  ])('refuses %s with 401', async (_label, headers, message) => {
    const { app } = await start();

    const response = await app.inject({ method: 'GET', url: '/admin/jobs/counts', headers });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'Unauthorized', message });
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('guards the dashboard with the same token', async () => {
    const { app } = await start();

    const without = await app.inject({ method: 'GET', url: '/admin/queues' });
    const withToken = await admin('GET', '/admin/queues');

    expect(without.statusCode).toBe(401);
    expect(withToken.statusCode).toBe(200);
    expect(withToken.headers['content-type']).toMatch(/text\/html/);
  });

  it('slows down repeated failures from one address, whatever X-Forwarded-For says', async () => {
    const { app } = await start();
    const attempt = (i: number) =>
      app.inject({
        method: 'GET',
        url: '/admin/jobs/counts',
        headers: { authorization: `Bearer guess-${i}`, 'x-forwarded-for': `10.0.0.${i}` },
      });

    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await attempt(i));

    expect(answers.slice(0, 10).map((r) => r.statusCode)).toEqual(Array(10).fill(401));
    expect(answers[11]?.statusCode).toBe(429);
    expect(Number(answers[11]?.headers['retry-after'])).toBeGreaterThan(0);
    expect((await admin('GET', '/admin/jobs/counts')).statusCode).toBe(200);
  });

  it('behind a proxy named in TRUST_PROXY, counts failures per client the proxy names', async () => {
    const attempt = (app: ApiHarness['app'], client: string, i: number) =>
      app.inject({
        method: 'GET',
        url: '/admin/jobs/counts',
        headers: { authorization: `Bearer guess-${i}`, 'x-forwarded-for': client },
      });
    // app.inject's requests come from 127.0.0.1: the proxy here.
    const { app } = await start(testConfig({ TRUST_PROXY: '127.0.0.1' }));
    const fromOne = [];
    for (let i = 0; i < 11; i++) fromOne.push((await attempt(app, '203.0.113.7', i)).statusCode);
    const fromAnother = await attempt(app, '203.0.113.8', 11);

    expect(fromOne.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(fromOne[10]).toBe(429);
    expect(fromAnother.statusCode).toBe(401);

    await api?.close();
    // A sender that is not the named proxy cannot choose its address.
    const elsewhere = await start(testConfig({ TRUST_PROXY: '10.0.0.1' }));
    const spoofed = [];
    for (let i = 0; i < 11; i++) spoofed.push((await attempt(elsewhere.app, `203.0.113.${i}`, i)).statusCode);
    expect(spoofed[10]).toBe(429);
  });

  it('says the admin API is disabled when no ADMIN_TOKEN is set', async () => {
    const { app } = await start(testConfig({ ADMIN_TOKEN: undefined }));

    const response = await app.inject({ method: 'GET', url: '/admin/jobs/counts' });

    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('The admin API is disabled: set ADMIN_TOKEN to enable it');
  });

  it('parses admin bodies with the safe JSON parser', async () => {
    await start();

    const response = await admin('POST', '/admin/actions/command', '{"__proto__":{"polluted":true}}', {
      'content-type': 'application/json',
    });

    expect(response.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
