import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container } from '../../../src/domain/events.ts';
import { createLogger } from '../../../src/logger.ts';
import { defaultRules } from '../../../src/rules/load-rules.ts';
import { applyScore } from '../../../workers/capabilities/scoring.ts';
import type { JobContext } from '../../../workers/job-context.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from '../../audit/memory-tracker.ts';
import { testRedis, uniquePrefix } from '../../helpers/redis.ts';
import { testConfig } from '../../helpers/test-config.ts';

const redis: Redis = testRedis();
afterAll(() => redis.disconnect());

const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };
let tracker: MemoryTracker;
let context: JobContext;
let clock: number;

beforeEach(() => {
  clock = Date.parse('2025-06-01T00:00:00Z');
  tracker = createMemoryTracker([
    memoryItem('APP-1', { title: 'Password reset email never arrives' }),
    memoryItem('HELP-1', { title: 'Reset email not arriving', container: HELP }),
  ]);
  context = {
    log: createLogger({ level: 'silent' }),
    jobId: 'job-1',
    config: testConfig(),
    rules: defaultRules,
    tracker: () => tracker,
    selfId: () => 'bot',
    redis,
    keyPrefix: uniquePrefix('stale-score'),
    now: () => new Date(clock),
    progress: async () => {},
  };
});

const item = (key: string) => [...tracker.items.values()].find((candidate) => candidate.ref.key === key)!;

describe('scoring an item read before another job changed it', () => {
  it('does not write its older scorecard over the one showing a ticket linked meanwhile', async () => {
    const app = item('APP-1').ref;
    // A bulk re-score read the item (a page of its scope), then worked through the page's other items ...
    const readAt = context.now();
    const readBefore = await tracker.getItem(app);
    clock += 60_000;
    // ... while the job of a link a person made meanwhile scored it (Jira shows an issue link on both issues).
    const help = item('HELP-1');
    item('APP-1').links.push({
      target: { kind: 'item', ref: help.ref, url: help.url, title: help.title },
      type: 'relates to',
      direction: 'inward',
    });
    await applyScore(await tracker.getItem(app), context);
    const linked = tracker.comments.get(`${app.id}/scorecard`)?.text;
    const linkedFields = { ...item('APP-1').fields };
    expect(linked).toContain('HELP-1');

    await applyScore(readBefore, context, { readAt });

    expect(tracker.comments.get(`${app.id}/scorecard`)?.text).toBe(linked);
    expect(item('APP-1').fields).toEqual(linkedFields);
  });

  it('scores a copy no older than the last one as it is: a bulk re-score reads each item once, in its page', async () => {
    const app = item('APP-1').ref;
    await applyScore(await tracker.getItem(app), context);
    clock += 60_000;
    const readAt = context.now();
    const page = await tracker.getItem(app);
    let reads = 0;
    const getItem = tracker.getItem;
    tracker.getItem = (ref) => {
      reads += 1;
      return getItem(ref);
    };

    await applyScore(page, context, { readAt, force: true });

    expect(reads).toBe(0);
  });
});
