import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrackerError } from '../../../src/errors.ts';
import { createLinkIndexStore } from '../../../src/linking/index.ts';
import { instrumentTracker } from '../../../src/metrics/instrumented-tracker.ts';
import { createMemoryTracker, memoryItem } from '../../audit/memory-tracker.ts';
import { fixture, fixtureText } from '../../fixtures/index.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { jiraHeaders, trelloHeaders } from '../../helpers/sign.ts';
import { testConfig } from '../../helpers/test-config.ts';
import { parsePrometheus } from './admin-client.ts';

const SELF = 'service-account';
let api: ApiHarness;
beforeEach(async () => {
  api = await startApiHarness({ admin: {}, selfIds: { jira: SELF } });
});
afterEach(async () => {
  await api.close();
});

/** What a scrape shows: the route writes the counts the sink still holds before it reads them back. */
async function scrape() {
  const response = await api.app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(response.body);
}
const value = (
  samples: Awaited<ReturnType<typeof scrape>>,
  name: string,
  labels: Record<string, string> = {},
) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('GET /metrics', () => {
  it('counts deliveries by outcome, rejections by reason and duplicates', async () => {
    const body = fixtureText('jira/comment_created');
    const headers = jiraHeaders(body, 'metrics-1');
    const post = (h: Record<string, string>) =>
      api.app.inject({ method: 'POST', url: '/webhooks/jira', payload: body, headers: h });
    await post(headers);
    await post(headers);
    await post({ ...headers, 'x-hub-signature': 'sha256=00' });

    const samples = await scrape();

    expect(
      value(samples, 'refinery_webhook_deliveries_total', { tracker: 'jira', outcome: 'accepted' }),
    ).toBe(1);
    expect(value(samples, 'refinery_webhook_duplicates_total', { tracker: 'jira' })).toBe(1);
    expect(
      value(samples, 'refinery_webhook_rejected_total', { tracker: 'jira', reason: 'bad_signature' }),
    ).toBe(1);
  });

  it('counts each way a delivery is turned away: invalid, ignored, the service own', async () => {
    const post = async (body: string) =>
      (
        await api.app.inject({
          method: 'POST',
          url: '/webhooks/jira',
          payload: body,
          headers: jiraHeaders(body),
        })
      ).statusCode;
    const own = fixture<{ comment: { author: { accountId: string } } }>('jira/comment_created');
    own.comment.author.accountId = SELF;

    const answers = [
      await post(JSON.stringify({ timestamp: 1 })),
      await post(JSON.stringify({ webhookEvent: 'board_created', timestamp: Date.now() })),
      await post(JSON.stringify(own)),
    ];
    const samples = await scrape();

    expect(answers).toEqual([400, 200, 200]);
    const outcome = (name: string) =>
      value(samples, 'refinery_webhook_deliveries_total', { tracker: 'jira', outcome: name });
    expect([outcome('invalid'), outcome('ignored'), outcome('own_event'), outcome('accepted')]).toEqual([
      1,
      1,
      1,
      undefined,
    ]);
  });

  it('counts deliveries to a tracker that is not configured, and the ones the queue could not take', async () => {
    const bare = await startApiHarness({
      admin: {},
      config: testConfig({
        TRELLO_API_KEY: undefined,
        TRELLO_API_TOKEN: undefined,
        TRELLO_API_SECRET: undefined,
      }),
    });
    const body = fixtureText('trello/commentCard');
    const answer = await bare.app.inject({
      method: 'POST',
      url: '/webhooks/trello',
      payload: body,
      headers: trelloHeaders(body),
    });
    const response = await bare.app.inject({ method: 'GET', url: '/metrics' });
    await bare.close();

    expect(answer.statusCode).toBe(404);
    const samples = parsePrometheus(response.body);
    expect(
      value(samples, 'refinery_webhook_deliveries_total', { tracker: 'trello', outcome: 'unconfigured' }),
    ).toBe(1);
    expect(
      value(samples, 'refinery_webhook_rejected_total', { tracker: 'trello', reason: 'unconfigured' }),
    ).toBe(1);
  });

  it('shows the intake backlog: deliveries accepted and not yet relayed to jobs', async () => {
    const bodies = ['/help one', '/help two'].map((text) => {
      const delivery = JSON.parse(fixtureText('jira/comment_created')) as { comment: { body: string } };
      delivery.comment.body = text;
      return JSON.stringify(delivery);
    });
    for (const body of bodies)
      await api.app.inject({
        method: 'POST',
        url: '/webhooks/jira',
        payload: body,
        headers: jiraHeaders(body),
      });

    const before = await scrape();
    await api.drain();
    const after = await scrape();

    expect(value(before, 'refinery_intake_backlog')).toBe(2);
    expect(value(after, 'refinery_intake_backlog')).toBe(0);
  });

  it('shows how many items the link index holds, as indexing jobs and backfills leave it', async () => {
    const index = createLinkIndexStore(api.redis, api.prefix);
    const item = (key: string) => ({
      ref: { tracker: 'jira' as const, id: key, key },
      title: `Item ${key}`,
      description: '',
      created: '2026-12-01T00:00:00.000Z',
      url: `https://acme.atlassian.net/browse/${key}`,
    });
    await index.put(item('APP-1'));
    await index.put(item('APP-2'));
    const before = await scrape();
    await index.delete(item('APP-1').ref);
    const after = await scrape();

    expect([
      value(before, 'refinery_link_index_documents'),
      value(after, 'refinery_link_index_documents'),
    ]).toEqual([2, 1]);
  });

  it('reads queue depth and the oldest wait from the queue on scrape', async () => {
    await api.queue.add('run-commands', {}, { timestamp: Date.now() - 30_000 });

    const samples = await scrape();

    expect(value(samples, 'refinery_queue_jobs', { state: 'waiting' })).toBe(1);
    expect(value(samples, 'refinery_queue_oldest_wait_seconds')).toBeGreaterThanOrEqual(30);
  });

  it('shows job durations, tracker calls and 429s that any process pushed', async () => {
    const sink = api.metrics!.sink;
    sink.job('run-commands', 'completed', 300);
    sink.job('run-commands', 'completed', 4_000);
    const tracker = instrumentTracker(createMemoryTracker([memoryItem('ABC-1')]), sink);
    await tracker.getItem(memoryItem('ABC-1').ref);
    await expect(tracker.getItem(memoryItem('ABC-9').ref)).rejects.toBeInstanceOf(TrackerError);
    sink.rateLimited('trello', 10_000, 'tracker');

    const samples = await scrape();

    const job = { capability: 'run-commands', outcome: 'completed' };
    expect(value(samples, 'refinery_job_duration_seconds_count', job)).toBe(2);
    expect(value(samples, 'refinery_job_duration_seconds_sum', job)).toBeCloseTo(4.3);
    expect(value(samples, 'refinery_job_duration_seconds_bucket', { ...job, le: '0.5' })).toBe(1);
    expect(value(samples, 'refinery_job_duration_seconds_bucket', { ...job, le: '+Inf' })).toBe(2);
    expect(value(samples, 'refinery_tracker_calls_total', { operation: 'getItem', status: 'ok' })).toBe(1);
    expect(value(samples, 'refinery_tracker_calls_total', { operation: 'getItem', status: 'notFound' })).toBe(
      1,
    );
    expect(value(samples, 'refinery_tracker_rate_limit_wait_seconds_total', { tracker: 'trello' })).toBe(10);
  });
});

describe('docs/admin-api.md metrics table', () => {
  it('names every metric /metrics serves, and only those', async () => {
    const doc = readFileSync(new URL('../../../docs/admin-api.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('| metric | labels |'));
    const documented = [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap(([, cell = '']) =>
      [...cell.matchAll(/`(refinery_\w+)`/g)].map((match) => match[1]),
    );
    const response = await api.app.inject({ method: 'GET', url: '/metrics' });
    const served = [...response.body.matchAll(/^# TYPE (\w+) /gm)].map((match) => match[1]);

    expect(documented.sort()).toEqual(served.sort());
  });
});

describe('GET /docs', () => {
  it('serves the OpenAPI document built from the route schemas', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/docs/json' });

    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    const command = document.paths['/admin/actions/command'].post;
    expect(command.security).toEqual([{ bearer: [] }]);
    expect(command.requestBody.content['application/json'].schema.required).toEqual([
      'tracker',
      'item',
      'command',
    ]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/admin/jobs/failed', '/admin/audit/{id}/undo', '/metrics']),
    );
    expect(Object.keys(document.paths).some((path) => path.startsWith('/admin/queues'))).toBe(false);
  });

  it('serves the UI', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/docs/' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger');
  });
});
