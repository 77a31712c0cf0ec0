import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import type { DoctorReport } from '../../src/doctor/checklist.ts';
import { testRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

/**
 * `cp .env.example .env`, fill it in, `npm start` / `npm run doctor`: the npm scripts that run the service or its
 * CLIs read the file, under what the environment already sets. Each test names its own file in REFINERY_ENV_FILE,
 * so a developer's real .env never takes part.
 */
const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
const redis = testRedis();
afterAll(() => redis.disconnect());

function envFile(lines: string[]): string {
  const path = join(dir, `${uniquePrefix('env')}.env`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** `npm run -s SCRIPT -- ARGS` in the project, with only the environment given (and what a shell needs). */
function npmRun(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script, '--', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm scripts and the env file', () => {
  it('npm run doctor checks the variables of the file, and one set in the environment wins over it', async () => {
    const file = envFile([
      '# a comment, as in .env.example',
      'REDIS_URL=redis://127.0.0.1:1',
      'PUBLIC_URL=http://from-the-file.example',
    ]);

    const run = await npmRun('doctor', ['--json'], {
      REFINERY_ENV_FILE: file,
      PUBLIC_URL: 'http://from-the-environment.example',
      PORT: '0',
    });
    const output = JSON.parse(run.stdout) as { envFiles: string[]; report: DoctorReport };
    const titles = output.report.checks.map((check) => check.title);

    expect(titles).toContainEqual(
      expect.stringMatching(/^Redis at redis:\/\/127\.0\.0\.1:1 cannot be reached/),
    );
    expect(titles).toContainEqual(
      expect.stringMatching(/^PUBLIC_URL http:\/\/from-the-environment\.example /),
    );
    expect(titles.join('\n')).not.toContain('from-the-file');
    expect(output.envFiles).toEqual([file]);
  });

  it('npm run console lists the people of the Redis and prefix the file names', async () => {
    const prefix = uniquePrefix('env-console');
    await createRedisUserStore(redis, prefix).add('dana', 'editor');
    const file = envFile([`REDIS_URL=${testRedisUrl()}`, `QUEUE_PREFIX=${prefix}`]);

    const run = await npmRun('console', ['list-users'], { REFINERY_ENV_FILE: file });

    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^dana\teditor\tadded /);
    expect(run.code).toBe(0);
  });

  // A newcomer's first `npm start` comes before any .env: Node's ".env not found. Continuing without it." was the first
  // line they saw, about nothing wrong.
  it('a file that is not there is skipped without a word', async () => {
    const prefix = uniquePrefix('env-missing');
    await createRedisUserStore(redis, prefix).add('dana', 'editor');

    const run = await npmRun('console', ['list-users'], {
      REFINERY_ENV_FILE: join(dir, 'not-there.env'),
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
    });

    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^dana\teditor\tadded /);
    expect(run.code).toBe(0);
  });

  it('a file that is there but cannot be read stops the script, naming it, before it does anything', async () => {
    const file = join(dir, 'a-directory.env');
    mkdirSync(file);

    const run = await npmRun('doctor', ['--json'], { REFINERY_ENV_FILE: file });

    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^Cannot read the env file ${file}: `));
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code).toBe(78);
  });

  // What the defect looked like: Jira credentials filled in the file, and `npm start` ran the sandbox demo.
  it('npm start with tracker variables in the file runs the service against them, not the demo', async () => {
    const file = envFile([
      'JIRA_BASE_URL=https://your-site.atlassian.net',
      // Half a Jira: the service refuses to start, which shows it read the file without reaching any site.
      'JIRA_EMAIL=',
    ]);

    const run = await npmRun('start', [], {
      REFINERY_ENV_FILE: file,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: uniquePrefix('env-start'),
      DEMO_ONCE: 'true',
    });

    expect(run.stdout).not.toContain('sandbox');
    expect(run.stderr).toMatch(/JIRA_EMAIL/);
    expect(run.code).toBe(78);
  }, 120_000);
});

describe('package.json', () => {
  const scripts = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;

  it('every script that runs the service or one of its CLIs reads the same env file; tests and benchmarks do not', () => {
    const reading = Object.keys(scripts).filter((name) =>
      scripts[name]?.includes('node --import=./src/runtime/load-env-file.ts '),
    );

    expect(reading.sort()).toEqual(['console', 'doctor', 'start', 'start:api', 'start:worker']);
    // Node's own flag prints a line on every start without the file.
    expect(Object.values(scripts).join('\n')).not.toContain('--env-file');
  });
});
