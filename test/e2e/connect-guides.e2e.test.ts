import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/redis-process.ts';
import { createJiraSandbox } from '../../src/sandbox/jira/jira-sandbox.ts';
import { type SandboxServer, startSandboxServer } from '../../src/sandbox/sandbox-server.ts';
import { createTrelloSandbox } from '../../src/sandbox/trello/trello-sandbox.ts';
import { startCallbackStub } from '../helpers/callback-stub.ts';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

/**
 * The "connect" guides, run as written against the sandbox: the variables they export get sandbox values, and
 * their commands run in order in a shell. A guide that gains a variable or a command this test does not know
 * fails it, so the guide and the test change together.
 */
const root = new URL('../../', import.meta.url).pathname;

interface Guide {
  exported: string[];
  commands: string[];
}

function readGuide(name: string): Guide {
  const text = readFileSync(`${root}docs/${name}`, 'utf8');
  const lines = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] ?? '').split('\n').map((line) => line.trim()),
  );
  const exported = lines.flatMap((line) => /^export ([A-Z_]+)=/.exec(line)?.[1] ?? []);
  const commands = lines.filter((line) => line !== '' && !line.startsWith('export '));
  return { exported, commands };
}

function run(command: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // What a person answers when --fix shows its plan and asks.
    child.stdin.end('y\n');
    child.on('exit', (code) => resolve({ code, output }));
  });
}

// Trello checks a new webhook's callback with HEAD: the guides start the service before `--fix`.
const callbacks = await startCallbackStub();
const PUBLIC_URL = callbacks.url;
const jira = createJiraSandbox();
const trello = createTrelloSandbox();
let sandbox: SandboxServer;

beforeAll(async () => {
  sandbox = await startSandboxServer([jira, trello]);
});
afterAll(async () => {
  await sandbox.close();
  await callbacks.close();
});

/** `values`: one for each variable the guide exports; `sandbox`: what points the rest at the sandbox. */
async function followGuide(
  guide: Guide,
  values: Record<string, string>,
  sandbox: Record<string, string> = {},
) {
  expect(guide.exported.sort()).toEqual(Object.keys(values).sort());
  expect(guide.commands.every((command) => /^npm run doctor(?: -- [-a-z ]+)?$/.test(command))).toBe(true);
  const env = {
    ...values,
    ...sandbox,
    QUEUE_PREFIX: uniquePrefix('guide'),
    TRACKER_STRICT_SCHEMAS: 'true',
    // The doctor checks the API's port: a free one, whatever else this machine runs on the default 3000.
    PORT: String(await freePort()),
    // npm run reads .env: the guide's variables only, whatever a developer's own .env holds.
    REFINERY_ENV_FILE: '/dev/null',
  };
  const results = [];
  for (const command of guide.commands) results.push({ command, ...(await run(command, env)) });
  return results;
}

describe('the connect guides, followed against the sandbox', () => {
  it('docs/connect-jira.md: a new site ends with npm run doctor passing', async () => {
    // A new site: the projects exist, the score fields and the webhook do not.
    jira.seed({
      projects: [
        { key: 'APP', name: 'App' },
        { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
      ],
      boards: [{ name: 'APP board', projectKey: 'APP', estimationField: 'Story Points' }],
    });
    // Step 1 of the guide: the service's account is a Jira administrator, so --fix may create fields.
    jira.state.setup.botIsAdmin = true;
    for (const name of ['Priority score', 'Reach', 'Impact', 'Confidence', 'Effort'])
      await fetch(`${sandbox.url}/_sandbox/jira/misconfigure`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ removeField: name }),
      });

    const results = await followGuide(readGuide('connect-jira.md'), {
      JIRA_BASE_URL: `${sandbox.url}${jira.prefix}`,
      JIRA_EMAIL: jira.botCredentials.email,
      JIRA_API_TOKEN: jira.botCredentials.apiToken,
      JIRA_WEBHOOK_SECRET: 'guide-webhook-secret',
      PUBLIC_URL,
      ADMIN_TOKEN: 'guide-admin-token-0123456789',
      REDIS_URL: testRedisUrl(),
    });

    expect(results.map((r) => [r.command, r.code])).toEqual([
      ['npm run doctor', 1],
      ['npm run doctor -- --fix', 0],
      ['npm run doctor', 0],
    ]);
    expect(results[0]?.output).toContain('✗ Number field "Priority score" does not exist');
    expect(results[0]?.output).toContain(`✗ No enabled Jira webhook points at ${PUBLIC_URL}/webhooks/jira`);
    expect(results[1]?.output).toContain('Apply these 6 repairs? [y/N] y');
    expect(results[2]?.output).toContain('0 failing: nothing blocks the service.');
    expect(jira.state.setup.adminWebhooks.map((hook) => hook.url)).toEqual([`${PUBLIC_URL}/webhooks/jira`]);
    // Three doctor processes, each starting Node: 10 s on a quiet machine, twice that under a loaded run.
  }, 60_000);

  it('docs/connect-trello.md: a new board ends with npm run doctor passing', async () => {
    // A new board: the guide's `--fix` registers its webhook.
    const board = trello.seedBoard({ name: 'Roadmap', lists: ['Ideas', 'Doing', 'Done'], webhook: false });
    await fetch(`${sandbox.url}/_sandbox/trello/misconfigure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customFieldsOff: board.id }),
    });

    const results = await followGuide(
      readGuide('connect-trello.md'),
      {
        TRELLO_API_KEY: 'guide-trello-key',
        TRELLO_API_TOKEN: 'guide-trello-token',
        TRELLO_API_SECRET: 'guide-trello-secret',
        PUBLIC_URL,
        ADMIN_TOKEN: 'guide-admin-token-0123456789',
        REDIS_URL: testRedisUrl(),
      },
      // The one variable the guide leaves at its default (https://api.trello.com/1).
      { TRELLO_API_URL: `${sandbox.url}${trello.prefix}` },
    );
    expect(results.map((r) => [r.command, r.code])).toEqual([
      ['npm run doctor', 1],
      ['npm run doctor -- --fix', 0],
      ['npm run doctor', 0],
    ]);
    expect(results[0]?.output).toContain('the Custom Fields power-up is off');
    expect(results[2]?.output).toContain('0 failing: nothing blocks the service.');
    expect(trello.state().setup.webhooks.map((hook) => hook.idModel)).toEqual([board.id]);
  }, 60_000);
});
