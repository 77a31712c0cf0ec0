import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { TrackerError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { createTrackers } from '../../src/runtime/trackers.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import type { JobContext, JobHandlers } from '../../workers/job-context.ts';
import { createProcessor } from '../../workers/processor.ts';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';
import { type Harness, startHarness } from '../sandbox/jira/sandbox-harness.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/**
 * One worker like the service's (a limiter, so a pause holds), running `handlers` through the processor; a job waits
 * in place up to `rateLimitGiveUpMs` of pauses, and is delayed up to `rateLimitMaxDelayMs` in all.
 */
function startWorker(
  handlers: JobHandlers,
  rateLimitGiveUpMs = 60_000,
  rateLimitMaxDelayMs = 600_000,
  keyPrefix = uniquePrefix('ratelimit'),
) {
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const prefix = `{${keyPrefix}}`;
  const queue = new Queue('jobs', { connection, prefix });
  const events = new QueueEvents('jobs', { connection: connection.duplicate(), prefix });
  let worker: Worker | undefined;
  worker = new Worker(
    'jobs',
    createProcessor({
      handlers,
      context: () => ({ log: createLogger({ level: 'silent' }) }) as unknown as JobContext,
      worker: () => worker!,
      writeGuard: () => async () => undefined,
      withItemLock: (_item, run) => run(),
      rateLimits: {
        redis: connection,
        keyPrefix,
        giveUpMs: rateLimitGiveUpMs,
        maxDelayMs: rateLimitMaxDelayMs,
      },
    }),
    { connection, prefix, limiter: { max: 1_000_000, duration: 1_000 } },
  );
  closers.push(
    () => connection.quit(),
    () => queue.close(),
    () => events.close(),
    () => worker!.close(),
  );
  return { queue, events };
}

describe('a tracker asking to wait', () => {
  it('a 429 whose Retry-After has already passed (0, or a date behind our clock) is waited out, not a failed attempt', async () => {
    let calls = 0;
    const handlers = {
      'score-item': async () => {
        calls += 1;
        if (calls === 1)
          throw new TrackerError('rateLimit', 'jira', 'Request failed: 429', { retryAfterMs: 0 });
        return { scored: 'yes' };
      },
    } as unknown as JobHandlers;
    const { queue, events } = startWorker(handlers);
    await events.waitUntilReady();

    const job = await queue.add('score-item', {}, { attempts: 1 });
    const result = await job.waitUntilFinished(events, 15_000).catch((error: Error) => error.message);

    expect(result).toEqual({ scored: 'yes' });
    expect(calls).toBe(2);
  });

  it("a 429 about one item (Jira's per-issue write limit) delays that job only: a job about another item runs meanwhile", async () => {
    let refusals = 0;
    const handlers = {
      'score-item': async (data: { item: string }) => {
        if (data.item === 'BR-1' && refusals++ === 0) {
          throw new TrackerError('rateLimit', 'jira', 'Jira editIssue failed with 429', {
            status: 429,
            retryAfterMs: 3_000,
            rateLimitScope: 'item',
          });
        }
        return { scored: data.item };
      },
    } as unknown as JobHandlers;
    const { queue, events } = startWorker(handlers);
    await events.waitUntilReady();

    const refused = await queue.add('score-item', { item: 'BR-1' }, { attempts: 1 });
    await waitFor(() => refusals > 0, 10_000);
    const other = await queue.add('score-item', { item: 'BR-2' }, { attempts: 1 });

    expect(await other.waitUntilFinished(events, 10_000)).toEqual({ scored: 'BR-2' });
    // Done while the refused job still waited out its Retry-After, not after a pause of the whole queue.
    expect(await refused.getState()).toBe('delayed');
    expect(await refused.waitUntilFinished(events, 10_000)).toEqual({ scored: 'BR-1' });
    // The wait spent no attempt: the job had one, and it succeeded.
    expect((await queue.getJob(refused.id!))?.attemptsMade).toBe(1);
  });

  it('a tracker answering 429 forever ends the job as failed, with the reason, once its pauses add up past the limit', async () => {
    let calls = 0;
    const handlers = {
      'score-item': async () => {
        calls += 1;
        throw new TrackerError('rateLimit', 'jira', 'Request failed with status code 429', {
          status: 429,
          retryAfterMs: 1_000,
        });
      },
    } as unknown as JobHandlers;
    const { queue, events } = startWorker(handlers, 2_500);
    await events.waitUntilReady();

    const job = await queue.add('score-item', {}, { attempts: 3 });
    const outcome = await job.waitUntilFinished(events, 10_000).then(
      () => 'completed',
      (error: Error) => error.message,
    );

    expect(outcome).toMatch(/jira kept answering 429 \(rate limited\): held back 3\.0 s in all/);
    const failed = await queue.getJob(job.id!);
    expect(await failed?.getState()).toBe('failed');
    // The 429s before were waited out without spending attempts; the third pause went past the limit and failed it.
    expect(calls).toBe(3);
    expect(failed?.attemptsMade).toBe(1);

    // Retried by a person (the console, Bull Board): a fresh limit, not a failure at the first 429.
    await failed?.retry('failed');
    await job.waitUntilFinished(events, 10_000).catch(() => undefined);
    expect(calls).toBe(6);
  });
});

describe("Jira's quota 429 asking to wait longer than a job waits in place", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A job reading BR-1 through the real adapter; the sandbox refuses its first read with a quota 429. */
  function quotaRefused(retryAfterSeconds: number) {
    const issue = [...h.sandbox.state.issues.values()].find((candidate) => candidate.key === 'BR-1')!;
    h.sandbox.injectFault({
      pathPrefix: `/rest/api/3/issue/${issue.id}`,
      method: 'GET',
      status: 429,
      count: 1,
      retryAfterSeconds,
      rateLimitReason: 'jira-quota-tenant-based',
    });
    let reads = 0;
    const handlers = {
      'score-item': async () => {
        reads += 1;
        const item = await h.jira.getItem({ tracker: 'jira', id: issue.id, key: 'BR-1' });
        return { read: item.ref.key };
      },
    } as unknown as JobHandlers;
    return { handlers, reads: () => reads };
  }

  it('is delayed until Jira allows again, spending no attempt, and then runs', async () => {
    const { handlers, reads } = quotaRefused(2);
    // Waits in place up to 1 s: the 2 s Jira asks for is longer.
    const { queue, events } = startWorker(handlers, 1_000, 60_000);
    await events.waitUntilReady();

    const job = await queue.add('score-item', {}, { attempts: 1 });
    const settled = ['delayed', 'failed', 'completed'];
    const state = await waitFor(async () => {
      const now = await job.getState();
      return reads() > 0 && settled.includes(now) ? now : undefined;
    }, 10_000);
    expect(state).toBe('delayed');
    const outcome = await job.waitUntilFinished(events, 15_000).catch((error: Error) => error.message);

    expect(outcome).toEqual({ read: 'BR-1' });
    expect(reads()).toBe(2);
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
  });

  it('fails at once, saying why, when the wait would take its delays past RATE_LIMIT_MAX_DELAY_MS', async () => {
    const { handlers, reads } = quotaRefused(5);
    const { queue, events } = startWorker(handlers, 1_000, 3_000);
    await events.waitUntilReady();

    const job = await queue.add('score-item', {}, { attempts: 3 });
    const outcome = await job.waitUntilFinished(events, 10_000).then(
      () => 'completed',
      (error: Error) => error.message,
    );

    expect(outcome).toMatch(
      /^jira asked to wait 5\.0 s \(rate limited, 429\): 5\.0 s of delays in all, more than RATE_LIMIT_MAX_DELAY_MS/,
    );
    expect(outcome).toContain('last answer: Jira getIssue failed with 429');
    const failed = await queue.getJob(job.id!);
    expect(await failed?.getState()).toBe('failed');
    expect(reads()).toBe(1);
    expect(failed?.attemptsMade).toBe(1);
  });
});

describe("Jira's quota spent: every job of the site waits out one 429, and only the first asked", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /**
   * The service's Jira adapter, as its workers build it (`createTrackers`), against the sandbox, whose quota is
   * spent: the first request gets a quota 429 asking `retryAfterSeconds`, and the sandbox then refuses every
   * request of the site until that time, as Jira does until the hour turns. Jobs read BR-1, BR-2 and SUP-1.
   */
  const KEYS = ['BR-1', 'BR-2', 'SUP-1'];
  async function quotaSpent(retryAfterSeconds: number, giveUpMs: number, maxDelayMs: number) {
    const answeredBefore = h.sandbox.rateLimited.length;
    h.sandbox.injectFault({
      pathPrefix: '/rest/api/3/',
      status: 429,
      count: 1,
      retryAfterSeconds,
      rateLimitReason: 'jira-quota-tenant-based',
    });
    const keyPrefix = uniquePrefix('lockout');
    const redis = new Redis(testRedisUrl());
    closers.push(() => redis.quit());
    await redis.ping();
    const config = testConfig({
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: keyPrefix,
      JIRA_BASE_URL: h.baseUrl,
      JIRA_EMAIL: h.sandbox.botCredentials.email,
      JIRA_API_TOKEN: h.sandbox.botCredentials.apiToken,
      RATE_LIMIT_GIVE_UP_MS: String(giveUpMs),
      RATE_LIMIT_MAX_DELAY_MS: String(maxDelayMs),
    });
    const jira = createTrackers({ config, log: createLogger({ level: 'silent' }), redis }).get(
      'jira',
    ) as Tracker;
    const handlers = {
      'score-item': async (data: { key: string }) => {
        const issue = [...h.sandbox.state.issues.values()].find((candidate) => candidate.key === data.key)!;
        const item = await jira.getItem({ tracker: 'jira', id: issue.id, key: data.key });
        return { read: item.ref.key };
      },
    } as unknown as JobHandlers;
    const { queue, events } = startWorker(handlers, giveUpMs, maxDelayMs, keyPrefix);
    await events.waitUntilReady();
    const jobs = [];
    for (const key of KEYS) jobs.push(await queue.add('score-item', { key }, { attempts: 1 }));
    // The issues whose reads Jira refused: a read asks for the issue and its remote links at once, so the first
    // job's read may be refused twice; another job's read, never.
    const refused = () => {
      const paths = h.sandbox.rateLimited.slice(answeredBefore).map((answer) => answer.path);
      const ids = paths.map((path) => /\/issue\/([^/]+)/.exec(path)?.[1]);
      return [...new Set(ids)].map((id) => h.sandbox.state.issues.get(id ?? '')?.key ?? id);
    };
    return { queue, events, jobs, refused };
  }

  it('the other jobs are delayed without asking Jira, and all read once the quota is back', async () => {
    const { queue, events, jobs, refused } = await quotaSpent(3, 1_000, 60_000);

    const outcomes = await Promise.all(
      jobs.map((job) => job.waitUntilFinished(events, 20_000).catch((error: Error) => error.message)),
    );

    expect(outcomes).toEqual(KEYS.map((key) => ({ read: key })));
    // One refused request in all: the three jobs after the first learnt the wait from it, not from Jira; and none
    // asked again before Retry-After was over (the sandbox would have refused it).
    expect(refused()).toEqual(['BR-1']);
    for (const job of jobs) expect((await queue.getJob(job.id!))?.attemptsMade).toBe(1);
  });

  it('a job whose delays would pass RATE_LIMIT_MAX_DELAY_MS fails with the reason, without asking Jira', async () => {
    const { queue, events, jobs, refused } = await quotaSpent(10, 1_000, 3_000);

    const outcomes = await Promise.all(
      jobs.map((job) =>
        job.waitUntilFinished(events, 10_000).then(
          () => 'completed',
          (error: Error) => error.message,
        ),
      ),
    );

    for (const outcome of outcomes)
      expect(outcome).toMatch(
        /^jira asked to wait \d+\.\d s \(rate limited, 429\): .* more than RATE_LIMIT_MAX_DELAY_MS/,
      );
    for (const job of jobs) expect(await (await queue.getJob(job.id!))?.getState()).toBe('failed');
    expect(refused()).toEqual(['BR-1']);
  });
});
