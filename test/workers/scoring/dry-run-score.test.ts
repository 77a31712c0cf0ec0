import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisAuditStore } from '../../../src/audit/audit-store.ts';
import { createAuditedTracker } from '../../../src/audit/audited-tracker.ts';
import { createLogger } from '../../../src/logger.ts';
import { defaultRules } from '../../../src/rules/load-rules.ts';
import { applyScore } from '../../../workers/capabilities/scoring.ts';
import type { JobContext } from '../../../workers/job-context.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from '../../audit/memory-tracker.ts';
import { testRedis, uniquePrefix } from '../../helpers/redis.ts';
import { testConfig } from '../../helpers/test-config.ts';

const redis: Redis = testRedis();
afterAll(() => redis.disconnect());

let tracker: MemoryTracker;
let keyPrefix: string;

beforeEach(() => {
  tracker = createMemoryTracker([memoryItem('APP-1', { title: 'Password reset email never arrives' })]);
  keyPrefix = uniquePrefix('dry-run-score');
});

/** A scoring job's context as the worker builds it: one prefix for every job, dry-run or not. */
function jobContext(dryRun: boolean): JobContext {
  const audited = createAuditedTracker(tracker, {
    audit: createRedisAuditStore({ redis, keyPrefix, retentionDays: 1 }),
    dryRun,
    context: {
      capability: 'score-item',
      jobId: 'job-1',
      deliveryId: 'd1',
      actor: { id: 'u', displayName: 'U' },
    },
  });
  return {
    log: createLogger({ level: 'silent' }),
    jobId: 'job-1',
    config: testConfig(),
    rules: defaultRules,
    tracker: () => audited,
    selfId: () => 'bot',
    redis,
    keyPrefix,
    now: () => new Date(),
    dryRun,
  };
}

describe('scoring previewed in dry-run', () => {
  it('still writes the scorecard and fields when the same item is then scored for real', async () => {
    const ref = (await tracker.findItem('APP-1'))!.ref;

    // The first day: DRY_RUN=true (or a dry-run preview) shows what would be written, and sends nothing ...
    const preview = await applyScore(await tracker.getItem(ref), jobContext(true));
    expect(preview.write).toBe('written');
    expect(tracker.writes).toEqual([]);

    // ... then the team goes live: the score did not change, but nothing of it is on the item yet.
    const live = await applyScore(await tracker.getItem(ref), jobContext(false));

    expect(live.write).toBe('written');
    expect(tracker.comments.get(`${ref.id}/scorecard`)?.text).toContain('Priority score');
    expect(tracker.items.get(ref.id)?.fields['Priority score']).toBe(preview.score);
  });
});
