import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { applyScore } from '../../../workers/capabilities/scoring.ts';
import type { JobContext } from '../../../workers/job-context.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from '../../audit/memory-tracker.ts';
import { auditedJobContext } from '../../helpers/audited-job-context.ts';
import { testRedis, uniquePrefix } from '../../helpers/redis.ts';

const redis: Redis = testRedis();
afterAll(() => redis.disconnect());

let tracker: MemoryTracker;
let keyPrefix: string;

beforeEach(() => {
  tracker = createMemoryTracker([memoryItem('APP-1', { title: 'Password reset email never arrives' })]);
  keyPrefix = uniquePrefix('dry-run-score');
});

function jobContext(dryRun: boolean): JobContext {
  return auditedJobContext({ tracker, redis, keyPrefix, capability: 'score-item', dryRun });
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
