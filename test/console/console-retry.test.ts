import { PassThrough } from 'node:stream';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

/** Retrying failed jobs from the operations page, on the real queue of the harness's Redis. */
describe('console operations: retry failed jobs', () => {
  let harness: ApiHarness;
  const logLines: Record<string, unknown>[] = [];
  let editor: ReturnType<typeof consoleClient>;
  let viewer: ReturnType<typeof consoleClient>;

  beforeAll(async () => {
    const logTo = new PassThrough();
    logTo.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    });
    harness = await startApiHarness({
      logTo,
      console: realConsole,
    });
    const users = createRedisUserStore(harness.redis, harness.prefix);
    editor = consoleClient(harness.app);
    viewer = consoleClient(harness.app);
    expect((await editor.signIn((await users.add('ada', 'editor')).token)).statusCode).toBe(303);
    expect((await viewer.signIn((await users.add('vic', 'viewer')).token)).statusCode).toBe(303);
  });
  afterEach(async () => harness.queue.obliterate({ force: true }));
  afterAll(async () => harness?.close());

  /** Jobs that fail for real: a worker that throws takes them once, then stops, so retried jobs stay waiting. */
  async function failedJobs(count: number): Promise<Job[]> {
    const jobs = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        harness.queue.add('score-item', { n: i }, { attempts: 1, removeOnFail: false }),
      ),
    );
    const failed = new Set<string>();
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const worker = new Worker(
      QUEUE_NAME,
      async () => {
        throw new Error('Jira answered 502');
      },
      { connection, prefix: `{${harness.prefix}}` },
    );
    await new Promise<void>((resolve) => {
      worker.on('failed', (job) => {
        if (job?.id) failed.add(job.id);
        if (failed.size === count) resolve();
      });
    });
    await worker.close();
    connection.disconnect();
    return jobs;
  }

  const stateOf = async (id: string) => (await harness.queue.getJob(id))?.getState();

  it('shows a failed job with its reason; an editor retries it and it is back in the queue', async () => {
    const [job] = await failedJobs(1);
    const id = job!.id!;
    const page = await editor.get('/console/operations');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Jira answered 502');
    expect(page.body).toContain(`<input type="hidden" name="id" value="${id}">`);

    const retried = await editor.post('/console/operations/retry', { _csrf: editor.csrf(page.body), id });
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe('/console/operations?done=retried');
    expect(await stateOf(id)).toBe('waiting');
    const after = await editor.get(retried.headers.location as string);
    expect(after.body).toContain('Job queued again.');
    expect(after.body).toContain('No failed job.');
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'Console: failed job retried', person: 'ada', jobId: id }),
    );

    const again = await editor.post('/console/operations/retry', { _csrf: editor.csrf(after.body), id });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain(`Job ${id} is not a failed job.`);
  });

  it('retries every failed job at once', async () => {
    const jobs = await failedJobs(3);
    const page = await editor.get('/console/operations');
    expect(page.body).toContain('data-action="retry-all"');
    const retried = await editor.post('/console/operations/retry-all', { _csrf: editor.csrf(page.body) });
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe('/console/operations?done=retried-all');
    expect(await Promise.all(jobs.map((job) => stateOf(job.id!)))).toEqual(['waiting', 'waiting', 'waiting']);
    expect(await harness.queue.getFailedCount()).toBe(0);
    expect(logLines).toContainEqual(
      expect.objectContaining({ msg: 'Console: all failed jobs retried', person: 'ada', retried: 3 }),
    );
  });

  it('refuses a viewer, who sees no retry button: the job stays failed', async () => {
    const [job] = await failedJobs(1);
    const id = job!.id!;
    const page = await viewer.get('/console/operations');
    expect(page.body).toContain('Jira answered 502');
    expect(page.body).not.toContain('data-action="retry');
    for (const [path, form] of [
      ['/console/operations/retry', { id }],
      ['/console/operations/retry-all', {}],
    ] as const) {
      const refused = await viewer.post(path, { _csrf: viewer.csrf(page.body), ...form });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('only editors act');
    }
    expect(await stateOf(id)).toBe('failed');
  });
});
