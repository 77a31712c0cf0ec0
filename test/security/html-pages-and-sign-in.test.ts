import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createTrelloWebhookAdmin } from '../../src/trackers/trello/trello-webhook-admin.ts';
import { ADMIN_TOKEN } from '../helpers/test-config.ts';
import { type CapturedApp, startCapturedApp } from './support.ts';

/** Issue 12, item 7: security headers on HTML pages, who failed to sign in, tokens in URL paths. */
let api: CapturedApp;
beforeAll(async () => {
  api = await startCapturedApp({ admin: true });
});
afterAll(async () => {
  await api.close();
});

const helmetHeaders = (headers: Record<string, unknown>) => ({
  csp: String(headers['content-security-policy'] ?? ''),
  nosniff: headers['x-content-type-options'],
  frame: headers['x-frame-options'],
  referrer: headers['referrer-policy'],
});

describe('security headers on every HTML page', () => {
  it('the API docs', async () => {
    const page = await api.app.inject({ method: 'GET', url: '/docs' });

    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const headers = helmetHeaders(page.headers);
    expect(headers).toMatchObject({ nosniff: 'nosniff', frame: 'SAMEORIGIN', referrer: 'no-referrer' });
    expect(headers.csp).toContain("default-src 'self'");
  });

  it('the queue dashboard', async () => {
    const page = await api.app.inject({
      method: 'GET',
      url: '/admin/queues',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });

    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const headers = helmetHeaders(page.headers);
    expect(headers).toMatchObject({ nosniff: 'nosniff', referrer: 'no-referrer' });
    expect(headers.csp).toContain("frame-ancestors 'none'");
    expect(headers.csp).toContain("script-src 'self'");
  });
});

describe('failed admin sign-ins', () => {
  it('are logged with the client address', async () => {
    await api.app.inject({
      method: 'GET',
      url: '/admin/jobs/counts',
      headers: { authorization: 'Bearer wrong-token-0123456789' },
      remoteAddress: '203.0.113.7',
    });

    const line = api.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'Admin sign-in failed');
    expect(line).toMatchObject({
      clientAddress: '203.0.113.7',
      reason: 'token invalid',
      path: '/admin/jobs/counts',
    });
    expect(JSON.stringify(line)).not.toContain('wrong-token');
  });
});

describe('tokens in URL paths', () => {
  it('the Trello token in /1/tokens/{token}/webhooks never reaches the debug log', async () => {
    const token = 'sentinel-trello-token-81c3';
    const lines: string[] = [];
    const admin = createTrelloWebhookAdmin({
      apiKey: 'key-123',
      apiToken: token,
      log: createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } }),
      limiter: { acquire: async () => {} },
    });
    nock('https://api.trello.com').get(`/1/tokens/${token}/webhooks`).query(true).reply(200, []);

    await admin.list();

    expect(lines.some((line) => line.includes('/1/tokens/[redacted]/webhooks'))).toBe(true);
    expect(lines.join('\n')).not.toContain(token);
  });
});
