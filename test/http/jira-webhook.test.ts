import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signJiraBody } from '../../src/trackers/jira/jira-signature.ts';
import { fixture, fixtureText } from '../fixtures/index.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { dedupeRecord } from '../helpers/redis.ts';
import { jiraHeaders } from '../helpers/sign.ts';
import { JIRA_SECRET } from '../helpers/test-config.ts';

let api: ApiHarness;
beforeEach(async () => {
  api = await startApiHarness({ selfIds: { jira: 'bot-account' } });
});
afterEach(async () => {
  await api.close();
});

const post = (payload: string, headers: Record<string, string>) =>
  api.app.inject({ method: 'POST', url: '/webhooks/jira', payload, headers });

function commentDelivery(text: string, author = '5a1b0e47748e770ed11f338c'): string {
  const body = fixture<{ comment: { body: string; author: { accountId: string } } }>('jira/comment_created');
  body.comment.body = text;
  body.comment.author.accountId = author;
  return JSON.stringify(body);
}

describe('POST /webhooks/jira', () => {
  it.each(['jira/issue_created', 'jira/comment_created'] as const)(
    'accepts the real sample %s',
    async (name) => {
      const body = fixtureText(name);

      const response = await post(body, jiraHeaders(body, `sample-${name}`));

      expect(response.statusCode).toBe(202);
      expect(response.json()).toMatchObject({ eventId: `jira.sample-${name}` });
    },
  );

  it('enqueues a job for a comment with a command', async () => {
    const body = commentDelivery('Please\n/help');

    const response = await post(body, jiraHeaders(body, 'cmd-1'));

    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ eventId: 'jira.cmd-1' });
    await api.drain();
    const [job] = await api.queue.getJobs(['waiting']);
    expect(job?.name).toBe('run-commands');
    expect(job?.data.event).toMatchObject({
      kind: 'comment.created',
      item: { key: 'ZUL-1' },
      comment: { text: 'Please\n/help' },
    });
  });

  it('answers a repeated delivery with duplicate and enqueues it once', async () => {
    const body = commentDelivery('/help');
    const headers = jiraHeaders(body, 'same-delivery');

    const first = await post(body, headers);
    const second = await post(body, headers);

    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ duplicate: true, eventId: 'jira.same-delivery' });
    await api.drain();
    expect(await api.queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('keeps the dedupe record after the job is gone', async () => {
    const body = commentDelivery('/help');
    const headers = jiraHeaders(body, 'removed-later');
    await post(body, headers);
    await api.drain();
    await api.queue.obliterate({ force: true });

    const again = await post(body, headers);

    expect(again.json()).toMatchObject({ duplicate: true });
    await api.drain();
    expect(await api.queue.count()).toBe(0);
    expect((await dedupeRecord(api.redis, api.prefix, 'jira.removed-later'))?.ttlSeconds).toBeGreaterThan(
      1_800,
    );
  });

  it('deduplicates 50 concurrent copies of one delivery to one job', async () => {
    const body = commentDelivery('/help');
    const headers = jiraHeaders(body, 'burst');

    const responses = await Promise.all(Array.from({ length: 50 }, () => post(body, headers)));

    expect(responses.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(49);
    await api.drain();
    expect(await api.queue.count()).toBe(1);
  });

  it('ignores events caused by the service account', async () => {
    const body = commentDelivery('/help', 'bot-account');

    const response = await post(body, jiraHeaders(body));

    expect(response.json()).toEqual({ ignored: 'caused by the service itself' });
    await api.drain();
    expect(await api.queue.count()).toBe(0);
  });

  it('accepts and ignores event types it does not handle', async () => {
    const body = JSON.stringify({ webhookEvent: 'worklog_created', timestamp: 1 });

    const response = await post(body, jiraHeaders(body));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ignored: 'unsupported event worklog_created' });
  });
});

describe('Jira signatures', () => {
  const body = commentDelivery('/help');
  const unauthorized = { error: 'Unauthorized', message: 'Signature missing or invalid' };

  it("passes Atlassian's published test vector", () => {
    expect(signJiraBody('Hello World!', JIRA_SECRET)).toBe(
      'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9',
    );
  });

  it.each([
    ['no signature', { 'x-hub-signature': '' }],
    ['a wrong secret', { 'x-hub-signature': signJiraBody(body, 'not the secret') }],
    ['an unknown method', { 'x-hub-signature': signJiraBody(body, JIRA_SECRET).replace('sha256=', 'md5=') }],
    ['an upper-case digest', { 'x-hub-signature': signJiraBody(body, JIRA_SECRET).toUpperCase() }],
    ['a truncated digest', { 'x-hub-signature': signJiraBody(body, JIRA_SECRET).slice(0, -2) }],
  ])('rejects %s with 401 and enqueues nothing', async (_label, override) => {
    const response = await post(body, { ...jiraHeaders(body), ...override });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(unauthorized);
    await api.drain();
    expect(await api.queue.count()).toBe(0);
  });

  it('rejects a re-serialized body signed in its original form', async () => {
    const reserialized = JSON.stringify(JSON.parse(body), null, 2);

    const response = await post(reserialized, jiraHeaders(body));

    expect(response.statusCode).toBe(401);
  });

  it('accepts a secret being rotated in alongside the previous one', async () => {
    const { testConfig } = await import('../helpers/test-config.ts');
    const rotated = await startApiHarness({
      config: testConfig({ JIRA_WEBHOOK_SECRET: 'new-secret', JIRA_WEBHOOK_SECRET_PREVIOUS: JIRA_SECRET }),
    });
    // Two deliveries: the same bytes again would be a replay (a duplicate) whatever it is signed with.
    const signed = (text: string, secret: string) => {
      const payload = commentDelivery(text);
      return {
        payload,
        headers: { ...jiraHeaders(payload), 'x-hub-signature': signJiraBody(payload, secret) },
      };
    };
    const send = (delivery: ReturnType<typeof signed>) =>
      rotated.app.inject({ method: 'POST', url: '/webhooks/jira', ...delivery });

    const withNew = await send(signed('/help new', 'new-secret'));
    const withOld = await send(signed('/help old', JIRA_SECRET));
    await rotated.close();

    expect([withNew.statusCode, withOld.statusCode]).toEqual([202, 202]);
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 and the reason', async () => {
    const body = '{"webhookEvent": "comment_created",';

    const response = await post(body, jiraHeaders(body));

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^Body is not acceptable JSON/);
  });

  it('answers an envelope without webhookEvent with 400 naming the field', async () => {
    const body = JSON.stringify({ timestamp: 1 });

    const response = await post(body, jiraHeaders(body));

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe(
      'Invalid jira delivery: body must have required properties webhookEvent',
    );
  });

  it('names the path of a field of the wrong type', async () => {
    const body = JSON.stringify({ webhookEvent: 'comment_created', timestamp: 'yesterday' });

    const response = await post(body, jiraHeaders(body));

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe('Invalid jira delivery: body/timestamp must be number');
  });

  it.each([
    '{"webhookEvent":"comment_created","__proto__":{"polluted":true}}',
    '{"webhookEvent":"comment_created","constructor":{"prototype":{"polluted":true}}}',
  ])('refuses __proto__ and constructor keys even with a valid signature: %s', async (body) => {
    const response = await post(body, jiraHeaders(body));

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toBe(
      'Body is not acceptable JSON: Object contains forbidden prototype property',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers an oversized body with 413', async () => {
    const body = JSON.stringify({ webhookEvent: 'x', pad: 'x'.repeat(1_048_577) });

    const response = await post(body, jiraHeaders(body));

    expect(response.statusCode).toBe(413);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded'])(
    'answers content type %s with 415',
    async (type) => {
      const body = commentDelivery('/help');

      const response = await post(body, { ...jiraHeaders(body), 'content-type': type });

      expect(response.statusCode).toBe(415);
    },
  );
});
