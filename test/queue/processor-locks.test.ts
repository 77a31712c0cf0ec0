import type { Job, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import type { RedisClient } from '../../src/queue/connection.ts';
import type { JobContext, JobHandlers } from '../../workers/job-context.ts';
import { createProcessor, lockedItems } from '../../workers/processor.ts';

const jira = (id: string) => ({ tracker: 'jira', id, key: id });

describe('which items a job locks', () => {
  it('locks the item of its event, and both ends of a link event, always in one order', () => {
    expect(lockedItems({ event: { item: jira('10') } })).toEqual(['jira:10']);
    expect(lockedItems({ event: { item: jira('20'), target: jira('10') } })).toEqual(['jira:10', 'jira:20']);
    expect(lockedItems({ event: { item: jira('10'), target: jira('20') } })).toEqual(['jira:10', 'jira:20']);
    expect(lockedItems({ event: { item: jira('10'), target: jira('10') } })).toEqual(['jira:10']);
    expect(lockedItems({ targets: [] })).toEqual([]);
  });

  it('runs a link event’s job while holding both locks, and releases them after', async () => {
    const held: string[] = [];
    const seen: string[][] = [];
    const handlers = {
      'learn-link': async () => {
        seen.push([...held]);
        return {};
      },
    } as unknown as JobHandlers;
    const process = createProcessor({
      handlers,
      context: () => ({ log: createLogger({ level: 'silent' }) }) as unknown as JobContext,
      worker: () => ({}) as Worker,
      writeGuard: () => async () => undefined,
      rateLimits: { redis: {} as RedisClient, keyPrefix: 'unused', giveUpMs: 60_000, maxDelayMs: 600_000 },
      withItemLock: async (item, run) => {
        held.push(item);
        try {
          return await run();
        } finally {
          held.splice(held.indexOf(item), 1);
        }
      },
    });
    await process({ name: 'learn-link', data: { event: { item: jira('20'), target: jira('10') } } } as Job);
    expect(seen).toEqual([['jira:10', 'jira:20']]);
    expect(held).toEqual([]);
  });
});
