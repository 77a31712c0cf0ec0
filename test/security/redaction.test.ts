import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../../src/logger.ts';
import { fixtureText } from '../fixtures/index.ts';
import { jiraHeaders } from '../helpers/sign.ts';
import { postWebhook, startCapturedApp } from './support.ts';

const TOKEN = 'sentinel-token-5f0c1d';
const BASIC = Buffer.from(`bot@acme.test:${TOKEN}`).toString('base64');

/** An error shaped like the ones HTTP clients throw: the request's URL and headers ride along. */
function clientError(): Error {
  return Object.assign(
    new Error(`GET https://api.trello.com/1/members/me?key=k-${TOKEN}&token=${TOKEN} failed`),
    {
      config: {
        url: `https://api.trello.com/1/members/me?key=k-${TOKEN}&token=${TOKEN}`,
        headers: { Authorization: `Basic ${BASIC}` },
        auth: { username: 'bot@acme.test', password: TOKEN },
      },
      request: { headers: { authorization: `Basic ${BASIC}` } },
    },
  );
}

function capture(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return {
    lines,
    log: createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } }),
  };
}

describe('S11 credentials never reach the logs', () => {
  it.each([
    ['a client error logged as err', { err: clientError() }],
    [
      'request headers',
      { req: { headers: { authorization: `Bearer ${TOKEN}`, 'x-hub-signature': `sha256=${TOKEN}` } } },
    ],
    ['a config object', { config: { JIRA_API_TOKEN: TOKEN, TRELLO_API_KEY: TOKEN, ADMIN_TOKEN: TOKEN } }],
    ['adapter options', { trello: { apiKey: TOKEN, apiToken: TOKEN }, jira: { apiToken: TOKEN } }],
    [
      'a URL run through redactUrl',
      { url: redactUrl(`https://x.test/1/cards?key=${TOKEN}&token=${TOKEN}&a=1`) },
    ],
  ])('%s', (_label, fields) => {
    const { lines, log } = capture();

    log.error(fields, 'something failed');

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(TOKEN);
    expect(lines[0]).not.toContain(BASIC);
  });

  it('an unexpected error in a request is logged without the URL credentials or headers it carries', async () => {
    const api = await startCapturedApp({
      deps: {
        selfId: () => {
          throw clientError();
        },
      },
    });
    const body = fixtureText('jira/comment_created');
    try {
      const response = await postWebhook(api.app, 'jira', body, jiraHeaders(body));

      expect(response.statusCode).toBe(500);
      expect(response.body).toBe('{"error":"Internal Server Error","message":"Internal error"}');
      const failure = api.lines.find((line) => line.includes('Request failed'));
      expect(failure).toBeDefined();
      expect(failure).toContain('[redacted]');
      expect(api.lines.join('')).not.toContain(TOKEN);
      expect(api.lines.join('')).not.toContain(BASIC);
    } finally {
      await api.close();
    }
  });
});
