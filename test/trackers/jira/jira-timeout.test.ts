import { describe, expect, it } from 'vitest';
import { ErrorKind, isRetryable, TrackerError } from '../../../src/errors.ts';
import { createLogger } from '../../../src/logger.ts';
import { createJiraTracker } from '../../../src/trackers/jira/jira-tracker.ts';
import { api, myself, SITE } from './jira-fixtures.ts';

function trackerWithTimeout(requestTimeoutMs: number) {
  return createJiraTracker({
    baseUrl: SITE,
    email: 'bot@acme.test',
    apiToken: 'secret-token',
    log: createLogger({ level: 'silent' }),
    onSchemaMismatch: 'throw',
    requestTimeoutMs,
  });
}

describe('Jira request timeout', () => {
  it('a Jira that does not answer in time fails the call as a retryable network error', async () => {
    api().get('/rest/api/3/myself').delay(3_000).reply(200, myself);
    const started = Date.now();

    const error = await trackerWithTimeout(150)
      .whoAmI()
      .catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(TrackerError);
    expect(error).toMatchObject({ kind: ErrorKind.Network, tracker: 'jira' });
    expect((error as TrackerError).message).toBe('Jira myself timed out after 150 ms');
    expect(isRetryable((error as TrackerError).kind)).toBe(true);
  });

  it('an answer inside the timeout is returned as usual', async () => {
    api().get('/rest/api/3/myself').delay(50).reply(200, myself);

    await expect(trackerWithTimeout(1_000).whoAmI()).resolves.toEqual({
      id: myself.accountId,
      displayName: myself.displayName,
      mentions: [`@${myself.displayName}`, `@${myself.accountId}`],
    });
  });
});
