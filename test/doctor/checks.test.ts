import { describe, expect, it } from 'vitest';
import { checkClock } from '../../src/doctor/check-clock.ts';
import { checkEnvironment } from '../../src/doctor/check-environment.ts';
import { evaluateJira } from '../../src/doctor/check-jira.ts';
import { checkPort } from '../../src/doctor/check-port.ts';
import { checkRedis } from '../../src/doctor/check-redis.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';

const rules = { ok: true as const, rules: defaultRules() };
const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  ADMIN_TOKEN: 'admin-token-0123456789abcdef',
  JIRA_BASE_URL: 'https://acme.atlassian.net',
  JIRA_EMAIL: 'refinery-bot@acme.test',
  JIRA_API_TOKEN: 'token',
  JIRA_WEBHOOK_SECRET: 'secret',
};
const statusOf = (env: Record<string, string>, start: string) =>
  checkEnvironment(env, rules).checks.find((check) => check.title.startsWith(start));

describe('environment', () => {
  it('PUBLIC_URL must be https and public against a real site; loopback http is only a warning against the sandbox', () => {
    expect(statusOf({ ...base, PUBLIC_URL: 'https://refinery.acme.test' }, 'PUBLIC_URL')?.status).toBe(
      'pass',
    );
    expect(statusOf({ ...base, PUBLIC_URL: 'http://refinery.acme.test' }, 'PUBLIC_URL')).toMatchObject({
      status: 'fail',
      title: 'PUBLIC_URL http://refinery.acme.test is not https: Jira and Trello cannot deliver to it',
    });
    expect(statusOf({ ...base, PUBLIC_URL: 'https://localhost:3000' }, 'PUBLIC_URL')?.status).toBe('fail');
    const sandbox = {
      ...base,
      JIRA_BASE_URL: 'http://127.0.0.1:4000/jira',
      PUBLIC_URL: 'http://127.0.0.1:3000',
    };
    expect(statusOf(sandbox, 'PUBLIC_URL')?.status).toBe('warn');
    expect(statusOf(base, 'PUBLIC_URL is not set')?.status).toBe('fail');
  });

  it('every invalid variable is a failing line with its fix, and the trackers are not checked', () => {
    const result = checkEnvironment({ ...base, PORT: 'eighty', JIRA_EMAIL: 'not-an-email' }, rules);

    expect(result.config).toBeUndefined();
    expect(result.checks.map((check) => check.status)).toEqual(['fail', 'fail']);
    expect(result.checks.map((check) => check.title).join('\n')).toMatch(/PORT[\s\S]*JIRA_EMAIL/);
    expect(result.checks[0]?.fix).toContain('docs/configuration.md');
  });

  // The receiver refuses every Jira delivery without a secret (docs/security.md#signed-or-refused): a doctor that
  // only warned let an install pass while it heard nothing from Jira.
  it('Jira without JIRA_WEBHOOK_SECRET fails: every delivery would be refused', () => {
    const { JIRA_WEBHOOK_SECRET: _secret, ...unsigned } = { ...base, PUBLIC_URL: 'https://r.acme.test' };

    expect(statusOf(unsigned, 'JIRA_WEBHOOK_SECRET')).toMatchObject({
      status: 'fail',
      title: 'JIRA_WEBHOOK_SECRET is not set: the service refuses every Jira delivery (401)',
    });
    expect(statusOf(unsigned, 'JIRA_WEBHOOK_SECRET')?.fix).toContain('openssl rand -hex 32');
    const urlToken = {
      ...unsigned,
      JIRA_ALLOW_UNSIGNED: 'true',
      JIRA_WEBHOOK_URL_TOKEN: 'u'.repeat(32),
    };
    expect(statusOf(urlToken, 'JIRA_WEBHOOK_SECRET')).toMatchObject({
      status: 'warn',
      title:
        'JIRA_WEBHOOK_SECRET is not set: Jira deliveries are accepted unsigned, on the token in their URL; anyone who sees the URL can post Jira events',
    });
    expect(statusOf(base, 'JIRA_WEBHOOK_SECRET')).toBeUndefined();
  });

  it('a bad rules file fails with each of its problems', () => {
    const checks = checkEnvironment(
      { ...base, PUBLIC_URL: 'https://r.acme.test', REFINERY_CONFIG: 'rules.yaml' },
      { ok: false, problems: ['scoring/model must be one of rice, wsjf'] },
    ).checks;

    expect(checks.at(-1)).toMatchObject({
      status: 'fail',
      title: 'Rules file: scoring/model must be one of rice, wsjf',
      fix: 'Correct rules.yaml (docs/configuration.md)',
    });
  });
});

describe('redis', () => {
  const healthy = {
    version: '7.2.4',
    evictionPolicy: 'noeviction',
    aofEnabled: true,
    usedMemory: 10e6,
    maxMemory: 0,
  };

  it('passes a healthy Redis and names the command for each problem', () => {
    expect(checkRedis(healthy, 'redis://r').map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
    const bad = checkRedis(
      {
        version: '6.0.9',
        evictionPolicy: 'allkeys-lru',
        aofEnabled: false,
        usedMemory: 97e6,
        maxMemory: 100e6,
      },
      'redis://r',
    );
    expect(bad.map((c) => [c.status, c.fix])).toEqual([
      ['fail', 'Upgrade Redis to 6.2 or newer (7.x recommended)'],
      // The Redis of REDIS_URL, not whichever answers on this machine's 6379.
      [
        'fail',
        expect.stringContaining('Run `redis-cli -u redis://r CONFIG SET maxmemory-policy noeviction`'),
      ],
      ['warn', expect.stringContaining('Run `redis-cli -u redis://r CONFIG SET appendonly yes`')],
      ['fail', expect.stringContaining('Raise maxmemory')],
    ]);
  });

  // An ACL user's password: redis-cli asks for it, so the line (terminal, --json, /admin/doctor) never shows it.
  it("names the command for REDIS_URL's first node and user, and asks for the password", () => {
    const aof = checkRedis(
      { ...healthy, aofEnabled: false },
      'rediss://refinery:hunter2-pw@r1.acme.test:6380,rediss://r2.acme.test:6380',
    ).find((check) => check.status === 'warn');

    expect(aof?.fix).toBe(
      'Run `redis-cli -u rediss://r1.acme.test:6380 --user refinery --askpass CONFIG SET appendonly yes` and set `appendonly yes` (appendfsync everysec) in redis.conf',
    );
  });

  // CONFIG SET changes the node it reaches; REDIS_URL's nodes are only seeds, so the line names them as such.
  it('on a Redis Cluster, the command runs on every node, and the line names the nodes of REDIS_URL', () => {
    const fixes = checkRedis(
      { ...healthy, evictionPolicy: 'allkeys-lru', aofEnabled: false },
      'rediss://refinery:hunter2-pw@r1.acme.test:6380,rediss://r2.acme.test:6380',
      true,
    ).flatMap((check) => (check.fix ? [check.fix] : []));

    expect(fixes).toEqual([
      'CONFIG SET changes only the node it reaches: run `redis-cli --user refinery --askpass --tls --cluster call r1.acme.test:6380 CONFIG SET maxmemory-policy noeviction`, which runs it on every node of the cluster of rediss://r1.acme.test:6380, rediss://r2.acme.test:6380, and set `maxmemory-policy noeviction` in the redis.conf of each node',
      'CONFIG SET changes only the node it reaches: run `redis-cli --user refinery --askpass --tls --cluster call r1.acme.test:6380 CONFIG SET appendonly yes`, which runs it on every node of the cluster of rediss://r1.acme.test:6380, rediss://r2.acme.test:6380, and set `appendonly yes` (appendfsync everysec) in the redis.conf of each node',
    ]);
  });

  it('an unreachable Redis is one failing line', () => {
    expect(checkRedis({ error: 'connect ECONNREFUSED' }, 'redis://r')).toEqual([
      expect.objectContaining({
        status: 'fail',
        title: 'Redis at redis://r cannot be reached: connect ECONNREFUSED',
      }),
    ]);
  });

  // The line reaches the terminal, --json output and GET /admin/doctor: the Redis password must not.
  it('names an unreachable Redis without its password', () => {
    const [line] = checkRedis(
      { error: 'connect ECONNREFUSED' },
      'rediss://refinery:hunter2-pw@r.acme.test:6380/2',
    );

    expect(line?.title).toBe('Redis at rediss://r.acme.test:6380/2 cannot be reached: connect ECONNREFUSED');
  });

  // URL parsers (WHATWG's, so ioredis's) end the user info at its last "@": a password may hold one unencoded.
  it('shows no password or user given in the query, which ioredis reads too', () => {
    const url = 'redis://r.acme.test:6380/2?username=refinery&password=hunter2&family=6';
    const checks = [
      ...checkRedis({ error: 'connect ECONNREFUSED' }, url),
      ...checkRedis({ ...healthy, aofEnabled: false }, url),
    ];
    const aof = checks.find((check) => check.status === 'warn');

    expect(checks[0]?.title).toBe(
      'Redis at redis://r.acme.test:6380/2?family=6 cannot be reached: connect ECONNREFUSED',
    );
    expect(aof?.fix).toBe(
      'Run `redis-cli -u redis://r.acme.test:6380/2?family=6 --user refinery --askpass CONFIG SET appendonly yes` and set `appendonly yes` (appendfsync everysec) in redis.conf',
    );
    expect(JSON.stringify(checks)).not.toContain('hunter2');
  });

  it('shows no part of a password that holds an "@"', () => {
    const url = 'redis://refinery:hunter2@pw@r.acme.test:6380/2';
    const [unreachable] = checkRedis({ error: 'connect ECONNREFUSED' }, url);
    const aof = checkRedis({ ...healthy, aofEnabled: false }, url).find((check) => check.status === 'warn');

    expect(unreachable?.title).toBe(
      'Redis at redis://r.acme.test:6380/2 cannot be reached: connect ECONNREFUSED',
    );
    expect(aof?.fix).toBe(
      'Run `redis-cli -u redis://r.acme.test:6380/2 --user refinery --askpass CONFIG SET appendonly yes` and set `appendonly yes` (appendfsync everysec) in redis.conf',
    );
  });
});

describe('port', () => {
  // Linux answers EACCES for a port of 1024 or more only when a security module (SELinux, AppArmor) refuses it.
  it('a refused port of 1024 or more is blamed on the security policy, not on the port number', () => {
    expect(checkPort({ code: 'EACCES', message: 'listen EACCES' }, '0.0.0.0', 8080)).toEqual({
      area: 'port',
      status: 'fail',
      title:
        "Cannot listen on 0.0.0.0:8080: this machine's security policy (SELinux, AppArmor) refuses the port",
      fix: 'Allow the service this port in the policy (on SELinux: `semanage port -a -t http_port_t -p tcp 8080`), or set PORT to one it allows.',
    });
    expect(checkPort({ code: 'EACCES', message: 'listen EACCES' }, '0.0.0.0', 443).title).toBe(
      'Cannot listen on 0.0.0.0:443: ports below 1024 need root or CAP_NET_BIND_SERVICE',
    );
  });
});

describe('clock', () => {
  const now = new Date('2026-03-02T10:00:00.000Z');
  it('from the Date header: within 2 s passes, 30 s warns, 5 min fails', () => {
    expect(checkClock('Jira', 'Mon, 02 Mar 2026 10:00:01 GMT', now).status).toBe('pass');
    expect(checkClock('Jira', 'Mon, 02 Mar 2026 10:00:45 GMT', now)).toMatchObject({
      status: 'warn',
      title: expect.stringContaining('45 s behind Jira'),
    });
    expect(checkClock('Trello', 'Mon, 02 Mar 2026 09:50:00 GMT', now)).toMatchObject({
      status: 'fail',
      title: expect.stringContaining('600 s ahead of Trello'),
    });
  });
});

describe('jira account', () => {
  it("warns when the service signs in with a person's administrator account", () => {
    const checks = evaluateJira(
      {
        reached: true,
        account: { accountId: 'a-1', displayName: 'Ada Admin', accountType: 'atlassian', siteAdmin: true },
        projects: [],
        unknownProjects: [],
        unnamedDesks: [],
        fields: [],
        contexts: new Map(),
        webhooks: [],
      },
      { siteUrl: 'https://acme.atlassian.net', scope: defaultRules().scope, numberFields: [], events: [] },
    );

    expect(checks.find((check) => check.status === 'warn')).toMatchObject({
      title:
        "Ada Admin is a Jira administrator: if this is a person's account, the bot writes with their name and all their rights",
      fix: expect.stringContaining('Create a dedicated account for the service'),
    });
  });
});
