import { describe, expect, it } from 'vitest';
import { ErrorKind, TrackerError } from '../../../src/errors.ts';
import { api, tracker } from './jira-fixtures.ts';

const ref = { tracker: 'jira' as const, id: '10042', key: 'BR-42' };
const body = (message: string) => ({ errorMessages: [message], errors: {} });

describe('Jira adapter error mapping', () => {
  it.each([
    [401, ErrorKind.Auth, body('Client must be authenticated to access this resource.'), {}, undefined],
    [
      403,
      ErrorKind.Forbidden,
      body('You do not have permission to edit issues in this project.'),
      {},
      undefined,
    ],
    [
      404,
      ErrorKind.NotFound,
      body('Issue does not exist or you do not have permission to see it.'),
      {},
      undefined,
    ],
    [
      400,
      ErrorKind.Validation,
      { errorMessages: [], errors: { labels: 'The label cannot contain spaces.' } },
      {},
      undefined,
    ],
    [429, ErrorKind.RateLimit, body('Rate limit exceeded.'), { 'Retry-After': '7' }, 7000],
    [500, ErrorKind.Server, body('Internal server error'), {}, undefined],
  ])('status %i becomes a TrackerError of kind %s', async (status, kind, reply, headers, retryAfterMs) => {
    api().get('/rest/api/3/issue/10042').query({ fields: 'labels' }).reply(status, reply, headers);

    const error = await tracker()
      .setLabel(ref, 'x', true)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TrackerError);
    expect(error).toMatchObject({ kind, status, tracker: 'jira', retryAfterMs });
  });

  it("reads an issue's 404 as notFound, never deleted: Jira answers a deleted issue and a hidden one alike", async () => {
    api()
      .get('/rest/api/3/issue/10042')
      .query({ expand: 'names' })
      .reply(404, body('Issue does not exist or you do not have permission to see it.'));
    // The issue's 404 may end the read before its remote links are asked for.
    api()
      .get('/rest/api/3/issue/10042/remotelink')
      .optionally()
      .reply(404, body('Issue does not exist or you do not have permission to see it.'));

    const error = await tracker()
      .getItem(ref)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: ErrorKind.NotFound, status: 404, tracker: 'jira' });
  });

  it('puts Jira error details into the message, never the credentials', async () => {
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'labels' })
      .reply(400, { errorMessages: [], errors: { labels: 'The label cannot contain spaces.' } });

    const error = (await tracker()
      .setLabel(ref, 'x', true)
      .catch((e: unknown) => e)) as TrackerError;

    expect(error.message).toBe('Jira getIssue failed with 400: labels: The label cannot contain spaces.');
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('secret-token');
  });

  it('maps a connection failure to a network error', async () => {
    // Nothing listens on port 9 of loopback: a real refused connection rather than a mocked one.
    await expect(tracker('http://127.0.0.1:9').whoAmI()).rejects.toMatchObject({
      kind: ErrorKind.Network,
      tracker: 'jira',
    });
  });
});

describe('Jira 429 without Retry-After', () => {
  it('waits until the X-RateLimit-Reset Jira names, not a guessed pause', async () => {
    // Jira's format: "yyyy-MM-ddTHH:mmZ", the minute the budget comes back (here about an hour away).
    const reset = `${new Date(Date.now() + 61 * 60_000).toISOString().slice(0, 16)}Z`;
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'labels' })
      .reply(429, body('Rate limit exceeded.'), {
        'X-RateLimit-Reset': reset,
        'RateLimit-Reason': 'jira-quota-tenant-based',
      });

    const error = (await tracker()
      .setLabel(ref, 'x', true)
      .catch((e: unknown) => e)) as TrackerError;

    expect(error).toMatchObject({ kind: ErrorKind.RateLimit, status: 429 });
    expect(error.retryAfterMs).toBeGreaterThan(59 * 60_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(61 * 60_000);
  });
});

describe('Jira answering as to an anonymous visitor', () => {
  // A token Jira no longer takes (expired or revoked) is not refused everywhere: Jira serves the request as
  // anonymous and says so in X-Seraph-LoginReason (MrRefactoring/jira.js#418: a 200 with AUTHENTICATED_FAILED).
  const failedLogin = { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' };

  it('takes a 404 that came with a failed login for a credentials failure, not an issue gone', async () => {
    api()
      .get('/rest/api/3/issue/10042')
      .query({ fields: 'labels' })
      .reply(404, body('Issue does not exist or you do not have permission to see it.'), failedLogin);

    const error = await tracker()
      .setLabel(ref, 'x', true)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: ErrorKind.Auth, status: 401, tracker: 'jira' });
    expect((error as TrackerError).message).toContain('AUTHENTICATED_FAILED');
  });

  it('takes a 403 of a CAPTCHA challenge (too many failed logins) for a credentials failure, not a refusal of the issue', async () => {
    api().get('/rest/api/3/issue/10042').query({ fields: 'labels' }).reply(403, '', {
      'X-Authentication-Denied-Reason': 'CAPTCHA_CHALLENGE; login-url=https://acme.atlassian.net/login',
    });

    const error = await tracker()
      .setLabel(ref, 'x', true)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: ErrorKind.Auth, status: 401, tracker: 'jira' });
    expect((error as TrackerError).message).toContain('CAPTCHA_CHALLENGE');
  });

  it('takes a 200 that came with a failed login for a credentials failure, not an empty project', async () => {
    api().post('/rest/api/3/search/jql').reply(200, { issues: [], names: {}, isLast: true }, failedLogin);

    const listed = await tracker()
      .listItems({ kind: 'container', containerId: 'BR' })
      .catch((e: unknown) => e);

    expect(listed).toMatchObject({ kind: ErrorKind.Auth, status: 401, tracker: 'jira' });
  });
});
