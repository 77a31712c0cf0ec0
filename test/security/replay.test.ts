import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, fixtureText } from '../fixtures/index.ts';
import { dedupeRecord } from '../helpers/redis.ts';
import { jiraHeaders, trelloHeaders } from '../helpers/sign.ts';
import { type CapturedApp, postWebhook, startCapturedApp } from './support.ts';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const DAY = 86_400_000;
let api: CapturedApp;
beforeAll(async () => {
  api = await startCapturedApp({ deps: { maxDeliveryAgeMs: DAY, now: () => NOW } });
});
afterAll(async () => {
  await api.close();
});

function jiraComment(text: string, timestamp = NOW - 60_000): string {
  const body = fixture<{ timestamp: number; comment: { body: string } }>('jira/comment_created');
  body.comment.body = text;
  body.timestamp = timestamp;
  return JSON.stringify(body);
}

function trelloComment(text: string, date: string, extra: Record<string, unknown> = {}): string {
  const body = fixture<{ action: { id: string; date: string; data: { text: string } } }>(
    'trello/commentCard',
  );
  body.action.id = `replay-${text.length}-${date}`;
  body.action.date = date;
  body.action.data.text = text;
  return JSON.stringify({ ...body, ...extra });
}

const warnings = (message: string) =>
  api.lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === message);

describe('S8 replay of a captured delivery', () => {
  it('100 copies now, sequential and concurrent, make one job', async () => {
    const body = jiraComment('/help');
    const headers = jiraHeaders(body, 'captured-1');

    const first = await postWebhook(api.app, 'jira', body, headers);
    const burst = await Promise.all(
      Array.from({ length: 50 }, () => postWebhook(api.app, 'jira', body, headers)),
    );
    const trickle = [];
    for (let i = 0; i < 49; i++) trickle.push(await postWebhook(api.app, 'jira', body, headers));

    expect(first.statusCode).toBe(202);
    expect([...burst, ...trickle].every((r) => r.statusCode === 200 && r.json().duplicate)).toBe(true);
    await api.harness.drain();
    expect(await api.harness.queue.count()).toBe(1);
    expect(warnings('Delivery id reused with a different body')).toEqual([]);
  });

  it('a Trello replay is keyed on action.id; the same action through another webhook is not a reuse', async () => {
    const date = new Date(NOW - 1_000).toISOString();
    const body = trelloComment('/help', date);
    const otherWebhook = trelloComment('/help', date, { model: { id: 'another-board' } });

    const answers = [
      await postWebhook(api.app, 'trello', body, trelloHeaders(body)),
      await postWebhook(api.app, 'trello', body, trelloHeaders(body)),
      await postWebhook(api.app, 'trello', otherWebhook, trelloHeaders(otherWebhook)),
    ];

    expect(answers.map((r) => r.statusCode)).toEqual([202, 200, 200]);
    expect(warnings('Delivery id reused with a different body')).toEqual([]);
  });

  it('the dedupe record keeps the body hash; an id reused with another body is logged and dropped', async () => {
    const original = jiraComment('/help (reused id)');
    const forged = jiraComment('/score impact=5');
    await postWebhook(api.app, 'jira', original, jiraHeaders(original, 'reused-id'));

    const again = await postWebhook(api.app, 'jira', forged, jiraHeaders(forged, 'reused-id'));
    // Bodies not seen before: a body already accepted is a replay whatever id it carries (next test).
    const [first, second] = [jiraComment('/help (raced)'), jiraComment('/score impact=5 (raced)')];
    const raced = await Promise.all([
      postWebhook(api.app, 'jira', first, jiraHeaders(first, 'raced-id')),
      postWebhook(api.app, 'jira', second, jiraHeaders(second, 'raced-id')),
    ]);

    expect(again.json()).toEqual({ duplicate: true, eventId: 'jira.reused-id' });
    expect(raced.map((r) => r.statusCode).sort()).toEqual([200, 202]);
    expect((await dedupeRecord(api.harness.redis, api.harness.prefix, 'jira.reused-id'))?.value).toMatch(
      /^\d+ [0-9a-f]{64}$/,
    );
    expect(warnings('Delivery id reused with a different body').map((w) => w.deliveryId)).toEqual([
      'jira.reused-id',
      'jira.raced-id',
    ]);
  });
});

describe('S8 replay of a captured delivery under new ids (issue 12)', () => {
  it('the same bytes with ids B and C: the second is a duplicate and adds no job', async () => {
    const body = jiraComment('/score impact=5 reach=500 effort=0.1');
    await api.harness.drain();
    const jobsBefore = await api.harness.queue.count();

    const b = await postWebhook(api.app, 'jira', body, jiraHeaders(body, 'captured-B'));
    const c = await postWebhook(api.app, 'jira', body, jiraHeaders(body, 'captured-C'));
    await api.harness.drain();

    expect(b.statusCode).toBe(202);
    expect(c.statusCode).toBe(200);
    expect(c.json()).toEqual({ duplicate: true, eventId: 'jira.captured-C' });
    expect(await api.harness.queue.count()).toBe(jobsBefore + 1);
    expect(
      warnings('Delivery body already accepted under another id').map((w) => [
        w.deliveryId,
        w.originalDeliveryId,
      ]),
    ).toEqual([['jira.captured-C', 'jira.captured-B']]);
  });

  it('concurrent copies under many ids make one job', async () => {
    const body = jiraComment('/help (burst under new ids)');
    await api.harness.drain();
    const jobsBefore = await api.harness.queue.count();

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postWebhook(api.app, 'jira', body, jiraHeaders(body, `copy-${i}`)),
      ),
    );
    await api.harness.drain();

    expect(answers.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(answers.filter((r) => r.statusCode === 200 && r.json().duplicate)).toHaveLength(19);
    expect(await api.harness.queue.count()).toBe(jobsBefore + 1);
  });
});

describe('S9 stale replay: older than the dedupe window → 200 and ignored', () => {
  it.each([
    ['jira', 8 * DAY, 200],
    ['jira', DAY + 1_000, 200],
    ['jira', DAY, 202],
    ['jira', DAY - 60_000, 202],
    ['trello', 8 * DAY, 200],
    ['trello', DAY - 60_000, 202],
  ] as const)('%s delivery sent %d ms ago → %d', async (tracker, ageMs, status) => {
    const sent = NOW - ageMs;
    const body =
      tracker === 'jira'
        ? jiraComment(`/help ${ageMs}`, sent)
        : trelloComment(`/help ${ageMs}`, new Date(sent).toISOString());
    const headers = tracker === 'jira' ? jiraHeaders(body) : trelloHeaders(body);
    await api.harness.drain();
    const jobsBefore = await api.harness.queue.count();

    const response = await postWebhook(api.app, tracker, body, headers);

    expect(response.statusCode).toBe(status);
    if (status === 200) {
      // 200, not 408/409/425/429/5xx: Jira must not retry it, and Trello must not count it as a failure.
      expect(response.json()).toEqual({ ignored: 'stale delivery, older than the dedupe window' });
      expect(warnings('Stale delivery ignored (older than the dedupe window)').at(-1)).toMatchObject({
        deliveryId: expect.stringMatching(`^${tracker}\\.`),
        ageMs,
      });
      await api.harness.drain();
      expect(await api.harness.queue.count()).toBe(jobsBefore);
    }
  });

  it('is checked only after the signature: a stale forgery is still 401', async () => {
    const body = jiraComment('/help', NOW - 8 * DAY);

    const response = await postWebhook(api.app, 'jira', body, {
      ...jiraHeaders(body),
      'x-hub-signature': 'sha256=00',
    });

    expect(response.statusCode).toBe(401);
  });

  it('a delivery without a timestamp is judged by its id alone', async () => {
    const body = JSON.stringify({ ...JSON.parse(fixtureText('jira/comment_created')), timestamp: undefined });

    const response = await postWebhook(api.app, 'jira', body, jiraHeaders(body));

    expect(response.statusCode).toBe(202);
  });
});

describe('what intake tells the operator', () => {
  it('an accepted delivery is logged with its id, kind and item; an ignored one at debug with the reason', async () => {
    const body = jiraComment('/help (logged)');
    const ignored = JSON.stringify({ webhookEvent: 'board_created', timestamp: NOW });

    await postWebhook(api.app, 'jira', body, jiraHeaders(body, 'logged-1'));
    await postWebhook(api.app, 'jira', ignored, jiraHeaders(ignored, 'ignored-1'));

    expect(warnings('Delivery accepted').at(-1)).toMatchObject({
      deliveryId: 'jira.logged-1',
      kind: 'comment.created',
      item: 'ZUL-1',
    });
    expect(warnings('Delivery ignored').at(-1)).toMatchObject({
      deliveryId: 'jira.ignored-1',
      reason: expect.stringMatching(/\S/),
    });
  });
});
