import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { ADMIN_TOKEN } from '../helpers/test-config.ts';
import { postWebhook, signedHeaders, startCapturedApp, type Tracker } from './support.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ admin: {} });
});
afterAll(async () => {
  await api.close();
});

const trackers: Tracker[] = ['jira', 'trello'];
const LIMIT = 1_048_576;

describe('S7 oversize bodies', () => {
  it.each(trackers)('%s: 1 MiB + 1 byte → 413 before the signature is checked', async (tracker) => {
    const body = `{"pad":"${'x'.repeat(LIMIT + 1 - 10)}"}`;
    expect(Buffer.byteLength(body)).toBe(LIMIT + 1);

    const unsigned = await postWebhook(api.app, tracker, body, { 'content-type': 'application/json' });
    const signed = await postWebhook(api.app, tracker, body, signedHeaders(tracker, body));

    expect([unsigned.statusCode, signed.statusCode]).toEqual([413, 413]);
  });

  it.each(trackers)('%s: exactly 1 MiB is read (and, unsigned, refused as unsigned)', async (tracker) => {
    const body = `{"pad":"${'x'.repeat(LIMIT - 10)}"}`;

    const response = await postWebhook(api.app, tracker, body, { 'content-type': 'application/json' });

    expect(response.statusCode).toBe(401);
  });

  it('admin: 1 MiB + 1 byte → 413', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/admin/actions/command',
      payload: `{"pad":"${'x'.repeat(LIMIT + 1 - 10)}"}`,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });

    expect(response.statusCode).toBe(413);
  });
});

describe('S7 compressed bodies are refused, never inflated', () => {
  // 64 MiB of JSON whitespace squeezed into ~64 KiB.
  const bomb = gzipSync(
    Buffer.concat([Buffer.from('{"webhookEvent":"x"'), Buffer.alloc(64 << 20, 0x20), Buffer.from('}')]),
  );

  it.each(trackers)('%s: gzip bomb, signed over the compressed bytes → 415', async (tracker) => {
    const before = process.memoryUsage().rss;

    const response = await postWebhook(api.app, tracker, bomb, {
      ...signedHeaders(tracker, bomb.toString('latin1')),
      'content-encoding': 'gzip',
    });

    expect(bomb.length).toBeLessThan(LIMIT);
    expect(response.statusCode).toBe(415);
    expect(response.json().message).toMatch(/Content-Encoding gzip is not accepted/);
    expect(process.memoryUsage().rss - before).toBeLessThan(32 << 20);
  });

  it.each(['deflate', 'br', 'GZIP', 'gzip, identity'])('Content-Encoding %s → 415', async (encoding) => {
    const body = '{"webhookEvent":"worklog_created"}';

    const response = await postWebhook(api.app, 'jira', body, {
      ...signedHeaders('jira', body),
      'content-encoding': encoding,
    });

    expect(response.statusCode).toBe(415);
  });

  it('Content-Encoding identity is a plain body', async () => {
    const body = '{"webhookEvent":"worklog_created","timestamp":1}';

    const response = await postWebhook(api.app, 'jira', body, {
      ...signedHeaders('jira', body),
      'content-encoding': 'identity',
    });

    expect(response.statusCode).toBe(200);
  });
});

describe('S7 deep nesting → 400, never a crash', () => {
  const N = 100_000;
  const deep = `${'['.repeat(N)}${']'.repeat(N)}`;
  const adf = (n: number) =>
    `{"type":"doc","content":[${'{"type":"paragraph","content":['.repeat(n)}{"type":"text","text":"/help"}${']}'.repeat(n)}]}`;
  const webhookBodies: [Tracker, string, string][] = [
    ['jira', 'unclosed [', '['.repeat(N)],
    ['jira', 'closed [[…]]', deep],
    ['jira', 'deep value in an envelope', `{"webhookEvent":"comment_created","x":${deep}}`],
    [
      'jira',
      'a deep ADF comment body',
      `{"webhookEvent":"comment_created","timestamp":1,"issue":{"id":"1","key":"A-1"},"comment":{"id":"1","body":${adf(20_000)}}}`,
    ],
    ['jira', 'deep with a constructor key', `{"webhookEvent":"comment_created","constructor":1,"x":${deep}}`],
    [
      'trello',
      'deep data.old',
      `{"action":{"id":"d1","idMemberCreator":"m","type":"updateCard","date":"x","data":{"card":{"id":"c"},"old":{"desc":${deep}}}}}`,
    ],
    ['trello', 'closed [[…]]', deep],
  ];

  it.each(webhookBodies)('%s: %s', async (tracker, _label, body) => {
    const response = await postWebhook(api.app, tracker, body, signedHeaders(tracker, body));

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/deeper than 128 levels|not acceptable JSON/);
    await api.drain();
    expect(await api.queue.count()).toBe(0);
  });

  it.each([
    ['/admin/actions/command', deep],
    ['/admin/actions/command', `{"tracker":"jira","item":"x","command":"/help","x":${deep}}`],
    ['/admin/webhooks/trello', `{"boards":${deep}}`],
    ['/admin/audit/x/undo', `{"dryRun":${deep}}`],
  ])('admin %s: deep body → 400', async (url, payload) => {
    const response = await api.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });

    expect(response.statusCode).toBe(400);
  });

  it('nesting a real delivery might have (40 levels) is still accepted', async () => {
    const body = `{"webhookEvent":"worklog_created","timestamp":1,"x":${'['.repeat(40)}${']'.repeat(40)}}`;

    const response = await postWebhook(api.app, 'jira', body, signedHeaders('jira', body));

    expect(response.statusCode).toBe(200);
  });
});

describe('S7 slow sender', () => {
  it('a body trickling in byte by byte is cut off by the request timeout', async () => {
    // nock's interceptor buffers a client socket's writes until the request is whole: the trickle must be real.
    nock.restore();
    const captured = await startCapturedApp({ deps: { timeouts: { requestMs: 1_000, checkEveryMs: 100 } } });
    const address = await captured.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const started = Date.now();
    try {
      const outcome = await new Promise<{ answer: string; closedAfterMs: number }>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let answer = '';
        let timer: NodeJS.Timeout | undefined;
        const guard = setTimeout(() => {
          socket.destroy();
          reject(new Error('the server kept the slow connection open for 8 s'));
        }, 8_000);
        socket.on('connect', () => {
          socket.write(
            'POST /webhooks/jira HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
          );
          // A byte every 200 ms keeps the socket from ever being idle.
          timer = setInterval(() => socket.write('{'), 200);
        });
        socket.on('data', (chunk) => {
          answer += chunk.toString();
        });
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(timer);
          clearTimeout(guard);
          resolve({ answer, closedAfterMs: Date.now() - started });
        });
      });

      expect(outcome.closedAfterMs).toBeLessThan(3_000);
      expect(outcome.answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      nock.activate();
      await captured.close();
    }
  });
});
