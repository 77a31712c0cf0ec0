import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signTrelloBody } from '../../src/trackers/trello/trello-signature.ts';
import { fixture, fixtureText } from '../fixtures/index.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { trelloHeaders } from '../helpers/sign.ts';
import { PUBLIC_URL, TRELLO_SECRET, testConfig } from '../helpers/test-config.ts';

let api: ApiHarness;
beforeEach(async () => {
  api = await startApiHarness({ selfIds: { trello: 'bot-member' } });
});
afterEach(async () => {
  await api.close();
});

const post = (payload: string, headers: Record<string, string>) =>
  api.app.inject({ method: 'POST', url: '/webhooks/trello', payload, headers });

function comment(text: string, member = '4f55dc2f8e0358c24d194be0', id = '5476fb9e348fd8c4eeecc905'): string {
  const body = fixture<{ action: { id: string; idMemberCreator: string; data: { text: string } } }>(
    'trello/commentCard',
  );
  body.action.id = id;
  body.action.data.text = text;
  body.action.idMemberCreator = member;
  return JSON.stringify(body);
}

describe('Trello webhooks', () => {
  it('answers the HEAD probe Trello sends when a webhook is created', async () => {
    const response = await api.app.inject({ method: 'HEAD', url: '/webhooks/trello' });

    expect(response.statusCode).toBe(200);
  });

  it.each(['trello/createCard', 'trello/commentCard'] as const)(
    'accepts the real sample %s',
    async (name) => {
      const body = fixtureText(name);

      const response = await post(body, trelloHeaders(body));

      expect(response.statusCode).toBe(202);
      expect(response.json().eventId).toBe(`trello.${JSON.parse(body).action.id}`);
    },
  );

  it('takes a card update whose previous values are objects, whatever keys they hold', async () => {
    // Trello's `old` holds what the update replaced: a cover or badges are objects, read as JSON (the fuzz test
    // found a 500 for one whose `toString` key was not a function).
    const body = fixture<{ action: { id: string; type: string; data: Record<string, unknown> } }>(
      'trello/createCard',
    );
    body.action.id = 'update-with-object-old';
    body.action.type = 'updateCard';
    body.action.data.old = { cover: { color: 'green', toString: 0 }, pos: 16384 };
    const payload = JSON.stringify(body);

    const response = await post(payload, trelloHeaders(payload));

    expect(response.statusCode).toBe(202);
  });

  it('verifies HMAC-SHA1 over the body plus the exact callback URL', async () => {
    const body = comment('/help');
    const signedForOtherUrl = signTrelloBody(body, TRELLO_SECRET, `${PUBLIC_URL}/webhooks/trello/`);

    const good = await post(body, trelloHeaders(body));
    const wrongUrl = await post(comment('/help', undefined, 'other-action'), {
      ...trelloHeaders(body),
      'x-trello-webhook': signedForOtherUrl,
    });

    expect(good.statusCode).toBe(202);
    expect(wrongUrl.statusCode).toBe(401);
  });

  it('deduplicates on action.id', async () => {
    const body = comment('/help');

    await post(body, trelloHeaders(body));
    const again = await post(body, trelloHeaders(body));

    expect(again.json()).toEqual({ duplicate: true, eventId: 'trello.5476fb9e348fd8c4eeecc905' });
    await api.drain();
    expect(await api.queue.count()).toBe(1);
  });

  it('a comment with a command becomes one run-commands job carrying the comment', async () => {
    const body = comment('/help');

    expect((await post(body, trelloHeaders(body))).statusCode).toBe(202);
    await api.drain();

    const jobs = await api.queue.getJobs(['waiting']);
    expect(jobs.map((job) => job.name)).toEqual(['run-commands']);
    expect(jobs[0]?.data.event).toMatchObject({
      tracker: 'trello',
      kind: 'comment.created',
      comment: { text: '/help' },
    });
  });

  it('drops actions of the service member', async () => {
    const body = comment('/help', 'bot-member');

    const response = await post(body, trelloHeaders(body));

    expect(response.json()).toEqual({ ignored: 'caused by the service itself' });
  });

  it('never answers 410, which would make Trello delete the webhook', async () => {
    const responses = await Promise.all([
      post('{', trelloHeaders('{')),
      post('{}', trelloHeaders('{}')),
      post(comment('/x'), { 'content-type': 'application/json' }),
    ]);

    expect(responses.map((r) => r.statusCode)).toEqual([400, 400, 401]);
  });
});

describe('an unconfigured tracker', () => {
  it('answers 404 saying so', async () => {
    const bare = await startApiHarness({
      config: testConfig({
        TRELLO_API_KEY: undefined,
        TRELLO_API_TOKEN: undefined,
        TRELLO_API_SECRET: undefined,
      }),
    });
    const body = comment('/help');

    const response = await bare.app.inject({
      method: 'POST',
      url: '/webhooks/trello',
      payload: body,
      headers: trelloHeaders(body),
    });
    await bare.close();

    expect(response.statusCode).toBe(404);
    expect(response.json().message).toMatch(/^Trello is not configured/);
  });
});
