import { afterEach, beforeEach, expect, it } from 'vitest';
import { intakeStreamKey } from '../../src/queue/intake.ts';
import { createIntakeConsumer, INTAKE_GROUP } from '../../src/queue/intake-consumer.ts';
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

it('forgets the consumer names of workers long gone, once nothing they took is left unfinished', async () => {
  const deliver = async (id: string) => {
    const comment = fixture<{ comment: { id: string; body: string } }>('jira/comment_created');
    comment.comment.body = '/help';
    comment.comment.id = id;
    const body = JSON.stringify(comment);
    const answer = await api.app.inject({
      method: 'POST',
      url: '/webhooks/jira',
      payload: body,
      headers: jiraHeaders(body, id),
    });
    expect(answer.statusCode).toBe(202);
  };
  const consumer = (name: string) =>
    createIntakeConsumer({
      redis: api.redis,
      keyPrefix: api.prefix,
      consumer: name,
      minIdleMs: 50,
      forgetAfterMs: 50,
    });
  const names = async () => {
    const consumers = (await api.redis.xinfo(
      'CONSUMERS',
      intakeStreamKey(api.prefix),
      INTAKE_GROUP,
    )) as string[][];
    return consumers.map((fields) => fields[fields.indexOf('name') + 1]).sort();
  };
  await deliver('10001');
  const finished = consumer('worker-a:1');
  await finished.done((await finished.take(10)).map((delivery) => delivery.entryId));
  await deliver('10002');
  // Died holding a delivery: its name stays until another worker has claimed what it held.
  expect(await consumer('worker-b:1').take(10)).toHaveLength(1);
  await new Promise((resolve) => setTimeout(resolve, 100));

  const live = consumer('worker-c:1');
  const claimed = await live.take(10);
  expect(claimed.map((delivery) => delivery.deliveryKey)).toEqual(['jira.10002']);
  expect(await names()).toEqual(['worker-a:1', 'worker-b:1', 'worker-c:1']);
  await live.done(claimed.map((delivery) => delivery.entryId));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await live.take(10)).toEqual([]);
  expect(await names()).toEqual(['worker-c:1']);
});
