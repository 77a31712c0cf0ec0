import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createRedis } from '../../src/queue/connection.ts';
import { createOwnLinkMemo } from '../../src/trackers/own-links.ts';
import { fixtureText } from '../fixtures/index.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { jiraHeaders } from '../helpers/sign.ts';
import { type CapturedApp, postWebhook, startCapturedApp } from '../security/support.ts';

/**
 * Jira's issuelink deliveries name no actor: the API knows the echo of a link the service made (or removed) a moment
 * ago by the pair of issues its worker remembered, and drops it, so a `/link` never plans work on its own echo.
 */
const redis = testRedis();
const memo = createOwnLinkMemo(redis, uniquePrefix('own-links'));
let api: CapturedApp;
beforeAll(async () => {
  api = await startCapturedApp({ deps: { ownLinks: memo } });
  await memo.remember('jira', '10001', '10002', 'link.created');
  await memo.remember('jira', '10004', '10005', 'link.deleted');
});
afterAll(async () => {
  await api.close();
  redis.disconnect();
});

function linkDelivery(event: 'issuelink_created' | 'issuelink_deleted', from: number, to: number): string {
  return JSON.stringify({
    timestamp: Date.now(),
    webhookEvent: event,
    issueLink: {
      id: 10_000 + from + to,
      sourceIssueId: from,
      destinationIssueId: to,
      issueLinkType: {
        id: 10003,
        name: 'Relates',
        outwardName: 'relates to',
        inwardName: 'relates to',
        isSubTaskLinkType: false,
        isSystemLinkType: false,
      },
      sequence: 0,
      systemLink: false,
    },
  });
}

async function post(body: string, id: string) {
  const response = await postWebhook(api.app, 'jira', body, jiraHeaders(body, id));
  return [response.statusCode, response.json()];
}

describe('echoes of the service’s own Jira links', () => {
  it('drops the echo of a link the service just made, and of an unlink it just did, either way round', async () => {
    expect(await post(linkDelivery('issuelink_created', 10002, 10001), 'echo-created')).toEqual([
      200,
      { ignored: 'caused by the service itself' },
    ]);
    expect(await post(linkDelivery('issuelink_deleted', 10005, 10004), 'echo-deleted')).toEqual([
      200,
      { ignored: 'caused by the service itself' },
    ]);
  });

  it('accepts a person removing a link the service just made: a correction, not an echo', async () => {
    expect(await post(linkDelivery('issuelink_deleted', 10001, 10002), 'person-unlink')).toEqual([
      202,
      { eventId: 'jira.person-unlink' },
    ]);
    expect(await post(linkDelivery('issuelink_created', 10004, 10005), 'person-relink')).toEqual([
      202,
      { eventId: 'jira.person-relink' },
    ]);
  });

  it('accepts a link a person made, and any other event on those issues', async () => {
    expect(await post(linkDelivery('issuelink_created', 10001, 10003), 'person-link')).toEqual([
      202,
      { eventId: 'jira.person-link' },
    ]);
    expect(await post(fixtureText('jira/comment_created'), 'comment-on-linked')).toEqual([
      202,
      { eventId: 'jira.comment-on-linked' },
    ]);
  });

  it('uses each remembered change up once: the same change again is a person’s', async () => {
    await memo.remember('jira', '20001', '20002', 'link.deleted');
    expect((await post(linkDelivery('issuelink_deleted', 20001, 20002), 'unlink-echo'))[0]).toBe(200);
    expect((await post(linkDelivery('issuelink_created', 20001, 20002), 'person-relinks'))[0]).toBe(202);
    // The person removes their link again within the ten minutes: not the service's echo any more.
    expect(await post(linkDelivery('issuelink_deleted', 20001, 20002), 'person-removes-again')).toEqual([
      202,
      { eventId: 'jira.person-removes-again' },
    ]);
    // Removing two links between a pair sends two echoes.
    await memo.remember('jira', '20011', '20012', 'link.deleted', 2);
    expect((await post(linkDelivery('issuelink_deleted', 20011, 20012), 'echo-a'))[0]).toBe(200);
    expect((await post(linkDelivery('issuelink_deleted', 20012, 20011), 'echo-b'))[0]).toBe(200);
    expect((await post(linkDelivery('issuelink_deleted', 20011, 20012), 'echo-c'))[0]).toBe(202);
  });
});

describe('a link delivery while Redis cannot answer', () => {
  it('answers 503 with Retry-After, as any delivery Redis cannot take, not a 500', async () => {
    // The API's memo connection (role 'client', as src/server.ts makes it) to a Redis that is not there.
    const down = createRedis('redis://127.0.0.1:1', 'client', createLogger({ level: 'silent' }));
    const app = await startCapturedApp({ deps: { ownLinks: createOwnLinkMemo(down, uniquePrefix('down')) } });
    try {
      const body = linkDelivery('issuelink_created', 30001, 30002);
      const response = await postWebhook(app.app, 'jira', body, jiraHeaders(body, 'link-during-outage'));

      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json().message).toBe('Queue unavailable, retry later');
    } finally {
      await app.close();
      down.disconnect();
    }
  });
});
