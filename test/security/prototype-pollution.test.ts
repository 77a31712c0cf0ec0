import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCommands } from '../../src/domain/commands/parse-commands.ts';
import { parseScoreCommand } from '../../src/domain/scoring/command.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { ADMIN_TOKEN } from '../helpers/test-config.ts';
import { postWebhook, signedHeaders, type Tracker } from './support.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ admin: {} });
});
afterAll(async () => {
  await api.close();
});

const polluted = () => {
  const probe = {} as Record<string, unknown>;
  return [probe.admin, probe.polluted, Object.hasOwn(Object.prototype, 'admin')];
};
afterEach(() => {
  expect(polluted()).toEqual([undefined, undefined, false]);
});

const PAYLOADS = [
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '{"webhookEvent":"comment_created","__proto__":{"admin":true}}',
  '{"webhookEvent":"comment_created","issue":{"id":"1","key":"A-1","__proto__":{"admin":true}}}',
  '{"webhookEvent":"comment_created","comment":{"id":"1","body":{"constructor":{"prototype":{"admin":true}}}}}',
  '{"action":{"id":"pp","idMemberCreator":"m","type":"commentCard","date":"x","data":{"__proto__":{"admin":true}}}}',
  '{"action":{"id":"pp","idMemberCreator":"m","type":"commentCard","date":"x","data":{"old":{"constructor":{"prototype":{"admin":true}}}}}}',
  '{"\\u005f_proto__":{"admin":true}}',
  '[{"__proto__":{"admin":true}}]',
];

describe('S6 prototype pollution', () => {
  it.each(
    (['jira', 'trello'] as Tracker[]).flatMap((tracker) => PAYLOADS.map((body) => [tracker, body] as const)),
  )('%s: signed %s → 400, nothing enqueued', async (tracker, body) => {
    const response = await postWebhook(api.app, tracker, body, signedHeaders(tracker, body));

    expect(response.statusCode).toBe(400);
    await api.drain();
    expect(await api.queue.count()).toBe(0);
  });

  const adminPost = async (url: string) => {
    const answers = [];
    for (const payload of [
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"admin":true}}}',
      '{"tracker":"jira","item":"A-1","command":"/help","actor":{"id":"x","__proto__":{"admin":true}}}',
    ]) {
      const response = await api.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      });
      answers.push(response.statusCode);
    }
    return answers;
  };

  it.each([
    '/admin/actions/command',
    '/admin/webhooks/trello',
    '/admin/audit/x/undo',
    '/admin/jobs/failed/retry',
  ])('admin %s: __proto__ and constructor.prototype bodies → 400', async (url) => {
    expect(await adminPost(url)).toEqual([400, 400, 400]);
  });

  it('admin /admin/actions/reload-rules: refused bodies → 400', async () => {
    expect(await adminPost('/admin/actions/reload-rules')).toEqual([400, 400, 400]);
  });

  it.each([
    '__proto__=1',
    'constructor=1',
    'constructor.prototype.admin=true',
    '__proto__.admin=true',
    'prototype=1',
    'toString=1 hasOwnProperty=1 valueOf=1',
    'impact=3 __proto__=1',
  ])('the slash-command argument parser refuses /score %s', (args) => {
    const [command] = parseCommands(`/score ${args}`);
    const parsed = parseScoreCommand(command?.args ?? '');

    expect(parsed.kind).toBe('invalid');
  });
});
