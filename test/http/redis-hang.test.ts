import { createServer, type Socket } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createIntake } from '../../src/queue/intake.ts';
import { fixtureText } from '../fixtures/index.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { jiraHeaders } from '../helpers/sign.ts';
import { type CapturedApp, postWebhook, startCapturedApp } from '../security/support.ts';

/**
 * A Redis that takes the connection and never answers (a hung server, a failover in progress): the tracker must
 * hear 503 within the intake's timeout, not wait on a request it will time out and retry anyway. The child-process
 * version of this, with a real Redis stopped by SIGSTOP, is test/faults/redis-hang.
 */
const sockets: Socket[] = [];
const silent = createServer((socket) => void sockets.push(socket));
let hung: Redis;
let queueRedis: Redis;
let api: CapturedApp;

beforeAll(async () => {
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  hung = new Redis({ host: '127.0.0.1', port: address.port, maxRetriesPerRequest: null });
  queueRedis = testRedis();
  const queue = new Queue('hang', { connection: queueRedis, prefix: `{${uniquePrefix('hang')}}` });
  const intake = createIntake({
    queue,
    redis: hung,
    keyPrefix: uniquePrefix('hang'),
    dedupeTtlSeconds: 60,
    retry: { attempts: 1, backoffMs: 100 },
    timeoutMs: 150,
  });
  api = await startCapturedApp({ deps: { intake } });
});
afterAll(async () => {
  await api.close();
  hung.disconnect();
  queueRedis.disconnect();
  for (const socket of sockets) socket.destroy();
  silent.close();
});

it('answers 503 once Redis has not answered within the intake timeout, and logs why', async () => {
  const body = fixtureText('jira/comment_created');
  const started = Date.now();

  const response = await postWebhook(api.app, 'jira', body, jiraHeaders(body, 'hung-1'));

  expect(response.statusCode).toBe(503);
  expect(response.headers['retry-after']).toBe('5');
  expect(Date.now() - started).toBeLessThan(5_000);
  const warning = api.lines
    .map((line) => JSON.parse(line))
    .find((entry) => entry.msg === 'Queue unavailable, asking the tracker to retry');
  expect(warning?.err.message).toBe('Redis did not answer within 150 ms');
});
