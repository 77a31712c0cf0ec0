import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ErrorKind, isRetryable, TrackerError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/logger.ts';
import { createJiraTracker } from '../../../src/trackers/jira/jira-tracker.ts';
import type { OutboundLimiter } from '../../../src/trackers/rate-limit/outbound-limiter.ts';
import { api, issue, myself, projectCapabilities, SITE } from './jira-fixtures.ts';

function trackerWithTimeout(
  requestTimeoutMs: number,
  options: { baseUrl?: string; limiter?: OutboundLimiter } = {},
) {
  return createJiraTracker({
    baseUrl: options.baseUrl ?? SITE,
    email: 'bot@acme.test',
    apiToken: 'secret-token',
    log: createLogger({ level: 'silent' }),
    onSchemaMismatch: 'throw',
    requestTimeoutMs,
    limiter: options.limiter,
  });
}

describe('Jira request timeout', () => {
  it('an answer inside the timeout is returned as usual', async () => {
    api().get('/rest/api/3/myself').delay(50).reply(200, myself);

    await expect(trackerWithTimeout(1_000).whoAmI()).resolves.toEqual({
      id: myself.accountId,
      displayName: myself.displayName,
      mentions: [`@${myself.displayName}`, `@${myself.accountId}`],
    });
  });

  // A real socket, not nock: nock's delayed replies do not survive an aborted fetch.
  it('a Jira that does not answer in time fails the call as a retryable network error, and its connection is closed', async () => {
    const held: IncomingMessage[] = [];
    let connectionClosed = () => {};
    const closed = new Promise<string>((resolve) => (connectionClosed = () => resolve('closed')));
    const server = createServer((request) => {
      held.push(request);
      request.socket.on('close', () => connectionClosed());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const started = Date.now();

    const error = await trackerWithTimeout(150, { baseUrl: `http://127.0.0.1:${port}` })
      .whoAmI()
      .catch((e: unknown) => e);
    const failedAfterMs = Date.now() - started;
    const outcome = await Promise.race([closed, sleep(2_000).then(() => 'still open')]);
    server.closeAllConnections();
    server.close();

    expect(failedAfterMs).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(TrackerError);
    expect(error).toMatchObject({ kind: ErrorKind.Network, tracker: 'jira' });
    expect((error as TrackerError).message).toBe('Jira myself: timed out after 150 ms');
    expect(isRetryable((error as TrackerError).kind)).toBe(true);
    expect(held).toHaveLength(1);
    expect(outcome).toBe('closed');
  });

  it('a write waiting its turn in the rate limiter is not given up while it waits, then sent once', async () => {
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'labels' })
      .reply(200, issue('10042', 'BR-42', { labels: ['billing'] }));
    projectCapabilities('BR', false);
    let sent = 0;
    api()
      .put('/rest/api/3/issue/10042')
      .reply(() => {
        sent += 1;
        return [204];
      });
    // Jira's per-issue window is full for longer than one request may take.
    const limiter: OutboundLimiter = { acquire: () => sleep(400) };

    const outcome = await trackerWithTimeout(150, { limiter })
      .setLabel({ tracker: 'jira', id: '10042', key: 'BR-42' }, 'needs-ac', true)
      .catch((error: Error) => error.message);
    await sleep(400);

    // Before: the call failed as "timed out" (an attempt spent), and its write went out later anyway.
    expect(outcome).toBe(true);
    expect(sent).toBe(1);
  });
});
