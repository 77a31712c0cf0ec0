import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { fixture } from '../fixtures/index.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { jiraHeaders } from '../helpers/sign.ts';
import { testConfig } from '../helpers/test-config.ts';

const TOKEN = 'url-token-0123456789abcdefghijklmnopqrstuv';

/** The review's reproduction: an unsigned comment claiming any account runs /score on any issue. */
function scoreComment(id: string): string {
  const body = fixture<{ comment: { id: string; body: string; author: { accountId: string } } }>(
    'jira/comment_created',
  );
  body.comment.id = id;
  body.comment.body = '/score impact=5 reach=500 effort=0.1';
  body.comment.author.accountId = 'anyone-at-all';
  return JSON.stringify(body);
}

function unsigned(body: string, id: string): Record<string, string> {
  const { 'x-hub-signature': _signature, ...headers } = jiraHeaders(body, id);
  return headers;
}

const UNAUTHORIZED = { error: 'Unauthorized', message: 'Signature missing or invalid' };

describe('Jira without JIRA_WEBHOOK_SECRET: signed or refused (issue 12)', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness({ config: testConfig({ JIRA_WEBHOOK_SECRET: undefined }) });
  });
  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['an unsigned delivery', (body: string) => unsigned(body, 'unsigned-1')],
    ['a delivery signed with any secret', (body: string) => jiraHeaders(body, 'unsigned-2')],
    [
      'a delivery signed with an empty secret',
      (body: string) => ({ ...unsigned(body, 'unsigned-3'), 'x-hub-signature': signJiraBody(body, '') }),
    ],
  ])('answers %s with 401 and runs nothing', async (_label, headers) => {
    const body = scoreComment('c1');

    const response = await api.app.inject({
      method: 'POST',
      url: `/webhooks/jira?token=${TOKEN}`,
      payload: body,
      headers: headers(body),
    });
    await api.drain();

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(UNAUTHORIZED);
    expect(await api.queue.count()).toBe(0);
  });
});

describe('JIRA_ALLOW_UNSIGNED: the callback URL must carry the token', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness({
      config: testConfig({
        JIRA_WEBHOOK_SECRET: undefined,
        JIRA_ALLOW_UNSIGNED: 'true',
        JIRA_WEBHOOK_URL_TOKEN: TOKEN,
      }),
    });
  });
  afterAll(async () => {
    await api.close();
  });

  const post = (url: string, id: string) => {
    const body = scoreComment(id);
    return api.app.inject({ method: 'POST', url, payload: body, headers: unsigned(body, id) });
  };

  it.each([
    ['no token', '/webhooks/jira'],
    ['an empty token', '/webhooks/jira?token='],
    ['a wrong token of the same length', `/webhooks/jira?token=${'x'.repeat(TOKEN.length)}`],
    ['a prefix of the token', `/webhooks/jira?token=${TOKEN.slice(0, -1)}`],
    ['the token twice', `/webhooks/jira?token=${TOKEN}&token=${TOKEN}`],
    ['the token in another parameter', `/webhooks/jira?secret=${TOKEN}`],
  ])('refuses %s with 401', async (_label, url) => {
    const response = await post(url, `refused-${url.length}`);
    await api.drain();

    expect(response.statusCode).toBe(401);
    expect(await api.queue.count()).toBe(0);
  });

  it('accepts an unsigned delivery whose URL carries the token, and plans its command', async () => {
    const response = await post(`/webhooks/jira?token=${TOKEN}`, 'with-token');
    await api.drain();

    expect(response.statusCode).toBe(202);
    const jobs = await api.queue.getJobs(['waiting']);
    expect(jobs.map((job) => job.name)).toEqual(['run-commands']);
  });
});

describe('configuration of unsigned deliveries', () => {
  it('refuses JIRA_ALLOW_UNSIGNED without a URL token', () => {
    expect(() => testConfig({ JIRA_WEBHOOK_SECRET: undefined, JIRA_ALLOW_UNSIGNED: 'true' })).toThrow(
      ConfigError,
    );
  });

  it('refuses a URL token shorter than 32 characters', () => {
    expect(() =>
      testConfig({
        JIRA_WEBHOOK_SECRET: undefined,
        JIRA_ALLOW_UNSIGNED: 'true',
        JIRA_WEBHOOK_URL_TOKEN: 'short',
      }),
    ).toThrow(ConfigError);
  });

  it('ignores the URL token when a secret is set: the signature is then required', () => {
    const config = testConfig({ JIRA_ALLOW_UNSIGNED: 'true', JIRA_WEBHOOK_URL_TOKEN: TOKEN });

    expect(config.jira?.unsignedUrlToken).toBeUndefined();
  });
});
