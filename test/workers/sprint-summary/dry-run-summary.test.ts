import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { doc, paragraph } from '../../../src/domain/doc.ts';
import { publishSummary, type SummaryPost } from '../../../workers/capabilities/summary-publish.ts';
import { postedRef } from '../../../workers/capabilities/summary-store.ts';
import type { JobContext } from '../../../workers/job-context.ts';
import { createMemoryTracker, type MemoryTracker } from '../../audit/memory-tracker.ts';
import { auditedJobContext } from '../../helpers/audited-job-context.ts';
import { testRedis, uniquePrefix } from '../../helpers/redis.ts';

const redis: Redis = testRedis();
afterAll(() => redis.disconnect());

let tracker: MemoryTracker;
let keyPrefix: string;

beforeEach(() => {
  tracker = createMemoryTracker([]);
  keyPrefix = uniquePrefix('dry-run-summary');
});

function jobContext(dryRun: boolean): JobContext {
  return auditedJobContext({ tracker, redis, keyPrefix, capability: 'post-sprint-summary', dryRun });
}

const post: SummaryPost = {
  tracker: 'jira',
  summaryKey: 'jira:sprint:7',
  title: 'Sprint 7 summary',
  body: doc(paragraph('Completed 5 of 6 items.')),
  destination: {
    kind: 'item',
    container: { containerId: 'APP', typeOrList: 'Task' },
    labels: ['sprint-summary'],
  },
};

describe('a sprint summary previewed in dry-run', () => {
  it('remembers no posted item: the real run does not look for a fake dry-run-N item to edit', async () => {
    const preview = await publishSummary(jobContext(true), post);
    expect(preview.action).toBe('created');
    expect(tracker.writes).toEqual([]);
    // Nothing was posted, so there is nothing for the real run to edit.
    expect(await postedRef(jobContext(false), post.summaryKey)).toBeUndefined();

    const live = await publishSummary(jobContext(false), post);

    expect(live.action).toBe('created');
    expect(tracker.writes).toEqual(['createItem APP']);
    expect(await postedRef(jobContext(false), post.summaryKey)).toEqual(live.ref);
  });
});
