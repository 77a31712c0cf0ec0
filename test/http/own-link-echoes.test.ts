import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
