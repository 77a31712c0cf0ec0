import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../../../src/queue/jobs.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { testRedisUrl } from '../../helpers/redis.ts';
import { adminClient } from './admin-client.ts';

let api: ApiHarness;
let logged: Record<string, unknown>[] = [];
beforeEach(async () => {
  logged = [];
  api = await startApiHarness({
    admin: {},
    logTo: { write: (line: string) => void logged.push(JSON.parse(line)) },
  });
});
afterEach(async () => {
  await api.close();
});
const admin = adminClient(() => api.app);

/** Adds jobs and lets a worker fail the ones named `boom`, as a tracker outage would. */
async function seed() {
  const event = { item: { key: 'ABC-1' } };
  await api.queue.add('boom', { event }, { jobId: 'failing-1', attempts: 1 });
  await api.queue.add('boom', { event }, { jobId: 'failing-2', attempts: 1 });
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const worker = new Worker(
    QUEUE_NAME,
    async () => {
      throw new Error('Jira server 503');
    },
    { connection, prefix: `{${api.prefix}}` },
  );
  const failed = new Promise<void>((resolve) => {
    let count = 0;
    worker.on('failed', () => ++count === 2 && resolve());
  });
  await failed;
  await worker.close();
  connection.disconnect();
  await api.queue.add('later', { event }, { jobId: 'waiting-1', delay: 60_000 });
}

/** Runs a worker on the harness's queue until `done` jobs finished (completed or failed). */
async function work(processor: (job: Job) => Promise<unknown>, done: number) {
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const worker = new Worker(QUEUE_NAME, processor, { connection, prefix: `{${api.prefix}}` });
  await new Promise<void>((resolve) => {
    let count = 0;
    const finished = () => ++count === done && resolve();
    worker.on('completed', finished);
    worker.on('failed', (job) => job && job.attemptsMade >= (job.opts.attempts ?? 1) && finished());
  });
  await worker.close();
  connection.disconnect();
}

/** A job that used up its attempts during an outage, then a tracker that fails once more before it answers. */
async function outageThenHiccup(retry: () => Promise<unknown>) {
  const retryPolicy = { attempts: 3, backoff: { type: 'fixed', delay: 10 } };
  await api.queue.add(
    'score-item',
    { event: { item: { key: 'ABC-7' } } },
    { jobId: 'outage-1', ...retryPolicy },
  );
  await work(async () => {
    throw new Error('Jira server 503');
  }, 1);
  await retry();
  const tries: number[] = [];
  await work(async (job) => {
    tries.push(job.attemptsMade);
    if (tries.length === 1) throw new Error('socket hang up');
    return { scored: true };
  }, 1);
  return tries;
}

describe('admin jobs', () => {
  it('counts jobs per state', async () => {
    await seed();

    const response = await admin('GET', '/admin/jobs/counts');

    expect(response.json()).toMatchObject({ failed: 2, delayed: 1, waiting: 0, active: 0 });
  });

  it('lists failed jobs with their error and item', async () => {
    await seed();

    const response = await admin('GET', '/admin/jobs/failed?limit=1');

    expect(response.statusCode).toBe(200);
    expect(response.json().total).toBe(2);
    expect(response.json().jobs).toEqual([
      expect.objectContaining({
        name: 'boom',
        state: 'failed',
        item: 'ABC-1',
        failedReason: 'Jira server 503',
      }),
    ]);
  });

  it('lists the jobs of one state or of all, with the same paging', async () => {
    await seed();

    const delayed = await admin('GET', '/admin/jobs?state=delayed');
    const failed = await admin('GET', '/admin/jobs?state=failed&offset=1&limit=1');
    const all = await admin('GET', '/admin/jobs');
    const bogus = await admin('GET', '/admin/jobs?state=broken');

    expect(delayed.json()).toEqual({
      total: 1,
      jobs: [expect.objectContaining({ id: 'waiting-1', name: 'later', state: 'delayed', item: 'ABC-1' })],
    });
    expect(failed.json().total).toBe(2);
    expect(failed.json().jobs).toEqual([
      expect.objectContaining({ state: 'failed', failedReason: 'Jira server 503' }),
    ]);
    expect(all.json().total).toBe(3);
    expect(
      all
        .json()
        .jobs.map((job: { id: string }) => job.id)
        .sort(),
    ).toEqual(['failing-1', 'failing-2', 'waiting-1']);
    const pages = [
      await admin('GET', '/admin/jobs?limit=2'),
      await admin('GET', '/admin/jobs?offset=2&limit=2'),
    ].map((page) => page.json().jobs.map((job: { id: string }) => job.id));
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    expect(pages.flat().sort()).toEqual(['failing-1', 'failing-2', 'waiting-1']);
    expect(bogus.statusCode).toBe(400);
    expect(bogus.json().message).toMatch(/^querystring\/state /);
  });

  it('shows the progress of a running capability job, as a re-score reports it', async () => {
    const job = await api.queue.add(
      'rescore-scope',
      { tracker: 'jira', container: 'APP' },
      { jobId: 'rescore-1' },
    );
    await job.updateProgress({ pages: 2, seen: 100, written: 40, unchanged: 58, skipped: 2, failed: 0 });

    const response = await admin('GET', '/admin/jobs/rescore-1');

    expect(response.json()).toMatchObject({
      id: 'rescore-1',
      progress: { pages: 2, seen: 100, written: 40, unchanged: 58, skipped: 2, failed: 0 },
    });
  });

  it('gets one job, and 404 for an unknown one', async () => {
    await seed();

    const found = await admin('GET', '/admin/jobs/failing-1');
    const missing = await admin('GET', '/admin/jobs/nope');

    expect(found.json()).toMatchObject({ id: 'failing-1', state: 'failed', attemptsMade: 1 });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('No job nope');
  });

  it('retries one failed job, and refuses a job that did not fail', async () => {
    await seed();

    const retried = await admin('POST', '/admin/jobs/failing-1/retry');
    const refused = await admin('POST', '/admin/jobs/waiting-1/retry');

    expect(retried.json()).toMatchObject({ id: 'failing-1', state: 'waiting' });
    expect(refused.statusCode).toBe(409);
    expect(await api.queue.getFailedCount()).toBe(1);
  });

  it('retries every failed job', async () => {
    await seed();

    const response = await admin('POST', '/admin/jobs/failed/retry');

    expect(response.json()).toEqual({ retried: 2 });
    expect(await api.queue.getJobCounts('failed', 'waiting')).toEqual({ failed: 0, waiting: 2 });
  });

  it('gives a retried job its attempts again, so one more hiccup is retried with backoff', async () => {
    const tries = await outageThenHiccup(() => admin('POST', '/admin/jobs/outage-1/retry'));

    expect(await (await api.queue.getJob('outage-1'))?.getState()).toBe('completed');
    expect(tries).toEqual([0, 1]);
  });

  it('gives every job of a bulk retry its attempts again', async () => {
    const tries = await outageThenHiccup(() => admin('POST', '/admin/jobs/failed/retry'));

    expect(await (await api.queue.getJob('outage-1'))?.getState()).toBe('completed');
    expect(tries).toEqual([0, 1]);
  });

  it('retries a job once when two operators retry it at the same moment', async () => {
    await seed();

    const answers = await Promise.all([
      admin('POST', '/admin/jobs/failing-1/retry'),
      admin('POST', '/admin/jobs/failing-1/retry'),
      admin('POST', '/admin/jobs/failed/retry'),
      admin('POST', '/admin/jobs/failed/retry'),
    ]);

    const [one, two, all, again] = answers;
    expect([one?.statusCode, two?.statusCode].sort()).toEqual(
      one?.statusCode === two?.statusCode ? [409, 409] : [200, 409],
    );
    expect([all?.statusCode, again?.statusCode]).toEqual([200, 200]);
    const singles = [one, two].filter((answer) => answer?.statusCode === 200).length;
    expect(singles + all?.json().retried + again?.json().retried).toBe(2);
    expect(await api.queue.getJobCounts('failed', 'waiting')).toEqual({ failed: 0, waiting: 2 });
  });

  it('pauses the queue, so workers take no job and spend no attempt, and resumes it', async () => {
    await api.queue.add('score-item', { event: { item: { key: 'ABC-3' } } }, { jobId: 'held-1' });

    const paused = await admin('POST', '/admin/queue/pause');
    const whilePaused = await admin('GET', '/admin/queue');
    const ran: string[] = [];
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const worker = new Worker(QUEUE_NAME, async (job) => void ran.push(job.id ?? ''), {
      connection,
      prefix: `{${api.prefix}}`,
    });
    const completed = new Promise<void>((resolve) => worker.once('completed', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const heldBack = [...ran];
    const resumed = await admin('POST', '/admin/queue/resume');
    await completed;
    await worker.close();
    connection.disconnect();

    expect(paused.json()).toEqual({ paused: true });
    expect(whilePaused.json()).toMatchObject({ paused: true, counts: { waiting: 1, active: 0 } });
    expect(heldBack).toEqual([]);
    expect(resumed.json()).toEqual({ paused: false });
    expect(ran).toEqual(['held-1']);
  });

  it('logs each retry and removal an operator makes, with the job and the caller', async () => {
    await seed();

    await admin('POST', '/admin/jobs/failing-1/retry');
    await admin('POST', '/admin/jobs/failed/retry');
    await admin('DELETE', '/admin/jobs/waiting-1');

    const lines = logged
      .filter((line) => typeof line.msg === 'string' && /^(Job|Failed jobs)/.test(line.msg))
      .map(({ msg, jobId, retried, clientAddress }) => ({ msg, jobId, retried, clientAddress }));
    expect(lines).toEqual([
      { msg: 'Job retried', jobId: 'failing-1', retried: undefined, clientAddress: '127.0.0.1' },
      { msg: 'Failed jobs retried', jobId: undefined, retried: 1, clientAddress: '127.0.0.1' },
      { msg: 'Job removed', jobId: 'waiting-1', retried: undefined, clientAddress: '127.0.0.1' },
    ]);
  });

  it('removes a job', async () => {
    await seed();

    const response = await admin('DELETE', '/admin/jobs/waiting-1');

    expect(response.json()).toEqual({ removed: 'waiting-1' });
    expect(await api.queue.getJob('waiting-1')).toBeUndefined();
  });

  it('refuses with 409 to remove a job a worker takes between the state check and the removal', async () => {
    await seed();
    // What a worker leaves the moment it takes the job: its lock. The job still reads as delayed/waiting.
    await api.redis.set(`${api.queue.toKey('waiting-1')}:lock`, 'worker-token', 'PX', 30_000);

    const response = await admin('DELETE', '/admin/jobs/waiting-1');

    expect(response.statusCode).toBe(409);
    expect(response.json().message).toMatch(/waiting-1.*(running|locked)/);
    expect(await api.queue.getJob('waiting-1')).toBeDefined();
  });

  it('refuses a query out of range with 400', async () => {
    const response = await admin('GET', '/admin/jobs/failed?limit=5000');

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/limit/);
  });
});
