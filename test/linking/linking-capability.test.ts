import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container } from '../../src/domain/events.ts';
import { createLinkIndexStore } from '../../src/linking/index.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import {
  indexItem,
  linkTicket,
  matchTicket,
  notifyResolution,
  summaryOfItem,
  unlinkTicket,
} from '../../workers/capabilities/linking.ts';
import { backfillIndex } from '../../workers/handlers/backfill-index.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';

const redis: Redis = testRedis();
afterAll(() => redis.disconnect());

const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };
const LATER = '2025-02-01T00:00:00.000Z';
let tracker: MemoryTracker;
let context: JobContext;
let progress: unknown[];

beforeEach(() => {
  tracker = createMemoryTracker([
    memoryItem('APP-1', { title: 'Password reset email never arrives' }),
    memoryItem('APP-2', { title: 'Dark mode for the settings page' }),
    memoryItem('HELP-1', { title: 'Reset email not arriving', container: HELP, createdAt: LATER }),
    memoryItem('HELP-2', { title: 'Still no reset email', container: HELP, createdAt: LATER }),
  ]);
  progress = [];
  context = {
    log: createLogger({ level: 'silent' }),
    jobId: 'job-1',
    config: testConfig(),
    rules: defaultRules,
    tracker: () => tracker,
    selfId: () => 'bot',
    redis,
    keyPrefix: uniquePrefix('linking'),
    now: () => new Date('2025-06-01T00:00:00Z'),
    progress: async (value) => {
      progress.push(value);
    },
  };
});

const item = (key: string) => [...tracker.items.values()].find((candidate) => candidate.ref.key === key)!;
const notices = () => [...tracker.comments.keys()].filter((key) => key.includes('/resolution')).sort();

describe('linking use cases', () => {
  it('indexes backlog items only, and drops deleted ones', async () => {
    expect(await indexItem(item('APP-1').ref, context)).toEqual({ indexed: 'written' });
    expect(await indexItem(item('APP-1').ref, context)).toEqual({ indexed: 'unchanged' });
    expect(await indexItem(item('HELP-1').ref, context)).toEqual({ indexed: 'absent' });
    const gone = item('APP-1').ref;
    tracker.items.delete(gone.id);
    expect(await indexItem(gone, context)).toEqual({ indexed: 'removed' });
  });

  it('tells every linked ticket once per resolution, and again after a reopen', async () => {
    const resolved = summaryOfItem(item('APP-1'));
    await linkTicket(item('HELP-1'), resolved, context, { how: 'auto', confidence: 0.9 });
    await linkTicket(item('HELP-2'), resolved, context, { how: 'command' });
    const done = () => {
      item('APP-1').status = { name: 'Done', category: 'done' };
    };

    done();
    expect(await notifyResolution(resolved.ref, context)).toEqual({
      resolution: 1,
      notified: ['HELP-1', 'HELP-2'],
    });
    expect(await notifyResolution(resolved.ref, context)).toEqual({ resolution: 1, notified: [] });
    item('APP-1').status = { name: 'In Progress', category: 'in_progress' };
    await notifyResolution(resolved.ref, context);
    done();
    expect(await notifyResolution(resolved.ref, context)).toEqual({
      resolution: 2,
      notified: ['HELP-1', 'HELP-2'],
    });
    expect(notices()).toEqual([
      'id-HELP-1/resolution 1 of APP-1',
      'id-HELP-1/resolution 2 of APP-1',
      'id-HELP-2/resolution 1 of APP-1',
      'id-HELP-2/resolution 2 of APP-1',
    ]);
  });

  it('with notifyCustomers, also tells the customer of a service-desk ticket, publicly and once', async () => {
    const rules = defaultRules();
    context = {
      ...context,
      rules: () => ({ ...rules, linking: { ...rules.linking, notifyCustomers: true } }),
    };
    const resolved = summaryOfItem(item('APP-1'));
    await linkTicket(item('HELP-1'), resolved, context, { how: 'auto', confidence: 0.9 });
    item('APP-1').status = { name: 'Done', category: 'done' };

    expect(await notifyResolution(resolved.ref, context)).toEqual({
      resolution: 1,
      notified: ['HELP-1'],
      customersTold: ['HELP-1'],
    });
    expect(await notifyResolution(resolved.ref, context)).toMatchObject({ customersTold: [] });
    expect(tracker.writes.filter((w) => w.includes('customer notice'))).toEqual([
      'upsertComment HELP-1 customer notice 1 of APP-1 (public)',
      'upsertComment HELP-1 customer notice 1 of APP-1 (public)',
    ]);
    expect(tracker.comments.get(`${item('HELP-1').ref.id}/customer notice 1 of APP-1`)?.text).toBe(
      'Update on your request: the problem behind it has been fixed.\nThis message was posted automatically; the team will follow up if anything else is needed.',
    );
  });

  it('links a confident match once, and never again automatically after a person unlinked it', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);

    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });
    expect(await matchTicket(item('HELP-1').ref, context)).toEqual({ skipped: 'already linked' });
    await unlinkTicket(item('HELP-1'), summaryOfItem(item('APP-1')), context);

    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ suggested: ['APP-2'] });
    expect(item('HELP-1').links).toEqual([]);
    expect(tracker.comments.get('id-HELP-1/link')?.text).not.toContain('APP-1');
  });

  it('backfills the backlog items of a container and reports progress', async () => {
    const result = await backfillIndex(
      { targets: [{ tracker: 'jira', containerId: 'APP' }], requestedBy: { id: 'ada', displayName: 'Ada' } },
      context,
    );
    expect(result).toEqual({ seen: 4, indexed: 2, size: 2 });
    expect(progress).toEqual([{ target: 'jira:APP', targetsDone: 0, targets: 1, seen: 4, indexed: 2 }]);
    expect(await createLinkIndexStore(redis, context.keyPrefix).get(item('APP-2').ref)).toMatchObject({
      title: 'Dark mode for the settings page',
    });
  });
});
