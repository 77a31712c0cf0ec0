import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { createLogger, type LogFormat } from '../../src/logger.ts';
import { learnIdentities, type UnreachableWarnings } from '../../src/runtime/identities.ts';
import { createTrackers } from '../../src/runtime/trackers.ts';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';
import { PRIVILEGED_PORT, portIsPrivileged, runUnprivileged } from '../helpers/unprivileged.ts';

function capture(level = 'debug', format?: LogFormat) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, log: createLogger({ level, format, destination }) };
}

/** Every key of a JSON log line as written, duplicates included (JSON.parse would keep only the last). */
function repeatedKeys(line: string): string[] {
  const keys = [...line.matchAll(/"([^"]+)":/g)].map((match) => match[1] ?? '');
  return keys.filter((key, index) => keys.indexOf(key) !== index);
}

afterEach(() => {
  nock.cleanAll();
});

/** A Jira whose who-am-I fails `failures` times, then answers. */
function jiraDownFor(failures: number) {
  let calls = 0;
  return {
    name: 'jira' as const,
    whoAmI: async () => {
      calls += 1;
      if (calls <= failures) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
      return { id: 'bot', displayName: 'Bot' };
    },
  };
}

const levelOf = (lines: string[], level: number) =>
  lines
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((line) => line.level === level);

describe('log lines', () => {
  it('a failed Jira request logs each key once ("tracker" was written twice)', async () => {
    nock('https://acme.atlassian.net')
      .get('/rest/api/3/myself')
      .reply(503, { errorMessages: ['down'] });
    const { lines, log } = capture();
    const redis = new Redis({ lazyConnect: true });
    const jira = createTrackers({ config: testConfig(), log, redis }).get('jira');

    await expect(jira?.whoAmI()).rejects.toThrow(/503/);

    const failure = lines.find((line) => line.includes('Jira request failed'));
    expect(failure).toContain('"tracker":"jira"');
    expect(repeatedKeys(failure ?? '')).toEqual([]);
    redis.disconnect();
  });

  it('LOG_FORMAT=pretty prints a readable line, not JSON; JSON is the default off a terminal', () => {
    const pretty = capture('info', 'pretty');
    pretty.log.info({ tracker: 'jira' }, 'Service account identified');
    const json = capture('info');
    json.log.info({ tracker: 'jira' }, 'Service account identified');

    expect(pretty.lines.join('\n')).toMatch(/INFO.*Service account identified/);
    expect(pretty.lines.join('\n')).toMatch(/tracker: "jira"/);
    expect(() => JSON.parse(pretty.lines[0] ?? '')).toThrow();
    expect(JSON.parse(json.lines[0] ?? '')).toMatchObject({ msg: 'Service account identified' });
  });

  it('a tracker unreachable at start gets one clear warning naming it and the doctor, then quiet retries', async () => {
    const { lines, log } = capture('debug');
    const jira = jiraDownFor(3);
    // ROLE=all: the API and the worker of one service both learn its identity, and share what it warned about.
    const warned: UnreachableWarnings = new Set();
    const api = learnIdentities(new Map([['jira', jira as never]]), log, warned);
    const worker = learnIdentities(new Map([['jira', jira as never]]), log, warned);
    await Promise.all([api.learned, worker.learned]);

    expect(levelOf(lines, 40).map((line) => line.msg)).toEqual([
      'Jira cannot be reached: run `npm run doctor` to see why (retrying)',
    ]);
    // Three failed asks in all: one warning, then debug lines.
    expect(levelOf(lines, 20).map((line) => line.msg)).toEqual([
      'Jira still cannot be reached',
      'Jira still cannot be reached',
    ]);
    expect(levelOf(lines, 30).map((line) => line.msg)).toEqual([
      'Service account identified',
      'Service account identified',
    ]);
  });

  it('two services in one process each warn once that a tracker cannot be reached (the first silenced the second)', async () => {
    const first = capture('info');
    const second = capture('info');

    const one = learnIdentities(new Map([['jira', jiraDownFor(1) as never]]), first.log);
    await one.learned;
    const two = learnIdentities(new Map([['jira', jiraDownFor(1) as never]]), second.log);
    await two.learned;

    for (const { lines } of [first, second]) {
      expect(levelOf(lines, 40).map((line) => line.msg)).toEqual([
        'Jira cannot be reached: run `npm run doctor` to see why (retrying)',
      ]);
    }
  });
});

function runService(
  env: Record<string, string>,
  command = ['bin/service.ts'],
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, command, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('start-up', () => {
  it('a bad rules file stops the process with its list of problems and no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const path = join(dir, 'rules.yaml');
    writeFileSync(path, 'scoring:\n  model: rise\ncommands:\n  maxPerComment: 0\n');

    const { code, stderr } = await runService({ REFINERY_CONFIG: path, REDIS_URL: 'redis://127.0.0.1:1' });

    expect(code).toBe(78);
    expect(stderr).toContain(`Invalid rules file ${path}:`);
    expect(stderr).toMatch(/scoring\/model/);
    expect(stderr).toMatch(/commands\/maxPerComment/);
    expect(stderr).toContain('npm run doctor');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  // In a container a relative REFINERY_CONFIG is read from /app: the full path shows whether the rules folder is
  // mounted where the variable points (docs/operations.md).
  it('a rules file that is not there is named with the full path looked at, in words', async () => {
    const { code, stderr } = await runService({
      REFINERY_CONFIG: 'rules/absent.yaml',
      REDIS_URL: 'redis://127.0.0.1:1',
    });

    expect(code).toBe(78);
    expect(stderr).toContain(
      `cannot read rules/absent.yaml: there is no such file (looked for ${join(process.cwd(), 'rules/absent.yaml')})`,
    );
  });

  // A whole service process starting: at load 20 on two cores its first asks came after 15 s.
  it('ROLE=all warns once per tracker that cannot be reached, although its API and worker both ask', {
    timeout: 90_000,
  }, async () => {
    const child = spawn(process.execPath, ['bin/service.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        ROLE: 'all',
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: uniquePrefix('role-all'),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        JIRA_BASE_URL: 'http://127.0.0.1:1',
        JIRA_EMAIL: 'bot@acme.test',
        JIRA_API_TOKEN: 'jira-api-token-for-tests',
        JIRA_WEBHOOK_SECRET: 'secret',
        LINK_RECONCILE_INTERVAL_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const lines: { level: number; msg: string; attempt?: number; tracker?: string }[] = [];
    let rest = '';
    child.stdout.on('data', (chunk) => {
      const text = rest + String(chunk);
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part));
    });
    try {
      // Both roles' first ask failed: one warning, and the other role's first failure at debug level.
      const firstFailures = () =>
        lines.filter((line) => line.tracker === 'jira' && line.attempt === 0 && line.level >= 20);
      await waitFor(() => firstFailures().length >= 2, 75_000, "both roles' first failed ask of Jira");

      expect(
        lines.filter((line) => line.level === 40 && line.msg.includes('cannot be reached')),
      ).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  // The configuration is valid: the address is in use or absent on this machine, not "Invalid configuration".
  it('a PORT another process holds stops the API with the address named and what to do, and no stack trace', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const { code, stderr } = await runService({
        ROLE: 'api',
        HOST: '127.0.0.1',
        PORT: String(port),
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: uniquePrefix('port-taken'),
      });

      expect(code).toBe(78);
      expect(stderr).toContain(
        `Cannot listen on 127.0.0.1:${port}: the port is taken by another process. Stop it, or set PORT (and HOST) to a free address.`,
      );
      expect(stderr).not.toContain('Invalid configuration');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      holder.close();
    }
  });

  it('a HOST that is not an address of this machine stops the API saying so, and no stack trace', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): no machine has it.
    const { code, stderr } = await runService({
      ROLE: 'api',
      HOST: '192.0.2.1',
      PORT: '0',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: uniquePrefix('host-absent'),
    });

    expect(code).toBe(78);
    expect(stderr).toContain(
      'Cannot listen on 192.0.2.1:0: HOST is not an address of this machine. Set HOST to one of its addresses, or 0.0.0.0 for every interface.',
    );
    expect(stderr).not.toContain('Invalid configuration');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it.skipIf(!portIsPrivileged)(
    'a PORT below 1024 as a normal user stops the API saying it needs root, and no stack trace',
    async () => {
      const { code, stderr } = await runUnprivileged(['bin/service.ts'], {
        ROLE: 'api',
        HOST: '127.0.0.1',
        PORT: String(PRIVILEGED_PORT),
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: uniquePrefix('port-privileged'),
      });

      expect(code).toBe(78);
      expect(stderr).toContain(
        `Cannot listen on 127.0.0.1:${PRIVILEGED_PORT}: ports below 1024 need root or CAP_NET_BIND_SERVICE. Set PORT=3000 (the default) and put a reverse proxy in front for 80 or 443.`,
      );
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('the console CLI says which Redis it could not reach and what to do, without its password', async () => {
    const { code, stderr } = await runService({ REDIS_URL: 'redis://:hunter2-pw@127.0.0.1:1' }, [
      'src/cli/console.ts',
      'list-users',
    ]);

    expect(code).toBe(1);
    expect(stderr).toContain(
      "Redis at redis://127.0.0.1:1 cannot be reached (connect ECONNREFUSED 127.0.0.1:1): start it, or run the command with the service's REDIS_URL and QUEUE_PREFIX",
    );
    expect(stderr).not.toContain('hunter2-pw');
  });

  it('a bad environment stops the service and the console CLI with the setting named, and no stack trace', async () => {
    const env = { PORT: 'eighty', REDIS_URL: 'redis://127.0.0.1:1' };

    const outcomes = [await runService(env), await runService(env, ['src/cli/console.ts', 'list-users'])];

    for (const { code, stderr } of outcomes) {
      expect(code).toBe(78);
      expect(stderr).toContain('PORT must be integer');
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });
});
