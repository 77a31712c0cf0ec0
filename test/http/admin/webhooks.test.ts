import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { parseRules } from '../../../src/rules/load-rules.ts';
import { createTrelloWebhookAdmin } from '../../../src/trackers/trello/trello-webhook-admin.ts';
import type { RegisteredWebhook, WebhookAdmin } from '../../../src/trackers/webhook-admin.ts';
import { fixtureText } from '../../fixtures/index.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { jiraHeaders } from '../../helpers/sign.ts';
import { PUBLIC_URL, testConfig } from '../../helpers/test-config.ts';
import { adminClient } from './admin-client.ts';

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});
const admin = adminClient(() => api!.app);
const CALLBACK = `${PUBLIC_URL}/webhooks/trello`;

function fakeWebhookAdmin(existing: RegisteredWebhook[] = []): WebhookAdmin & { hooks: RegisteredWebhook[] } {
  const hooks = [...existing];
  return {
    hooks,
    modelId: async (name) => name,
    list: async () => [...hooks],
    async register(modelId, callbackUrl, description) {
      const hook = { id: `wh-${hooks.length}`, modelId, callbackUrl, active: true, description };
      hooks.push(hook);
      return hook;
    },
    async remove(id) {
      hooks.splice(
        hooks.findIndex((hook) => hook.id === id),
        1,
      );
    },
  };
}

describe('GET /admin/webhooks/jira', () => {
  it('prints the setup without the secret, and when deliveries last arrived', async () => {
    api = await startApiHarness({ admin: {} });
    const body = fixtureText('jira/issue_created');
    await api.app.inject({
      method: 'POST',
      url: '/webhooks/jira',
      payload: body,
      headers: jiraHeaders(body),
    });

    // The delivery's time is written on the API's connection before it answers: this read comes after it.
    const response = await admin('GET', '/admin/webhooks/jira');

    const status = response.json();
    expect(status).toMatchObject({
      configured: true,
      url: `${PUBLIC_URL}/webhooks/jira`,
      secretConfigured: true,
    });
    expect(status.events).toContain('comment_created');
    expect(Date.parse(status.deliveries.lastVerifiedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(response.body).not.toContain("It's a Secret to Everybody");
  });

  it('says when no secret is configured and nothing arrived', async () => {
    api = await startApiHarness({ config: testConfig({ JIRA_WEBHOOK_SECRET: undefined }), admin: {} });

    const status = (await admin('GET', '/admin/webhooks/jira')).json();

    expect(status.secretConfigured).toBe(false);
    expect(status.deliveries).toEqual({});
    expect(status.setup.join('\n')).toMatch(/set JIRA_WEBHOOK_SECRET/);
  });
});

describe('/admin/webhooks/trello', () => {
  it('registers the rules boards once, lists and deletes them', async () => {
    const webhooks = fakeWebhookAdmin([
      { id: 'wh-0', modelId: 'board-a', callbackUrl: CALLBACK, active: true },
    ]);
    api = await startApiHarness({ admin: { webhookAdmin: { trello: webhooks } } });

    const registered = await admin('POST', '/admin/webhooks/trello', { boards: ['board-a', 'board-b'] });
    const listed = await admin('GET', '/admin/webhooks/trello');
    const deleted = await admin('DELETE', '/admin/webhooks/trello/wh-0');

    expect(
      registered.json().boards.map((b: { board: string; result: string }) => `${b.board}:${b.result}`),
    ).toEqual(['board-a:exists', 'board-b:created']);
    expect(listed.json()).toMatchObject({
      callbackUrl: CALLBACK,
      webhooks: [{ id: 'wh-0' }, { id: 'wh-1', modelId: 'board-b' }],
    });
    expect(deleted.json()).toEqual({ deleted: 'wh-0' });
    expect(webhooks.hooks.map((hook) => hook.id)).toEqual(['wh-1']);
  });

  it('asks for boards when neither the body nor the rules name any', async () => {
    api = await startApiHarness({ admin: { webhookAdmin: { trello: fakeWebhookAdmin() } } });

    const response = await admin('POST', '/admin/webhooks/trello');

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/No boards/);
  });

  it('answers 404 when Trello is not configured', async () => {
    api = await startApiHarness({
      config: testConfig({
        TRELLO_API_KEY: undefined,
        TRELLO_API_TOKEN: undefined,
        TRELLO_API_SECRET: undefined,
      }),
      admin: {},
    });

    expect((await admin('GET', '/admin/webhooks/trello')).statusCode).toBe(404);
  });
});

describe('Trello webhook admin on the REST API', () => {
  const API = 'https://api.trello.test';
  const webhooks = createTrelloWebhookAdmin({
    apiUrl: `${API}/1`,
    apiKey: 'key',
    apiToken: 'tok',
    log: createLogger({ level: 'silent' }),
    limiter: { acquire: async () => {} },
  });
  const hook = { id: 'w1', idModel: 'b1', callbackURL: CALLBACK, active: true, description: 'x' };

  it('creates, lists and deletes through /1/webhooks and the token', async () => {
    nock(API)
      .post('/1/webhooks/')
      .query((query) => query.idModel === 'b1' && query.callbackURL === CALLBACK && query.token === 'tok')
      .reply(200, hook)
      .get('/1/tokens/tok/webhooks')
      .query(true)
      .reply(200, [hook])
      .delete('/1/webhooks/w1')
      .query(true)
      .reply(200, {});

    const created = await webhooks.register('b1', CALLBACK, 'x');
    const listed = await webhooks.list();
    await webhooks.remove('w1');

    expect(created).toMatchObject({ id: 'w1', modelId: 'b1', callbackUrl: CALLBACK, active: true });
    expect(listed).toHaveLength(1);
  });

  it('finds the webhook of a board the rules name by its shortLink instead of registering it again', async () => {
    // Trello lists a webhook under its board's id; the rules may name the board by its shortLink.
    const boardId = '5f1c0e47748e770ed11f338c';
    const parsed = parseRules({ scope: { trello: { backlogBoards: ['AbCd1234'] } } });
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    api = await startApiHarness({ rules: parsed.rules, admin: { webhookAdmin: { trello: webhooks } } });
    nock(API)
      .get('/1/tokens/tok/webhooks')
      .query(true)
      .reply(200, [{ ...hook, idModel: boardId }])
      .get('/1/boards/AbCd1234')
      .query(true)
      .reply(200, { id: boardId, name: 'Backlog', shortLink: 'AbCd1234' });

    const response = await admin('POST', '/admin/webhooks/trello');

    expect(response.statusCode).toBe(200);
    expect(response.json().boards).toEqual([
      {
        board: 'AbCd1234',
        result: 'exists',
        webhook: expect.objectContaining({ id: 'w1', modelId: boardId }),
      },
    ]);
  });

  it('turns a refusal into a TrackerError the admin API shows', async () => {
    nock(API).post('/1/webhooks/').query(true).reply(400, 'URL (https://x) did not return 200 status code');
    api = await startApiHarness({ admin: { webhookAdmin: { trello: webhooks } } });
    nock(API)
      .get('/1/tokens/tok/webhooks')
      .query(true)
      .reply(200, [])
      .get('/1/boards/b1')
      .query(true)
      .reply(200, { id: 'b1' });

    const response = await admin('POST', '/admin/webhooks/trello', { boards: ['b1'] });

    expect(response.statusCode).toBe(502);
    expect(response.json().message).toMatch(/Trello createWebhook failed: 400/);
  });
});
