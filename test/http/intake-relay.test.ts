import type { Queue } from 'bullmq';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { TrackerError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { intakeStreamKey } from '../../src/queue/intake.ts';
import { createIntakeConsumer, INTAKE_GROUP } from '../../src/queue/intake-consumer.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import { createOwnWebhooks } from '../../src/trackers/own-webhooks.ts';
import { type IntakeRelayDeps, relayBatch, startIntakeRelay } from '../../workers/intake-relay.ts';
import { fixture } from '../fixtures/index.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { jiraHeaders } from '../helpers/sign.ts';

const SELF = 'service-account';
let api: ApiHarness;
beforeEach(async () => {
  api = await startApiHarness();
});

/** A real Jira comment delivery, by `author`, whose text is `text`. */
function commentBody(text: string, author?: string): string {
  const comment = fixture<{ comment: { body: string; author: { accountId: string } } }>(
    'jira/comment_created',
  );
  comment.comment.body = text;
  if (author) comment.comment.author.accountId = author;
  return JSON.stringify(comment);
}

async function postComment(text: string, deliveryId: string): Promise<void> {
  const body = commentBody(text);
  const response = await api.app.inject({
    method: 'POST',
    url: '/webhooks/jira',
    payload: body,
    headers: jiraHeaders(body, deliveryId),
  });
  expect(response.statusCode).toBe(202);
}

const stream = () => intakeStreamKey(api.prefix);
const waitingJobs = async () => (await api.queue.getJobs(['waiting'])).map((job) => job.id).sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the relays of a test logged (JSON lines) and counted for /metrics. */
let logged: string[] = [];
let outcomes: string[] = [];
beforeEach(() => {
  logged = [];
  outcomes = [];
});
const logLines = (message: string) =>
  logged.map((line) => JSON.parse(line)).filter((entry) => entry.msg === message);

/** A worker's relay of its own, as workers/worker.ts builds it. */
function workerRelay(consumer: string, minIdleMs: number, queue: Queue = api.queue): IntakeRelayDeps {
  return {
    consumer: createIntakeConsumer({ redis: api.redis, keyPrefix: api.prefix, consumer, minIdleMs }),
    queue,
    rules: defaultRules,
    selfId: () => SELF,
    retry: { attempts: 3, backoffMs: 100 },
    log: createLogger({ level: 'debug', destination: { write: (line: string) => void logged.push(line) } }),
    onOutcome: (tracker, outcome) => void outcomes.push(`${tracker} ${outcome}`),
  };
}
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
      // Well above the steps between two takes here, so a loaded machine forgets no one too early.
      forgetAfterMs: 1_000,
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
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  expect(await live.take(10)).toEqual([]);
  expect(await names()).toEqual(['worker-c:1']);
});

it('a delivery taken by a worker that died is relayed by another once it has been idle long enough, once', async () => {
  await postComment('/help', 'taken-by-the-dead');
  const dead = workerRelay('dead-worker', 1_000).consumer;
  expect((await dead.take(10)).map((delivery) => delivery.deliveryKey)).toEqual(['jira.taken-by-the-dead']);

  // The harness's relay (another worker, minIdleMs 1 s) leaves it alone while the first might still finish it.
  await api.drain();
  expect(await waitingJobs()).toEqual([]);
  await sleep(1_100);
  await api.drain();
  await api.drain();

  expect(await waitingJobs()).toEqual(['run-commands.jira.taken-by-the-dead']);
  expect(await api.redis.xlen(stream())).toBe(0);
});

it('a batch whose jobs Redis refused is relayed again at the next take, not after the idle period', async () => {
  await postComment('/help', 'refused-once');
  const refusing = { addBulk: () => Promise.reject(new Error('Connection is closed.')) } as unknown as Queue;
  const failing = workerRelay('worker-1', 60_000, refusing);
  await expect(relayBatch(failing)).rejects.toThrow('Connection is closed.');
  expect(await waitingJobs()).toEqual([]);

  expect(await relayBatch({ ...failing, queue: api.queue })).toBe(1);

  expect(await waitingJobs()).toEqual(['run-commands.jira.refused-once']);
  expect(await api.redis.xlen(stream())).toBe(0);
});

it('after Redis lost the stream and its group (a restart without persistence), new deliveries are relayed', async () => {
  await postComment('/help', 'before-the-loss');
  await api.drain();
  await api.redis.del(stream());

  await postComment('/help again', 'after-the-loss');
  await api.drain();

  expect(await waitingJobs()).toEqual([
    'run-commands.jira.after-the-loss',
    'run-commands.jira.before-the-loss',
  ]);
  expect(await api.redis.xlen(stream())).toBe(0);
});

it('stream entries intake did not write are dropped without holding up the deliveries behind them', async () => {
  const body = commentBody('/help');
  await api.redis.xadd(stream(), '*', 'tracker', 'asana', 'key', 'asana.1', 'body', body);
  await api.redis.xadd(stream(), '*', 'tracker', 'jira', 'body', body);
  await api.redis.xadd(stream(), '*', 'tracker', 'jira', 'key', 'jira.no-body');
  await api.redis.xadd(stream(), '*', 'key', 'jira.no-tracker', 'body', body);
  await postComment('/help', 'behind-strangers');

  await api.drain();

  expect(await waitingJobs()).toEqual(['run-commands.jira.behind-strangers']);
  expect(await api.redis.xlen(stream())).toBe(0);
});

it('a delivery deleted from the stream after a worker took it is dropped, and the next ones are relayed', async () => {
  await postComment('/help', 'deleted-meanwhile');
  const worker = workerRelay('worker-1', 60_000);
  const [taken] = await worker.consumer.take(10);
  // Gone from the stream, still pending for the worker: its next look back reads the entry without fields.
  await api.redis.xdel(stream(), taken!.entryId);
  await postComment('/help after', 'after-the-deleted');

  expect(await relayBatch(worker)).toBe(0);
  expect(await relayBatch(worker)).toBe(1);

  expect(await waitingJobs()).toEqual(['run-commands.jira.after-the-deleted']);
  expect(await api.redis.xpending(stream(), INTAKE_GROUP)).toEqual([0, null, null, null]);
});

it("the service's own comment, stored before the API knew its account, becomes no job", async () => {
  const own = commentBody('/help', SELF);
  await api.redis.xadd(stream(), '*', 'tracker', 'jira', 'key', 'jira.own', 'body', own);
  await api.redis.xadd(stream(), '*', 'tracker', 'jira', 'key', 'jira.other', 'body', commentBody('/help'));

  expect(await relayBatch(workerRelay('worker-1', 60_000))).toBe(2);

  expect(await waitingJobs()).toEqual(['run-commands.jira.other']);
  expect(outcomes).toEqual(['jira own_event']);
  expect(await api.redis.xlen(stream())).toBe(0);
});

it('two workers starting on a fresh stream at once both relay, and each delivery becomes jobs once', async () => {
  await postComment('/help', 'first-start');
  const [one, two] = [workerRelay('worker-1', 60_000), workerRelay('worker-2', 60_000)];

  const finished = await Promise.all([relayBatch(one), relayBatch(two)]);

  expect(finished.sort()).toEqual([0, 1]);
  expect(await waitingJobs()).toEqual(['run-commands.jira.first-start']);
});

it('a burst larger than one write batch is accepted whole, and every delivery becomes its job', async () => {
  const ids = Array.from({ length: 600 }, (_, i) => `burst-${String(i).padStart(3, '0')}`);

  const answers = await Promise.all(
    ids.map((id) => {
      const body = commentBody(`/help ${id}`);
      return api.app.inject({
        method: 'POST',
        url: '/webhooks/jira',
        payload: body,
        headers: jiraHeaders(body, id),
      });
    }),
  );
  await api.drain();

  expect(answers.filter((answer) => answer.statusCode === 202)).toHaveLength(600);
  expect(await api.queue.count()).toBe(600);
});

it('a stored delivery the workers find invalid (stored by an API of another version) becomes a failed-job record, not a silent drop', async () => {
  // JSON, but not a delivery this version's schema accepts: the API that acknowledged it read it otherwise.
  const stored = JSON.stringify({ webhookEvent: 42, timestamp: Date.now() });
  await api.redis.xadd(stream(), '*', 'tracker', 'jira', 'key', 'jira.older-1', 'body', stored);

  expect(await relayBatch(workerRelay('worker-1', 60_000))).toBe(1);

  const jobs = await api.queue.getJobs(['waiting']);
  expect(jobs.map((job) => job.name)).toEqual(['unplanned-delivery']);
  expect(jobs[0]?.data).toMatchObject({ tracker: 'jira', deliveryKey: 'jira.older-1', body: stored });
  expect(String(jobs[0]?.data.reason)).toContain('webhookEvent');
  expect(logLines('Delivery could not be planned')).toMatchObject([{ deliveryId: 'jira.older-1' }]);
});

it('a stored delivery of an event the service ignores becomes no job, and no failure record', async () => {
  const ignored = JSON.stringify({ webhookEvent: 'board_created', timestamp: Date.now() });
  await api.redis.xadd(stream(), '*', 'tracker', 'jira', 'key', 'jira.board', 'body', ignored);

  expect(await relayBatch(workerRelay('worker-1', 60_000))).toBe(1);

  expect(await api.queue.count()).toBe(0);
  expect(logLines('Delivery ignored')).toMatchObject([{ deliveryId: 'jira.board' }]);
});

it('logs each planned delivery with its jobs, and each one it could not plan with the reason', async () => {
  await postComment('/help', 'planned-1');
  await api.redis.xadd(stream(), '*', 'tracker', 'jira', 'key', 'jira.broken-2', 'body', '{"webhookEvent":');

  await relayBatch(workerRelay('worker-1', 60_000));

  expect(logLines('Delivery planned')).toEqual([
    expect.objectContaining({
      deliveryId: 'jira.planned-1',
      kind: 'comment.created',
      item: 'ZUL-1',
      jobs: ['run-commands'],
    }),
  ]);
  expect(logLines('Delivery could not be planned')).toEqual([
    expect.objectContaining({
      deliveryId: 'jira.broken-2',
      err: expect.objectContaining({ message: expect.stringMatching(/\S/) }),
    }),
  ]);
});

it('the running relay waits out a Redis failure and goes on; once stopped it takes nothing more', async () => {
  const deps = workerRelay('worker-1', 60_000);
  let failures = 1;
  const flaky = {
    take: (count: number, blockMs?: number) =>
      failures-- > 0
        ? Promise.reject(new Error('Connection is closed.'))
        : deps.consumer.take(count, blockMs),
    done: deps.consumer.done,
  };
  await postComment('/help', 'after-the-failure');

  const relay = startIntakeRelay({ ...deps, consumer: flaky }, 50);
  await waitFor(async () => (await waitingJobs()).length > 0, 5_000);
  await relay.stop();
  await postComment('/help again', 'after-the-stop');
  await sleep(200);

  expect(await waitingJobs()).toEqual(['run-commands.jira.after-the-failure']);
  expect(await api.redis.xlen(stream())).toBe(1);
  expect(logLines('Intake relay waits for Redis')).toEqual([
    expect.objectContaining({ err: expect.objectContaining({ message: 'Connection is closed.' }) }),
  ]);
});

/** A Trello comment `/help` as a webhook on `board` delivers it, stored by the API under `trello.<key>`. */
async function storeTrelloComment(key: string, board: string): Promise<void> {
  const delivery = fixture<{ action: { data: { text: string } }; model: { id: string } }>(
    'trello/commentCard',
  );
  delivery.action.data.text = '/help';
  delivery.model.id = board;
  await api.redis.xadd(
    stream(),
    '*',
    'tracker',
    'trello',
    'key',
    `trello.${key}`,
    'body',
    JSON.stringify(delivery),
  );
}

it("drops a Trello delivery from a webhook the service's token did not make, and hears a board connected since within a minute", async () => {
  let clock = 0;
  const boards = ['ours'];
  let reads = 0;
  const list = async () => {
    reads += 1;
    return boards.map((modelId) => ({ id: `hook-${modelId}`, modelId, callbackUrl: 'cb', active: true }));
  };
  const relay = {
    ...workerRelay('worker-1', 60_000),
    ownWebhooks: { trello: createOwnWebhooks(list, { rereadMs: 60_000, now: () => clock }) },
  };
  await storeTrelloComment('ours-1', 'ours');
  await storeTrelloComment('stranger-1', 'stranger');

  expect(await relayBatch(relay)).toBe(2);

  expect(await waitingJobs()).toEqual(['run-commands.trello.ours-1']);
  expect(outcomes).toEqual(['trello foreign_webhook']);
  expect(logLines("Delivery dropped: no webhook of the service's token watches its model")).toEqual([
    expect.objectContaining({ deliveryId: 'trello.stranger-1', model: 'stranger' }),
  ]);
  expect(await api.redis.xlen(stream())).toBe(0);

  // The doctor connects a board: a stranger's deliveries meanwhile cost no read, the new board's do a minute on.
  boards.push('new');
  clock = 30_000;
  await storeTrelloComment('stranger-2', 'stranger');
  await relayBatch(relay);
  expect(reads).toBe(1);
  clock = 60_000;
  await storeTrelloComment('new-1', 'new');
  await relayBatch(relay);

  expect(reads).toBe(2);
  expect(await waitingJobs()).toEqual(['run-commands.trello.new-1', 'run-commands.trello.ours-1']);
  expect(outcomes).toEqual(['trello foreign_webhook', 'trello foreign_webhook']);
});

it("a Trello delivery waits while the service's webhooks cannot be read, and is relayed once they can", async () => {
  let down = true;
  const list = async () => {
    if (down) throw new TrackerError('server', 'trello', 'Trello listWebhooks failed: 503');
    return [{ id: 'hook-ours', modelId: 'ours', callbackUrl: 'cb', active: true }];
  };
  const relay = {
    ...workerRelay('worker-1', 60_000),
    ownWebhooks: { trello: createOwnWebhooks(list, { rereadMs: 60_000 }) },
  };
  await storeTrelloComment('ours-1', 'ours');

  await expect(relayBatch(relay)).rejects.toThrow(
    "the service's webhooks could not be read: Trello listWebhooks failed: 503",
  );
  down = false;
  expect(await relayBatch(relay)).toBe(1);

  expect(await waitingJobs()).toEqual(['run-commands.trello.ours-1']);
  expect(outcomes).toEqual([]);
});
