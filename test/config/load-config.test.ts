import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('loadConfig', () => {
  it('works with nothing set, both trackers left unconfigured', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({
      port: 3000,
      role: 'all',
      dryRun: false,
      logLevel: 'info',
      dedupeTtlSeconds: 86_400,
    });
    expect(config.jira).toBeUndefined();
    expect(config.trello).toBeUndefined();
  });

  it('converts strings from the environment', () => {
    expect(loadConfig({ PORT: '8080', DRY_RUN: 'true' })).toMatchObject({ port: 8080, dryRun: true });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be integer'],
    [{ ROLE: 'scheduler' }, 'ROLE must be one of api, worker, all'],
    [{ PUBLIC_URL: 'refinery.example.com' }, 'PUBLIC_URL must match pattern'],
    [
      { JIRA_BASE_URL: 'https://acme.atlassian.net' },
      'Jira needs JIRA_EMAIL, JIRA_API_TOKEN (set all of them, or none)',
    ],
    [{ TRELLO_API_KEY: 'k', TRELLO_API_TOKEN: 't', TRELLO_API_SECRET: 's' }, 'Trello needs PUBLIC_URL'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN must not have fewer than 16 characters'],
    // Sent as `Authorization: Bearer <token>`, a token with a space could never match: every call would get 401.
    [{ ADMIN_TOKEN: 'correct horse battery staple' }, 'ADMIN_TOKEN must be one word, without spaces'],
    [{ JIRA_EMAIL: 'bot@localhost' }, 'JIRA_EMAIL must match pattern'],
  ])('names the bad variable: %j', (env, expected) => {
    expect(problems(env).join('\n')).toContain(expected);
  });

  it('builds the Trello callback URL byte for byte from PUBLIC_URL', () => {
    const config = loadConfig({
      TRELLO_API_KEY: 'k',
      TRELLO_API_TOKEN: 't',
      TRELLO_API_SECRET: 's',
      PUBLIC_URL: 'https://r.example.com/',
    });

    expect(config.trello?.callbackUrl).toBe('https://r.example.com/webhooks/trello');
  });

  it('trusts X-Forwarded-For only from the proxies TRUST_PROXY names, and never from everyone', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7 ,loopback,fd00::/8' }).trustedProxies).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'loopback',
      'fd00::/8',
    ]);
    expect(problems({ TRUST_PROXY: 'true' })).toEqual([
      'TRUST_PROXY: true is not an address, a CIDR or loopback/linklocal/uniquelocal (trusting every sender would let any client choose its address)',
    ]);
    expect(problems({ TRUST_PROXY: '10.0.0.0/33,*,proxy.internal' })[0]).toMatch(
      /^TRUST_PROXY: 10\.0\.0\.0\/33, \*, proxy\.internal is not/,
    );
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ HOME: '/root', SOMETHING_ELSE: 'x' })).not.toThrow();
  });
});
