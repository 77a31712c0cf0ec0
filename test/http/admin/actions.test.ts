import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Type from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { defineAdminAction } from '../../../src/http/admin/actions/admin-action.ts';
import type { AdminDeps } from '../../../src/http/admin/admin-deps.ts';
import { createLogger } from '../../../src/logger.ts';
import { createRulesStore } from '../../../src/runtime/rules-store.ts';
import { createMemoryTracker, memoryItem } from '../../audit/memory-tracker.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { adminClient } from './admin-client.ts';

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});
const admin = adminClient(() => api!.app);
const start = async (deps: Partial<AdminDeps> = {}) => {
  api = await startApiHarness({
    admin: { trackers: new Map([['jira', createMemoryTracker([memoryItem('ABC-1')])]]), ...deps },
  });
  return api;
};

describe('POST /admin/actions/command', () => {
  it('enqueues run-commands on a synthetic comment, in dry-run when asked', async () => {
    await start();

    const response = await admin('POST', '/admin/actions/command', {
      tracker: 'jira',
      item: 'ABC-1',
      command: '/score impact=4\n/help',
      dryRun: true,
    });

    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body).toMatchObject({ item: 'ABC-1', commands: ['score', 'help'], dryRun: true });
    const job = await api!.queue.getJob(body.jobId);
    expect(job?.name).toBe('run-commands');
    expect(job?.data).toMatchObject({
      dryRun: true,
      event: {
        kind: 'comment.created',
        deliveryId: body.deliveryId,
        item: { tracker: 'jira', id: 'id-ABC-1', key: 'ABC-1' },
        actor: { id: 'admin-api' },
        comment: { text: '/score impact=4\n/help' },
      },
    });
  });

  it('leaves dryRun out of the job when not asked', async () => {
    await start();

    const response = await admin('POST', '/admin/actions/command', {
      tracker: 'jira',
      item: 'ABC-1',
      command: '/help',
    });

    const job = await api!.queue.getJob(response.json().jobId);
    expect(job?.data.dryRun).toBeUndefined();
  });

  it.each([
    ['no command', { tracker: 'jira', item: 'ABC-1' }, /command/],
    ['an unknown tracker', { tracker: 'github', item: 'ABC-1', command: '/help' }, /tracker/],
    [
      'an unknown property',
      { tracker: 'jira', item: 'ABC-1', command: '/help', force: true },
      /unknown setting\(s\): force/,
    ],
    ['text without a command', { tracker: 'jira', item: 'ABC-1', command: 'hello' }, /no slash command/],
  ])('answers %s with 400', async (_label, payload, message) => {
    await start();

    const response = await admin('POST', '/admin/actions/command', payload);

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(message);
    expect(await api!.queue.count()).toBe(0);
  });

  it.each([
    ['an unknown item', { tracker: 'jira', item: 'ABC-404', command: '/help' }, 'No jira item ABC-404'],
    [
      'an unconfigured tracker',
      { tracker: 'trello', item: 'abc', command: '/help' },
      'trello is not configured on this service',
    ],
  ])('answers %s with 404', async (_label, payload, message) => {
    await start();

    const response = await admin('POST', '/admin/actions/command', payload);

    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe(message);
  });
});

describe('POST /admin/actions/reload-rules', () => {
  async function startWithRulesFile(text: string) {
    const path = join(mkdtempSync(join(tmpdir(), 'rules-')), 'rules.json');
    writeFileSync(path, text);
    const store = await createRulesStore(path, createLogger({ level: 'silent' }));
    await start({ rules: () => store.current(), reloadRules: () => store.reload() });
    return { path, store };
  }

  it('reloads valid rules', async () => {
    const { path, store } = await startWithRulesFile('{}');
    writeFileSync(path, JSON.stringify({ commands: { maxPerComment: 3 } }));

    const response = await admin('POST', '/admin/actions/reload-rules');

    // Alone here: no other process follows reloads.
    expect(response.json()).toEqual({ reloaded: true, processesTold: 0 });
    expect(store.current().commands.maxPerComment).toBe(3);
  });

  it('refuses invalid rules with every problem and keeps the old ones', async () => {
    const { path, store } = await startWithRulesFile('{}');
    writeFileSync(path, JSON.stringify({ commands: { maxPerComment: 0 }, colour: 'red' }));

    const response = await admin('POST', '/admin/actions/reload-rules');

    expect(response.statusCode).toBe(400);
    expect(response.json().problems).toHaveLength(2);
    expect(response.json().problems.join('\n')).toMatch(
      /maxPerComment[\s\S]*colour|colour[\s\S]*maxPerComment/,
    );
    expect(store.current().commands.maxPerComment).toBe(10);
  });
});

describe('admin action extension point', () => {
  const echo = defineAdminAction({
    name: 'echo-item',
    summary: 'Resolves an item and answers its title',
    status: 200,
    body: Type.Object({ tracker: Type.Literal('jira'), item: Type.String() }),
    response: Type.Object({ title: Type.String() }),
    run: async (body, context) => ({ title: (await context.resolveItem(body.tracker, body.item)).title }),
  });

  it('mounts an action given in AdminDeps.actions, with its schema', async () => {
    await start({ actions: [echo] });

    const ok = await admin('POST', '/admin/actions/echo-item', { tracker: 'jira', item: 'ABC-1' });
    const bad = await admin('POST', '/admin/actions/echo-item', { tracker: 'trello', item: 'ABC-1' });
    const docs = await api!.app.inject({ method: 'GET', url: '/docs/json' });

    expect(ok.json()).toEqual({ title: 'Item ABC-1' });
    expect(bad.statusCode).toBe(400);
    expect(docs.json().paths['/admin/actions/echo-item'].post.summary).toBe(
      'Resolves an item and answers its title',
    );
  });
});
