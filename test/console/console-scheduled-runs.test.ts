import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisUserStore } from '../../src/console/users.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import { registerSchedules } from '../../workers/schedules.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';
import { adminClient } from '../http/admin/admin-client.ts';
import { consoleClient } from './console-client.ts';
import { realConsole } from './real-console.ts';

/** The page's text as the operator reads it: tags dropped, blanks collapsed. */
const text = (body: string) =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The queue table of the operations page: each state's header with the figure under it. */
function depths(body: string): Record<string, string> {
  const table = /<table class="depths">[\s\S]*?<\/table>/.exec(body)?.[0] ?? '';
  const heads = [...table.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1] ?? '');
  const cells = [...table.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1] ?? '');
  return Object.fromEntries(heads.map((head, i) => [head, cells[i] ?? '']));
}

/** A quiet site whose workers registered the link reconcile (LINK_RECONCILE_INTERVAL_MS), as every worker does. */
describe('console operations: scheduled runs are not delayed jobs', () => {
  let harness: ApiHarness;
  let viewer: ReturnType<typeof consoleClient>;
  const admin = adminClient(() => harness.app);

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole, admin: {} });
    const config = testConfig({ REDIS_URL: testRedisUrl(), QUEUE_PREFIX: harness.prefix });
    await registerSchedules(config, defaultRules(), createLogger({ level: 'silent' }));
    viewer = consoleClient(harness.app);
    const users = createRedisUserStore(harness.redis, harness.prefix);
    expect((await viewer.signIn((await users.add('ada', 'viewer')).token)).statusCode).toBe(303);
  });
  afterAll(async () => harness?.close());

  /** When the reconcile runs next, as the page writes times (minutes, UTC). */
  async function nextReconcile(): Promise<string> {
    const scheduler = await harness.queue.getJobScheduler('linking.reconcile-remote-links');
    return new Date(scheduler?.next ?? 0).toISOString().slice(0, 16).replace('T', ' ');
  }

  it('shows "delayed 0" on a quiet site, and the link reconcile apart with its next run', async () => {
    const page = await viewer.get('/console/operations');

    expect(depths(page.body)).toMatchObject({ waiting: '0', active: '0', delayed: '0' });
    expect(text(page.body)).toContain(`reconcile-remote-links, next run at ${await nextReconcile()} UTC`);
    const counts = await admin('GET', '/admin/jobs/counts');
    expect(counts.json()).toMatchObject({ delayed: 0, scheduled: 1 });
    // An alert on delayed jobs must not fire for good on a quiet site.
    const metrics = (await harness.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('refinery_queue_jobs{state="delayed"} 0');
    expect(metrics).toContain('refinery_queue_jobs{state="scheduled"} 1');
  });

  it('counts a job waiting out a retry as delayed, beside the scheduled run', async () => {
    await harness.queue.add('score-item', { n: 1 }, { delay: 60_000 });

    const page = await viewer.get('/console/operations');

    expect(depths(page.body)).toMatchObject({ delayed: '1' });
    expect(text(page.body)).toContain(`reconcile-remote-links, next run at ${await nextReconcile()} UTC`);
    const counts = await admin('GET', '/admin/jobs/counts');
    expect(counts.json()).toMatchObject({ delayed: 1, scheduled: 1 });
    const metrics = (await harness.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('refinery_queue_jobs{state="delayed"} 1');
  });

  it('lists the retry under state=delayed and the scheduled run under state=scheduled, as the counts say', async () => {
    const delayed = (await admin('GET', '/admin/jobs?state=delayed')).json();
    const scheduled = (await admin('GET', '/admin/jobs?state=scheduled')).json();
    const all = (await admin('GET', '/admin/jobs?limit=200')).json();

    expect(delayed).toMatchObject({ total: 1, jobs: [{ name: 'score-item', state: 'delayed' }] });
    expect(scheduled).toMatchObject({
      total: 1,
      jobs: [{ name: 'reconcile-remote-links', state: 'scheduled' }],
    });
    const states = all.jobs.map((job: { name: string; state: string }) => `${job.name} ${job.state}`);
    expect(states).toEqual(['score-item delayed', 'reconcile-remote-links scheduled']);
    expect(all.total).toBe(2);
  });

  it('pages the delayed jobs around the scheduled runs, each job once', async () => {
    // Due before and after the reconcile's next run, so the scheduled run sits between them in the delayed list.
    for (const delay of [60_000, 120_000, 7 * 3_600_000, 8 * 3_600_000])
      await harness.queue.add('score-item', { delay }, { delay });

    const pages = [];
    for (let offset = 0; offset < 6; offset += 2)
      pages.push(...(await admin('GET', `/admin/jobs?state=delayed&offset=${offset}&limit=2`)).json().jobs);

    expect(pages.map((job: { state: string }) => job.state)).toEqual(Array(5).fill('delayed'));
    expect(new Set(pages.map((job: { id: string }) => job.id)).size).toBe(5);
  });
});
