import { afterEach, beforeEach, expect, it } from 'vitest';
import { intakeStreamKey } from '../../src/queue/intake.ts';
import { fixture } from '../fixtures/index.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { jiraHeaders } from '../helpers/sign.ts';

let api: ApiHarness;
beforeEach(async () => {
  api = await startApiHarness();
});
afterEach(async () => {
  await api.close();
});

it('a stored delivery that cannot be planned becomes a failed-job record and does not hold up the ones behind it', async () => {
  // What a planning bug looks like from the stream: an entry the workers cannot turn into an event.
  await api.redis.xadd(
    intakeStreamKey(api.prefix),
    '*',
    'tracker',
    'jira',
    'key',
    'jira.broken-1',
    'body',
    '{"webhookEvent":',
  );
  const comment = fixture<{ comment: { body: string } }>('jira/comment_created');
  comment.comment.body = '/help';
  const body = JSON.stringify(comment);
  const accepted = await api.app.inject({
    method: 'POST',
    url: '/webhooks/jira',
    payload: body,
    headers: jiraHeaders(body, 'behind-1'),
  });
  expect(accepted.statusCode).toBe(202);

  await api.drain();

  expect(await api.redis.xlen(intakeStreamKey(api.prefix))).toBe(0);
  const jobs = await api.queue.getJobs(['waiting']);
  expect(jobs.map((job) => job.name).sort()).toEqual(['run-commands', 'unplanned-delivery']);
  const unplanned = jobs.find((job) => job.name === 'unplanned-delivery');
  expect(unplanned?.opts.attempts).toBe(1);
  expect(unplanned?.data).toMatchObject({
    tracker: 'jira',
    deliveryKey: 'jira.broken-1',
    body: '{"webhookEvent":',
  });
  expect(String(unplanned?.data.reason)).not.toBe('');
});
