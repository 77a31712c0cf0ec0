import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import { TrackerError } from '../../src/errors.ts';
import { instrumentTracker } from '../../src/metrics/instrumented-tracker.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import { createMemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

/** The operations page's rate-limit section as the operator reads it: tags dropped, blanks collapsed. */
function rateLimitSection(body: string): string {
  const start = body.indexOf('Tracker rate limits');
  return body
    .slice(start, body.indexOf('</section>', start))
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A Jira whose item APP-1 answers 429 for the reason given, as the Jira adapter reports it. */
function refusingJira(harness: ApiHarness, scope: 'item' | 'tracker', retryAfterMs: number): Tracker {
  const jira = createMemoryTracker([memoryItem('APP-1')]);
  jira.getItem = async () => {
    throw new TrackerError('rateLimit', 'jira', 'Jira getIssue failed with 429', {
      retryAfterMs,
      rateLimitScope: scope,
    });
  };
  return instrumentTracker(jira, harness.metrics!.sink);
}

describe('console operations: what a tracker asked us to wait for', () => {
  let harness: ApiHarness;
  let viewer: ReturnType<typeof consoleClient>;

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole, admin: {} });
    viewer = consoleClient(harness.app);
    const users = createRedisUserStore(harness.redis, harness.prefix);
    expect((await viewer.signIn((await users.add('ada', 'viewer')).token)).statusCode).toBe(303);
  });
  afterAll(async () => harness?.close());

  it('tells a hold on one issue from a pause of the whole queue', async () => {
    await expect(refusingJira(harness, 'item', 2_000).getItem(memoryItem('APP-1').ref)).rejects.toThrow(
      '429',
    );
    await expect(refusingJira(harness, 'tracker', 30_000).getItem(memoryItem('APP-1').ref)).rejects.toThrow(
      '429',
    );
    await harness.metrics!.sink.flush();

    const section = rateLimitSection((await viewer.get('/console/operations')).body);

    expect(section).toMatch(/jira, the whole queue paused for 30\.0 s/);
    expect(section).toMatch(/jira, one issue held for 2\.0 s/);
    expect(section).not.toMatch(/Pauses/);
  });
});
