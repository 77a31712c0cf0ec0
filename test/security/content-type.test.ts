import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { postWebhook, signedHeaders, type Tracker } from './support.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api.close();
});

const TYPES = [
  'Application/JSON',
  'APPLICATION/JSON; charset=UTF-8',
  'application/json\t;x',
  ' application/json',
  'application/json garbage',
  'application/jsonp',
  'application/json-patch+json',
  'application/vnd.api+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  '*/*',
  '',
  undefined,
] as const;

const body = '{"webhookEvent":"worklog_created","timestamp":1}';
const trelloBody = '{"action":{"id":"ct-1","idMemberCreator":"m","type":"updateBoard","date":"x","data":{}}}';

describe('S5 content types: verified and validated, or 415', () => {
  it.each(
    (['jira', 'trello'] as Tracker[]).flatMap((tracker) => TYPES.map((type) => [tracker, type] as const)),
  )('%s with Content-Type %j', async (tracker, type) => {
    const payload = tracker === 'jira' ? body : trelloBody;
    const headers = signedHeaders(tracker, payload);
    if (type === undefined) delete headers['content-type'];
    else headers['content-type'] = type;

    const signed = await postWebhook(api.app, tracker, payload, headers);
    const forged = await postWebhook(api.app, tracker, payload, {
      ...headers,
      ...(tracker === 'jira'
        ? { 'x-hub-signature': `sha256=${'0'.repeat(64)}` }
        : { 'x-trello-webhook': 'AAAA' }),
    });
    const invalidHeaders = { ...signedHeaders(tracker, '{}'), 'content-type': type ?? '' };
    if (type === undefined) delete (invalidHeaders as Record<string, string>)['content-type'];
    const invalid = await postWebhook(api.app, tracker, '{}', invalidHeaders);

    // Either the type is refused outright, or the delivery went through the whole pipeline.
    expect([200, 415]).toContain(signed.statusCode);
    expect([401, 415]).toContain(forged.statusCode);
    expect([400, 415]).toContain(invalid.statusCode);
    if (signed.statusCode === 415) expect(forged.statusCode).toBe(415);
    await api.drain();
    expect(await api.queue.count()).toBe(0);
  });
});
