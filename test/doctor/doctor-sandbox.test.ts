import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisCluster } from '../../scripts/lib/redis-cluster.ts';
import { freePort, startRedis } from '../../scripts/lib/redis-process.ts';
import { apiReady, startServiceProcess } from '../../scripts/lib/service-process.ts';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { doctor } from '../../src/cli/doctor.ts';
import { loadConfig } from '../../src/config.ts';
import type { DoctorReport } from '../../src/doctor/checklist.ts';
import { createProcessDoctor } from '../../src/doctor/setups.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import { createJiraSandbox } from '../../src/sandbox/jira/jira-sandbox.ts';
import type { JiraMisconfiguration } from '../../src/sandbox/jira/routes-setup.ts';
import { type SandboxServer, startSandboxServer } from '../../src/sandbox/sandbox-server.ts';
import { createTrelloSandbox } from '../../src/sandbox/trello/trello-sandbox.ts';
import type { TrelloMisconfiguration } from '../../src/sandbox/trello/trello-setup-routes.ts';
import { startApiHarness } from '../helpers/api-harness.ts';
import { startCallbackStub } from '../helpers/callback-stub.ts';
import { testRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { PRIVILEGED_PORT, portIsPrivileged, runUnprivileged } from '../helpers/unprivileged.ts';

// Trello checks a new webhook's callback with HEAD: the guides start the service before `--fix`.
const callbacks = await startCallbackStub();
const PUBLIC_URL = callbacks.url;
const jira = createJiraSandbox({ webhook: { url: `${PUBLIC_URL}/webhooks/jira`, secret: 'jira-secret' } });
const trello = createTrelloSandbox();
let server: SandboxServer;
let env: Record<string, string>;
let boardShortLink: string;
const redis = testRedis();

interface Run {
  code: number;
  text: string;
  json?: { report: DoctorReport; repairs?: { ok: boolean; message: string }[]; after?: DoctorReport };
}

async function runDoctor(...argv: string[]): Promise<Run> {
  let text = '';
  const code = await doctor(argv, { env, write: (chunk) => (text += chunk) });
  return { code, text, json: argv.includes('--json') ? JSON.parse(text) : undefined };
}

/** What changed on the trackers: every recorded write but POST /search/jql, which only reads. */
const changes = () =>
  [...jira.writes, ...trello.writes].filter((w) => !w.path.startsWith('/rest/api/3/search/'));

const failing = (report: DoctorReport | undefined) =>
  (report?.checks ?? []).filter((check) => check.status === 'fail');

/** A command pasted into a shell holding only PATH and `env`, answering `input` to what it asks. */
function inShell(command: string, env: Record<string, string>, input: string) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('sh', ['-c', command], {
      cwd: new URL('../../', import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
    child.stdin.end(input);
  });
}

async function control(tracker: 'jira' | 'trello', change: JiraMisconfiguration | TrelloMisconfiguration) {
  const response = await fetch(`${server.url}/_sandbox/${tracker}/misconfigure`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  server = await startSandboxServer([jira, trello]);
});
afterAll(async () => {
  await server.close();
  await callbacks.close();
  redis.disconnect();
});

beforeEach(async () => {
  jira.reset();
  trello.reset();
  jira.seed({
    people: [{ accountId: 'person-1', displayName: 'Dana Person', email: 'dana@sandbox.test' }],
    projects: [
      { key: 'BR', name: 'Backlog' },
      { key: 'HELP', name: 'Support', projectTypeKey: 'service_desk' },
    ],
    boards: [{ name: 'BR board', projectKey: 'BR', estimationField: 'Story Points' }],
    issues: [{ projectKey: 'BR', summary: 'Export invoices', issuetype: 'Story', reporter: 'person-1' }],
  });
  // A new board: the doctor registers its webhook.
  const board = trello.seedBoard({
    name: 'Product',
    lists: ['Backlog', 'Done'],
    webhook: false,
    customFields: ['Priority score', 'Reach', 'Impact', 'Confidence', 'Effort'].map((name) => ({
      name,
      type: 'number' as const,
    })),
  });
  boardShortLink = board.shortLink;
  env = {
    // A free address for the API, whatever else this machine runs on the default 3000.
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: uniquePrefix('doctor'),
    PUBLIC_URL,
    ADMIN_TOKEN: 'doctor-admin-token-0123456789',
    TRACKER_STRICT_SCHEMAS: 'true',
    JIRA_BASE_URL: `${server.url}${jira.prefix}`,
    JIRA_EMAIL: jira.botCredentials.email,
    JIRA_API_TOKEN: jira.botCredentials.apiToken,
    JIRA_WEBHOOK_SECRET: 'jira-secret',
    TRELLO_API_URL: `${server.url}${trello.prefix}`,
    TRELLO_API_KEY: 'sandbox-trello-key',
    TRELLO_API_TOKEN: 'sandbox-trello-token',
    TRELLO_API_SECRET: 'sandbox-trello-secret',
  };
  // The service's account administers the site, as docs/connect-jira.md lets it, so --fix may create fields.
  jira.state.setup.botIsAdmin = true;
  // The Trello webhook is what a new setup lacks; a healthy one has it.
  const setup = await runDoctor('--fix', '--yes');
  if (process.env.DEBUG_DOCTOR) console.log(setup.text);
  jira.writes.length = 0;
  trello.writes.length = 0;
});

describe('npm run doctor against the sandbox', () => {
  it('a healthy setup passes: exit 0, no failing line, nothing written', async () => {
    const run = await runDoctor('--json');

    expect(failing(run.json?.report)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.json?.report.checks.map((c) => c.title)).toEqual(
      expect.arrayContaining([
        'Every environment variable is valid',
        'Signed in as Backlog Refinery (712020:sandbox-refinery-bot)',
        'Project BR (backlog): the account has every permission the service uses',
        'Project BR: "Priority score", "Reach", "Impact", "Confidence", "Effort" on the edit screens of Story, Task, Bug',
        'Board "BR board" estimates with "Story Points" (customfield_10016)',
        'Support projects: HELP (Jira Service Management)',
        `Webhook to ${PUBLIC_URL}/webhooks/jira covers every event the service uses`,
        'Clock agrees with Jira (within 2 s)',
        'The token may read and write boards',
      ]),
    );
    // Loopback http is expected with sandbox trackers: a warning, not a failure.
    expect(run.json?.report.checks.find((c) => c.title.startsWith('PUBLIC_URL'))?.status).toBe('warn');
    expect(changes()).toEqual([]);
  });

  it('repairable misconfigurations: reported with their fix, changed only with --fix, then the doctor passes', async () => {
    await control('jira', { removeField: 'Reach', hideField: { project: 'BR', field: 'Confidence' } });
    await control('jira', { removeWebhooks: true });
    await control('trello', { customFieldsOff: boardShortLink, removeWebhooks: true });

    const before = await runDoctor();
    expect(before.code).toBe(1);
    expect(before.text).toContain('✗ Number field "Reach" does not exist: scores cannot be written');
    expect(before.text).toContain(
      'Jira settings > Issues > Custom fields > Create custom field > Number field named "Reach"',
    );
    expect(before.text).toContain('✗ Project BR: "Confidence" is not on the edit screen of Story, Task, Bug');
    expect(before.text).toContain(`✗ No enabled Jira webhook points at ${PUBLIC_URL}/webhooks/jira`);
    expect(before.text).toContain(`✗ Board "Product" (${boardShortLink}): the Custom Fields power-up is off`);
    expect(before.text).toContain('Power-Ups > Custom Fields > Add');
    expect(before.text).toContain(`no webhook calls ${PUBLIC_URL}/webhooks/trello`);
    expect(changes()).toEqual([]);

    const fixed = await runDoctor('--fix', '--yes', '--json');
    expect(fixed.json?.repairs?.map((r) => [r.ok, r.message])).toEqual([
      [true, 'Jira: create the Number field "Reach" and add it to the edit screens of BR'],
      [true, 'Jira: add "Confidence" (customfield_10054) to the edit screens of Story, Task, Bug in BR'],
      [
        true,
        `Jira: register an admin webhook to ${PUBLIC_URL}/webhooks/jira for jira:issue_created, jira:issue_updated, jira:issue_deleted, comment_created, comment_updated, issuelink_created, issuelink_deleted, sprint_started, sprint_closed`,
      ],
      [true, 'Trello: enable the Custom Fields power-up on "Product"'],
      [true, `Trello: register a webhook for "Product" calling ${PUBLIC_URL}/webhooks/trello`],
    ]);
    expect(failing(fixed.json?.after)).toEqual([]);
    expect(fixed.code).toBe(0);
    expect((await runDoctor()).code).toBe(0);

    const audit = createRedisAuditStore({ redis, keyPrefix: env.QUEUE_PREFIX ?? '', retentionDays: 1 });
    const entries = await audit.list({ capability: 'doctor', limit: 20 });
    expect(entries.map((e) => [e.operation, e.target.kind]).sort()).toEqual(
      [
        ['repairSetup', 'jira.addToScreens'],
        ['repairSetup', 'jira.createField'],
        ['repairSetup', 'jira.registerWebhook'],
        ['repairSetup', 'trello.enableCustomFields'],
        ['repairSetup', 'trello.registerWebhook'],
        // The setup's own run registered the first Trello webhook.
        ['repairSetup', 'trello.registerWebhook'],
      ].sort(),
    );
  });

  it('a project with screens of its own: the field goes on its edit screen, through its screen schemes', async () => {
    jira.seed({ projects: [{ key: 'OWN', name: 'Own screens', onDefaultScreen: false }] });
    await control('jira', { hideField: { project: 'OWN', field: 'Impact' } });
    jira.writes.length = 0;

    const before = await runDoctor();
    expect(before.code).toBe(1);
    expect(before.text).toContain('✗ Project OWN: "Impact" is not on the edit screen of Story, Task, Bug');
    expect(before.text).toContain(
      'Jira settings > Issues > Screens > the edit screen of Story, Task, Bug in OWN (Project settings > Screens shows which) > add "Impact"; or npm run doctor -- --fix',
    );
    expect(before.text).not.toContain('✗ Project BR:');
    expect(changes()).toEqual([]);

    const fixed = await runDoctor('--fix', '--yes', '--json');
    const impact = jira.state.fields.find((f) => f.name === 'Impact')?.id;
    expect(fixed.json?.repairs?.map((r) => [r.ok, r.message])).toEqual([
      [true, `Jira: add "Impact" (${impact}) to the edit screens of Story, Task, Bug in OWN`],
    ]);
    // One write: the field on the first tab of OWN's edit screen (100021), not on the site's Default Screen.
    expect(changes().map((w) => [w.method, w.path])).toEqual([
      ['POST', '/rest/api/3/screens/100021/tabs/1000210/fields'],
    ]);
    expect(failing(fixed.json?.after)).toEqual([]);
    const after = await runDoctor();
    expect(after.code).toBe(0);
    expect(after.text).toContain(
      '✓ Project OWN: "Priority score", "Reach", "Impact", "Confidence", "Effort" on the edit screens of Story, Task, Bug',
    );

    const audit = createRedisAuditStore({ redis, keyPrefix: env.QUEUE_PREFIX ?? '', retentionDays: 1 });
    const [entry] = await audit.list({ capability: 'doctor', limit: 1 });
    expect(entry).toMatchObject({
      operation: 'repairSetup',
      item: { tracker: 'jira', id: impact, key: 'Impact' },
      target: { kind: 'jira.addToScreens', project: { key: 'OWN', id: '10002' } },
      after: { fieldId: impact, screens: { OWN: [100021] } },
    });
  });

  it('a team-managed project stays by hand, and says why', async () => {
    jira.seed({ projects: [{ key: 'TEAM', name: 'Team-managed', teamManaged: true }] });
    await control('jira', { hideField: { project: 'TEAM', field: 'Effort' } });
    jira.writes.length = 0;

    const run = await runDoctor('--fix', '--yes');

    expect(run.code).toBe(1);
    expect(run.text).toContain(
      '✗ Project TEAM (team-managed): "Effort" is not on the edit screen of Story, Task, Bug',
    );
    expect(run.text).toContain(
      'Project settings > Issue types > Story > drag "Effort" in, for Story, Task, Bug. --fix cannot: a team-managed project keeps its fields in the project, where Jira\'s screen APIs do not reach',
    );
    expect(run.text).toContain('Nothing here --fix can repair.');
    expect(changes()).toEqual([]);
  });

  it('a field whose context leaves out a backlog project: named, with where to fix it, and --fix adds the project', async () => {
    jira.seed({
      projects: [{ key: 'OPS', name: 'Operations' }],
      fieldContexts: [{ field: 'Impact', name: 'Ops impact', projects: ['OPS'] }],
    });
    jira.writes.length = 0;

    const before = await runDoctor();
    expect(before.code).toBe(1);
    expect(before.text).toContain(
      '✗ Project BR: no context of "Impact" applies to Story, Task, Bug: Jira hides the field there and refuses its scores',
    );
    expect(before.text).toContain(
      'Jira settings > Issues > Custom fields > "Impact" > Contexts and default value > the context "Ops impact" > add project BR; or npm run doctor -- --fix',
    );
    // It is on BR's screen: the screen is not what to change.
    expect(before.text).not.toContain('"Impact" is not on the edit screen');
    expect(before.text).not.toContain('✗ Project OPS');
    expect(changes()).toEqual([]);

    const fixed = await runDoctor('--fix', '--yes', '--json');
    expect(fixed.json?.repairs?.map((r) => [r.ok, r.message])).toEqual([
      [true, 'Jira: add BR to the context "Ops impact" of "Impact" (customfield_10050)'],
    ]);
    expect(changes().map((w) => [w.method, w.path])).toEqual([
      ['PUT', '/rest/api/3/field/customfield_10050/context/10200/project'],
    ]);
    expect(failing(fixed.json?.after)).toEqual([]);
    const audit = createRedisAuditStore({ redis, keyPrefix: env.QUEUE_PREFIX ?? '', retentionDays: 1 });
    const [entry] = await audit.list({ capability: 'doctor', limit: 1 });
    expect(entry).toMatchObject({
      operation: 'repairSetup',
      item: { tracker: 'jira', id: 'customfield_10050', key: 'Impact' },
      target: { kind: 'jira.addProjectToContext', contextId: '10200', project: { key: 'BR' } },
    });
  });

  it('a context that names the project but not all its issue types stays by hand, and says why', async () => {
    jira.seed({
      fieldContexts: [{ field: 'Effort', name: 'BR bugs', projects: ['BR'], issueTypes: ['Bug'] }],
    });
    jira.writes.length = 0;

    const run = await runDoctor('--fix', '--yes');

    expect(run.code).toBe(1);
    expect(run.text).toContain(
      '✗ Project BR: no context of "Effort" applies to Story, Task: Jira hides the field there and refuses its scores',
    );
    expect(run.text).toContain(
      'Jira settings > Issues > Custom fields > "Effort" > Contexts and default value > the context "BR bugs" > add the issue types Story, Task (a project is in one context of a field at most). --fix cannot: the context\'s issue types are those of every project it names',
    );
    expect(run.text).not.toContain('"Effort" is not on the edit screen');
    expect(run.text).toContain('Nothing here --fix can repair.');
    expect(changes()).toEqual([]);
  });

  it('an account that may not read contexts: a field missing from editmeta may be off the screen or out of context', async () => {
    jira.seed({
      projects: [{ key: 'OPS', name: 'Operations' }],
      fieldContexts: [{ field: 'Impact', name: 'Ops impact', projects: ['OPS'] }],
    });
    jira.state.setup.botIsAdmin = false;

    const run = await runDoctor();

    expect(run.code).toBe(1);
    expect(run.text).toContain(
      '✗ Project BR: "Impact" is not on the edit screen of Story, Task, Bug, or no context of the field applies there',
    );
    expect(run.text).toContain(
      'if it is on that screen: Jira settings > Issues > Custom fields > "Impact" > Contexts and default value > add project BR to a context (this account may not read contexts: it does not administer Jira)',
    );
  });

  it('a missing Trello number field is created by --fix', async () => {
    const board = trello.state().boards.get([...trello.state().boards.keys()][0] ?? '');
    for (const [id, field] of trello.state().fields)
      if (field.name === 'Effort') trello.state().fields.delete(id);

    const before = await runDoctor();
    expect(before.text).toContain(
      `✗ Board "${board?.name}" (${boardShortLink}): no Number custom field "Effort"`,
    );
    const fixed = await runDoctor('--fix', '--yes');
    expect(fixed.text).toContain('✓ Trello: create the Number custom field "Effort" on "Product"');
    expect(fixed.code).toBe(0);
  });

  it('what --fix cannot repair is explained, and nothing is changed', async () => {
    await control('jira', {
      denyPermission: { project: 'BR', permission: 'EDIT_ISSUES' },
      webhookEvents: ['jira:issue_created', 'jira:issue_updated'],
      clockSkewMs: 10 * 60_000,
    });
    await control('trello', { readOnlyToken: true });

    const run = await runDoctor('--fix', '--yes');

    expect(run.code).toBe(1);
    expect(run.text).toContain('✗ Project BR (backlog): the account lacks Edit Issues');
    expect(run.text).toContain(
      'Permission schemes > the scheme of BR (company-managed): grant Edit Issues to Backlog Refinery',
    );
    expect(run.text).toContain(
      `✗ The webhook to ${PUBLIC_URL}/webhooks/jira lacks the events jira:issue_deleted, comment_created`,
    );
    expect(run.text).toMatch(/✗ This machine's clock is (599|600) s behind Jira/);
    expect(run.text).toContain('timedatectl set-ntp true');
    expect(run.text).toContain('✗ The token lacks the write scope on boards');
    expect(run.text).toContain('Nothing here --fix can repair.');
    expect(run.text).toContain('--fix cannot repair these');
    expect(changes()).toEqual([]);
  });
});

describe('comment permissions', () => {
  it('fails a project where the account may not edit or delete its own comments: it keeps one comment per purpose', async () => {
    await control('jira', { denyPermission: { project: 'BR', permission: 'EDIT_OWN_COMMENTS' } });
    await control('jira', { denyPermission: { project: 'HELP', permission: 'DELETE_OWN_COMMENTS' } });

    const run = await runDoctor();

    expect(run.code).toBe(1);
    expect(run.text).toContain('✗ Project BR (backlog): the account lacks Edit Own Comments');
    expect(run.text).toContain('✗ Project HELP (support): the account lacks Delete Own Comments');
  });
});

describe('a first setup', () => {
  it('Trello refuses the webhook while nothing answers at PUBLIC_URL: --fix says to start the service first', async () => {
    const closed = await freePort();
    env.PUBLIC_URL = `http://127.0.0.1:${closed}`;

    const run = await runDoctor('--fix', '--yes');

    expect(run.code).toBe(1);
    expect(run.text).toContain(
      `✗ Trello: register a webhook for "Product" calling http://127.0.0.1:${closed}/webhooks/trello: Trello createWebhook failed: 400 Bad Request - URL (http://127.0.0.1:${closed}/webhooks/trello) did not return 200 status code. Trello calls http://127.0.0.1:${closed}/webhooks/trello with HEAD before it creates a webhook: start the service there (check PUBLIC_URL), then run --fix again`,
    );
    expect(trello.state().setup.webhooks.map((hook) => hook.callbackURL)).toEqual([
      `${PUBLIC_URL}/webhooks/trello`,
    ]);
  });

  // With no rules file every board the member sees is in scope (docs/connect-trello.md): the command the line
  // gives must register the board's webhook then too. A reader who keeps ADMIN_TOKEN and PUBLIC_URL in .env has
  // neither in the shell, and the line must not print the token.
  it("a board without its webhook: the fix line's command registers it from a shell holding none of .env", async () => {
    await control('trello', { removeWebhooks: true });
    const dotEnv = join(mkdtempSync(join(tmpdir(), 'doctor-env-')), '.env');
    writeFileSync(
      dotEnv,
      `${Object.entries(env)
        .map(([name, value]) => `${name}=${value}`)
        .join('\n')}\n`,
    );
    const line = failing((await runDoctor('--json')).json?.report).find((check) =>
      check.title.includes('no webhook calls'),
    );
    const command = /`([^`]*)`/.exec(line?.fix ?? '')?.[1] ?? '';
    const terminal = await runDoctor();

    // REFINERY_ENV_FILE stands for the project's .env: the tests never read a developer's. Not execFileSync: the
    // sandbox trackers answer from this process.
    const run = await inShell(
      command,
      { HOME: process.env.HOME ?? '/root', REFINERY_ENV_FILE: dotEnv },
      'y\n',
    );

    expect(run.code, run.output).toBe(0);
    expect(JSON.stringify(line)).not.toContain(env.ADMIN_TOKEN);
    // The terminal shows the command once, not again as "(or: npm run doctor -- --fix)".
    expect(terminal.text).toContain(
      `      fix: Run \`npm run doctor -- --fix\` while the service answers at ${PUBLIC_URL}/webhooks/trello: it registers this board's webhook (Trello checks that address with a HEAD request first)\n`,
    );
    expect(trello.state().setup.webhooks.map((hook) => hook.callbackURL)).toEqual([
      `${PUBLIC_URL}/webhooks/trello`,
    ]);
    expect(failing((await runDoctor('--json')).json?.report)).toEqual([]);
  }, 60_000);
});

describe('an inactive Trello webhook', () => {
  const callbackUrl = () => `${PUBLIC_URL}/webhooks/trello`;

  it('the line says to run --fix, which shows it in the plan, reactivates that webhook and writes the audit trail', async () => {
    await control('trello', { inactiveWebhooks: true });
    const hook = { ...trello.state().setup.webhooks[0]! };
    const board = trello.state().boards.get(hook.idModel);

    const before = await runDoctor();
    expect(before.code).toBe(1);
    expect(before.text).toContain(
      `✗ Board "Product" (${boardShortLink}): the webhook to ${callbackUrl()} is inactive (Trello gave up after failed deliveries)\n` +
        `      fix: Run \`npm run doctor -- --fix\` while the service answers at ${callbackUrl()}: it reactivates this webhook (Trello does not check that address then: if nothing answers, it gives up again)\n`,
    );
    let plan = '';
    await doctor(['--fix'], { env, write: (chunk) => (plan += chunk), confirm: async () => false });
    expect(plan).toContain(
      `--fix would:\n  - Trello: reactivate the webhook for "Product" calling ${callbackUrl()}\n`,
    );
    expect(changes()).toEqual([]);

    const fixed = await runDoctor('--fix', '--yes', '--json');

    expect(fixed.json?.repairs?.map((r) => [r.ok, r.message])).toEqual([
      [true, `Trello: reactivate the webhook for "Product" calling ${callbackUrl()}`],
    ]);
    // The same webhook, switched back on: no second one.
    expect(changes().map((w) => [w.method, w.path, w.body])).toEqual([
      ['PUT', `/webhooks/${hook.id}`, { active: 'true' }],
    ]);
    expect(trello.state().setup.webhooks).toEqual([{ ...hook, active: true }]);
    expect(failing(fixed.json?.after)).toEqual([]);
    expect(fixed.code).toBe(0);
    const audit = createRedisAuditStore({ redis, keyPrefix: env.QUEUE_PREFIX ?? '', retentionDays: 1 });
    const [entry] = await audit.list({ capability: 'doctor', limit: 1 });
    expect(entry).toMatchObject({
      operation: 'repairSetup',
      item: { tracker: 'trello', id: board?.id, key: 'Product' },
      target: { kind: 'trello.reactivateWebhook', webhookId: hook.id, callbackUrl: callbackUrl() },
      after: { webhookId: hook.id, active: true },
    });
  });

  it("Trello's refusal is reported, and nothing goes to the audit trail", async () => {
    await control('trello', { inactiveWebhooks: true });
    let text = '';

    const code = await doctor(['--fix'], {
      env,
      write: (chunk) => (text += chunk),
      // Between the plan and the repair someone deletes the webhook.
      confirm: async () => {
        await control('trello', { removeWebhooks: true });
        return true;
      },
    });

    expect(code).toBe(1);
    expect(text).toContain(
      `✗ Trello: reactivate the webhook for "Product" calling ${callbackUrl()}: Trello updateWebhook failed: 404 Not Found - webhook not found`,
    );
    const audit = createRedisAuditStore({ redis, keyPrefix: env.QUEUE_PREFIX ?? '', retentionDays: 1 });
    const entries = await audit.list({ capability: 'doctor', limit: 20 });
    expect(entries.map((e) => e.target.kind)).toEqual(['trello.registerWebhook']);
  });
});

const portLines = (report: DoctorReport | undefined) =>
  (report?.checks ?? []).filter((check) => check.area === 'port');

describe("the API's address", () => {
  it('a free HOST:PORT passes, and the doctor leaves it free for the service', async () => {
    const run = await runDoctor('--json');

    expect(portLines(run.json?.report)).toEqual([
      { area: 'port', status: 'pass', title: `The API can listen on 127.0.0.1:${env.PORT}` },
    ]);
    const after = createServer();
    await new Promise<void>((resolve, reject) => {
      after.once('error', reject);
      after.listen(Number(env.PORT), '127.0.0.1', resolve);
    });
    after.close();
  });

  it('the service already listening there passes: it answers as this service', async () => {
    const service = await startServiceProcess({
      env: { ...env, ROLE: 'api', LOG_LEVEL: 'warn' },
      isReady: apiReady(`http://127.0.0.1:${env.PORT}`),
    });
    try {
      const run = await runDoctor('--json');

      expect(portLines(run.json?.report)).toEqual([
        { area: 'port', status: 'pass', title: `The service answers on 127.0.0.1:${env.PORT}` },
      ]);
      expect(run.code).toBe(0);
    } finally {
      await service.stop();
    }
  }, 60_000);

  it('another process on the port fails, naming the address and what to do', async () => {
    // Many services answer /healthz with {"status":"ok"}: that alone does not make it this one.
    const other = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => other.listen(Number(env.PORT), '127.0.0.1', resolve));
    try {
      const run = await runDoctor();

      expect(run.code).toBe(1);
      expect(run.text).toContain(
        `✗ Cannot listen on 127.0.0.1:${env.PORT}: the port is taken by another process, not this service\n` +
          '      fix: Stop it, or set PORT (and HOST) to a free address.',
      );
    } finally {
      other.close();
    }
  });

  // A worker host often runs something else on 3000 (Grafana's default): the worker never listens on PORT.
  it('a worker (ROLE=worker) has no address to check: another process on PORT is none of its business', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(Number(env.PORT), '127.0.0.1', resolve));
    try {
      env.ROLE = 'worker';

      const run = await runDoctor('--json');

      expect(portLines(run.json?.report)).toEqual([]);
      expect(failing(run.json?.report)).toEqual([]);
      expect(run.code).toBe(0);
    } finally {
      other.close();
    }
  });

  it('a HOST that is not an address of this machine fails, saying so', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): no machine has it.
    env.HOST = '192.0.2.1';

    const run = await runDoctor('--json');

    expect(failing(run.json?.report)).toEqual([
      {
        area: 'port',
        status: 'fail',
        title: `Cannot listen on 192.0.2.1:${env.PORT}: HOST is not an address of this machine`,
        fix: 'Set HOST to one of its addresses, or 0.0.0.0 for every interface.',
      },
    ]);
  });

  it.skipIf(!portIsPrivileged)(
    'a PORT below 1024 as a normal user fails, saying it needs root',
    async () => {
      const run = await runUnprivileged(['src/cli/doctor.ts', '--json'], {
        ...env,
        PORT: String(PRIVILEGED_PORT),
      });
      const { report } = JSON.parse(run.stdout) as { report: DoctorReport };

      expect(portLines(report)).toEqual([
        {
          area: 'port',
          status: 'fail',
          title: `Cannot listen on 127.0.0.1:${PRIVILEGED_PORT}: ports below 1024 need root or CAP_NET_BIND_SERVICE`,
          fix: 'Set PORT=3000 (the default) and put a reverse proxy in front for 80 or 443.',
        },
      ]);
    },
    60_000,
  );
});

/**
 * The doctor's failing Redis lines, and their redis-cli commands run as pasted into a shell that holds only PATH,
 * answering the password they ask for.
 */
async function runRedisFixes() {
  const before = await runDoctor('--json');
  const fixes = (before.json?.report.checks ?? [])
    .filter((check) => check.area === 'redis' && check.status !== 'pass')
    .map((check) => check.fix ?? '');
  const commands = fixes.map((fix) => /`(redis-cli [^`]*)`/.exec(fix)?.[1] ?? '');
  for (const command of commands)
    execFileSync('sh', ['-c', command], { env: { PATH: process.env.PATH ?? '' }, input: 'hunter2-pw\n' });
  return { before, fixes, commands };
}

describe('Redis', () => {
  // A reader who put REDIS_URL in .env has none in the shell: the printed commands must carry the address.
  it("the fix lines' redis-cli commands repair a password-protected Redis from a shell without REDIS_URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-redis-'));
    const server = await startRedis({
      dir,
      args: ['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no'],
    });
    const admin = new Redis(server.url);
    try {
      await admin.config('SET', 'requirepass', 'hunter2-pw');
      env.REDIS_URL = `redis://:hunter2-pw@127.0.0.1:${server.port}`;
      const { before, commands } = await runRedisFixes();

      expect(commands).toEqual([
        `redis-cli -u redis://127.0.0.1:${server.port} --askpass CONFIG SET maxmemory-policy noeviction`,
        `redis-cli -u redis://127.0.0.1:${server.port} --askpass CONFIG SET appendonly yes`,
      ]);
      expect(JSON.stringify(before.json)).not.toContain('hunter2-pw');
      const after = await runDoctor('--json');
      expect(
        (after.json?.report.checks ?? []).filter((check) => check.area === 'redis').map((c) => c.status),
      ).toEqual(['pass', 'pass', 'pass', 'pass']);
    } finally {
      admin.disconnect();
      // Redis 7 ignores SIGTERM while it writes the AOF the fix just turned on; this server holds nothing to keep.
      await server.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  // CONFIG SET changes only the node it reaches: a command for the first node of REDIS_URL left the others evicting.
  it("on a Redis Cluster, the fix lines' commands change every node, from a shell without REDIS_URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-cluster-'));
    const cluster = await startRedisCluster({ dir });
    const nodes = cluster.ports.map((port) => new Redis(port, '127.0.0.1'));
    const setting = (name: string) =>
      Promise.all(nodes.map(async (node) => ((await node.config('GET', name)) as string[])[1]));
    try {
      for (const node of nodes) {
        await node.config('SET', 'maxmemory-policy', 'allkeys-lru');
        await node.config('SET', 'requirepass', 'hunter2-pw');
        await node.auth('hunter2-pw');
      }
      env.REDIS_CLUSTER = 'true';
      // One seed: the cluster's other nodes are found, not named.
      env.REDIS_URL = `redis://:hunter2-pw@127.0.0.1:${cluster.ports[0]}`;
      const { before, fixes } = await runRedisFixes();

      expect(fixes).toEqual([
        expect.stringContaining(`on every node of the cluster of redis://127.0.0.1:${cluster.ports[0]},`),
        expect.stringContaining(`on every node of the cluster of redis://127.0.0.1:${cluster.ports[0]},`),
      ]);
      expect(JSON.stringify(before.json)).not.toContain('hunter2-pw');
      expect(await setting('maxmemory-policy')).toEqual(['noeviction', 'noeviction', 'noeviction']);
      expect(await setting('appendonly')).toEqual(['yes', 'yes', 'yes']);
    } finally {
      for (const node of nodes) node.disconnect();
      // A node still writing the AOF it was just told to keep ignores SIGTERM; the cluster holds nothing to keep.
      await Promise.all(cluster.nodes.map((node) => node.stop('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('reaching the trackers', () => {
  it('refused credentials and a site that does not answer are one failing line each, with the fix', async () => {
    env.JIRA_EMAIL = 'someone-else@sandbox.test';
    const refused = await runDoctor('--json');
    const closed = await freePort();
    env.JIRA_BASE_URL = `http://127.0.0.1:${closed}/jira`;
    const unreachable = await runDoctor('--json');

    expect(failing(refused.json?.report)).toEqual([
      {
        area: 'jira',
        status: 'fail',
        title: 'Jira refuses the credentials (401)',
        fix: 'Create an API token for JIRA_EMAIL at https://id.atlassian.com/manage-profile/security/api-tokens and set JIRA_API_TOKEN to it',
      },
    ]);
    expect(failing(unreachable.json?.report)).toEqual([
      expect.objectContaining({
        title: `Jira site does not answer: http://127.0.0.1:${closed}/jira: ECONNREFUSED`,
        fix: expect.stringContaining('Check JIRA_BASE_URL'),
      }),
    ]);
    expect(unreachable.code).toBe(1);
  });
});

describe('asking before repairing', () => {
  it('shows the plan and changes nothing when the answer is no', async () => {
    await control('trello', { removeWebhooks: true });
    const questions: string[] = [];
    let text = '';

    const code = await doctor(['--fix'], {
      env,
      write: (chunk) => (text += chunk),
      confirm: async (question) => {
        questions.push(question);
        return false;
      },
    });

    expect(code).toBe(1);
    expect(text).toContain('--fix would:\n  - Trello: register a webhook for "Product"');
    expect(questions).toEqual(['Apply this repair? [y/N] ']);
    expect(text).toContain('Nothing changed: not confirmed (answer y, or pass --yes).');
    expect(changes()).toEqual([]);
  });

  it('a field created before its screens fail is still in the audit trail, and the repair reports the failure', async () => {
    await control('jira', { removeField: 'Reach' });
    const br = [...jira.state.projects.values()].find((p) => p.key === 'BR');
    let text = '';

    const code = await doctor(['--fix'], {
      env,
      write: (chunk) => (text += chunk),
      // Between the plan and the repair someone turns BR team-managed: its screen schemes are gone.
      confirm: async () => {
        if (br) Object.assign(br, { teamManaged: true, onDefaultScreen: false });
        return true;
      },
    });

    expect(code).toBe(1);
    expect(text).toContain(
      `✗ Jira: create the Number field "Reach" and add it to the edit screens of BR: Project ${br?.id} has no issue type screen scheme (is it team-managed?)`,
    );
    const reach = jira.state.fields.find((f) => f.name === 'Reach')?.id;
    expect(reach).toBeDefined();
    const audit = createRedisAuditStore({ redis, keyPrefix: env.QUEUE_PREFIX ?? '', retentionDays: 1 });
    const [entry] = await audit.list({ capability: 'doctor', limit: 1 });
    expect(entry).toMatchObject({
      operation: 'repairSetup',
      target: { kind: 'jira.createField', name: 'Reach' },
      after: { fieldId: reach, screens: {} },
    });
  });

  it('names the service desks a set supportProjects leaves out, which the service leaves alone', async () => {
    jira.seed({ projects: [{ key: 'PEOPLE', name: 'HR desk', projectTypeKey: 'service_desk' }] });
    const rulesFile = join(mkdtempSync(join(tmpdir(), 'doctor-scope-')), 'rules.yaml');
    writeFileSync(rulesFile, 'scope:\n  jira: { supportProjects: [HELP] }\n');

    const run = await runDoctor('--json');
    env.REFINERY_CONFIG = rulesFile;
    const scoped = await runDoctor('--json');

    const titles = (r: Run) => r.json?.report.checks.map((c) => c.title) ?? [];
    expect(titles(run)).toContain(
      'Support projects: HELP (Jira Service Management), PEOPLE (Jira Service Management)',
    );
    expect(titles(scoped)).toContain('Support projects: HELP (Jira Service Management)');
    expect(scoped.json?.report.checks).toContainEqual({
      area: 'jira',
      status: 'pass',
      title: 'Service desks left alone, not in scope.jira.supportProjects: PEOPLE',
    });
    expect(titles(scoped).filter((title) => title.includes('PEOPLE'))).toHaveLength(1);
    expect(scoped.code).toBe(0);
  });

  it('an account that may not read the backlog project permission schemes: its items go by key on tickets', async () => {
    await control('jira', { botIsAdmin: false, permissionSchemesHidden: true });
    try {
      const run = await runDoctor('--json');

      expect(run.json?.report.checks.find((c) => c.title.includes('named by key only'))).toEqual({
        area: 'jira',
        status: 'warn',
        title:
          'Items of BR are named by key only on tickets of other projects: the account may not read who may browse it (the permission scheme)',
        fix: 'Add Backlog Refinery to the Administrators role of BR (Project settings > People or Access), or give it Administer Jira, or accept keys without titles',
      });
      expect(run.code).toBe(0);
    } finally {
      await control('jira', { permissionSchemesHidden: false });
    }
  });

  it('an account that is no administrator: webhooks to check by hand, edits that email the watchers', async () => {
    await control('jira', { botIsAdmin: false });

    const run = await runDoctor('--json');

    expect(run.json?.report.checks.find((c) => c.title.includes('watchers'))).toEqual({
      area: 'jira',
      status: 'warn',
      title:
        "In BR, HELP every score and label the service writes emails the item's watchers (the account has neither Administer Jira nor Administer Projects there)",
      fix: 'Add Backlog Refinery to the Administrators role of BR, HELP (Project settings > People or Access), or accept the emails',
    });

    expect(run.json?.report.checks.find((c) => c.title.includes('admin webhooks'))).toEqual({
      area: 'jira',
      status: 'warn',
      title: 'This account may not list admin webhooks, so they cannot be checked from here',
      fix: `A Jira admin opens ${env.JIRA_BASE_URL}/plugins/servlet/webhooks and checks for a webhook with URL ${PUBLIC_URL}/webhooks/jira, enabled, with the events jira:issue_created, jira:issue_updated, jira:issue_deleted, comment_created, comment_updated, issuelink_created, issuelink_deleted, sprint_started, sprint_closed`,
    });
    expect(run.code).toBe(0);
  });

  it('unsigned mode: the webhook must carry the URL token; --fix registers it so, and no output names the token', async () => {
    const token = 'url-token-0123456789abcdef0123456789';
    const { JIRA_WEBHOOK_SECRET: _secret, ...signed } = env;
    env = { ...signed, JIRA_ALLOW_UNSIGNED: 'true', JIRA_WEBHOOK_URL_TOKEN: token };
    const shown = `${PUBLIC_URL}/webhooks/jira?token=<JIRA_WEBHOOK_URL_TOKEN>`;

    // The webhook a signed setup had: without the token, every delivery it sends would be refused.
    const before = await runDoctor();
    expect(before.text).toContain(`✗ No enabled Jira webhook points at ${shown}`);

    const fixed = await runDoctor('--fix', '--yes', '--json');
    expect(fixed.json?.repairs?.map((r) => [r.ok, r.message.split(' for ')[0]])).toEqual([
      [true, `Jira: register an admin webhook to ${shown}`],
    ]);
    const registered = jira.state.setup.adminWebhooks.at(-1)!;
    expect(registered.url).toBe(`${PUBLIC_URL}/webhooks/jira?token=${token}`);
    expect(failing(fixed.json?.after)).toEqual([]);
    const again = await runDoctor();
    expect(again.code).toBe(0);
    expect(again.text).toContain(`Webhook to ${shown} covers every event the service uses`);
    const audit = createRedisAuditStore({ redis, keyPrefix: env.QUEUE_PREFIX ?? '', retentionDays: 1 });
    for (const output of [
      before.text,
      JSON.stringify(fixed.json),
      again.text,
      JSON.stringify(await audit.list({ limit: 50 })),
    ])
      expect(output).not.toContain(token);
  });
});

describe('GET /admin/doctor', () => {
  it('answers the same checklist as the CLI, schema-checked, with the fix of each failing line', async () => {
    await control('jira', { denyPermission: { project: 'BR', permission: 'LINK_ISSUES' } });
    await control('trello', { removeWebhooks: true });
    const config = loadConfig(env);
    const api = await startApiHarness({
      config,
      admin: {
        doctor: createProcessDoctor({
          config,
          log: createLogger({ level: 'silent' }),
          redis,
          limiter: { acquire: async () => {} },
          rules: defaultRules,
        }),
      },
    });
    try {
      const response = await api.app.inject({
        method: 'GET',
        url: '/admin/doctor',
        headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
      });
      const report = response.json() as DoctorReport;

      expect(response.statusCode).toBe(200);
      expect(report.ok).toBe(false);
      expect(report.counts.fail).toBe(2);
      // The API process asking is the one holding its address.
      expect(portLines(report)).toEqual([
        { area: 'port', status: 'pass', title: `The service answers on 127.0.0.1:${env.PORT}` },
      ]);
      expect(failing(report)).toEqual([
        {
          area: 'jira',
          status: 'fail',
          title: 'Project BR (backlog): the account lacks Link Issues',
          fix: 'Project settings > Access (team-managed), or Jira settings > Issues > Permission schemes > the scheme of BR (company-managed): grant Link Issues to Backlog Refinery',
        },
        expect.objectContaining({
          area: 'trello',
          title: `Board "Product" (${boardShortLink}): no webhook calls ${PUBLIC_URL}/webhooks/trello, so the service hears nothing from it`,
          repair: {
            kind: 'trello.registerWebhook',
            boardId: expect.stringMatching(/^[0-9a-f]{24}$/),
            board: 'Product',
            callbackUrl: `${PUBLIC_URL}/webhooks/trello`,
          },
        }),
      ]);
      expect(changes()).toEqual([]);
    } finally {
      await api.close();
    }
  });
});
