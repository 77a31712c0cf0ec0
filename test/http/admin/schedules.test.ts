import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { QUEUE_NAME } from '../../../src/queue/jobs.ts';
import { parseRules } from '../../../src/rules/load-rules.ts';
import type { Rules } from '../../../src/rules/rules-schema.ts';
import { registerSchedules } from '../../../workers/schedules.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { testRedisUrl } from '../../helpers/redis.ts';
import { testConfig } from '../../helpers/test-config.ts';
import { adminClient } from './admin-client.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ admin: {} });
});
afterAll(async () => {
  await api.close();
});
const admin = adminClient(() => api.app);

function rulesWith(crons: Record<string, string>): Rules {
  const boards = Object.fromEntries(Object.entries(crons).map(([board, cron]) => [board, { cron }]));
  const parsed = parseRules({ summaries: { trello: { boards } } });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.rules;
}

/** The summaries' schedulers, and the link reconcile's when given its interval (none unless a test needs it). */
const register = (
  crons: Record<string, string>,
  reconcileEveryMs = 0,
  log = createLogger({ level: 'silent' }),
) =>
  registerSchedules(
    testConfig({
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: api.prefix,
      JOB_BACKOFF_MS: '10',
      LINK_RECONCILE_INTERVAL_MS: String(reconcileEveryMs),
    }),
    rulesWith(crons),
    log,
  );

/**
 * The queue's delayed set holds a value of another type until the returned function puts it back: Redis answers
 * the removal of a scheduler (its next run is in that set) with an error.
 */
async function refuseRemovals(): Promise<() => Promise<void>> {
  const delayed = `{${api.prefix}}:${QUEUE_NAME}:delayed`;
  const saved = await api.redis.dumpBuffer(delayed);
  await api.redis.set(delayed, 'left by something else');
  let refusing = true;
  const putBack = async () => {
    if (!refusing) return;
    refusing = false;
    await api.redis.del(delayed);
    if (saved) await api.redis.restore(delayed, 0, saved);
  };
  onTestFinished(putBack);
  return putBack;
}

it("shows an operator the boards' summary schedules Redis refused, with the reason and when last tried", async () => {
  // The queue's event stream holds a value of another type: Redis answers every scheduler's upsert with an error.
  const events = `{${api.prefix}}:${QUEUE_NAME}:events`;
  await api.redis.set(events, 'left by something else');
  onTestFinished(async () => void (await api.redis.del(events)));
  const before = new Date();

  await register({ b1: '0 9 * * 1', b2: '0 10 * * 1' });

  const after = new Date();
  const failing = await admin('GET', '/admin/schedules');
  expect(failing.statusCode).toBe(200);
  const { unregistered } = failing.json();
  expect(unregistered).toEqual(
    ['b1', 'b2'].map((board, i) => ({
      id: `sprint-summary.trello.${board}`,
      boardId: board,
      cron: `0 ${9 + i} * * 1`,
      tries: 3,
      // Each try leaves half a scheduler behind; the next one registers it anew and meets the same error.
      reason: expect.stringMatching(/^WRONGTYPE/),
      lastTriedAt: expect.any(String),
    })),
  );
  for (const { lastTriedAt } of unregistered) {
    expect(Date.parse(lastTriedAt)).toBeGreaterThanOrEqual(before.getTime());
    expect(Date.parse(lastTriedAt)).toBeLessThanOrEqual(after.getTime());
  }
});

it("clears a board's failure once its schedule registers, and forgets one whose cron left the rules", async () => {
  await register({ b3: '0 9 * * 1 mondays', b4: 'every monday' });
  expect((await admin('GET', '/admin/schedules')).json().unregistered).toMatchObject([
    { id: 'sprint-summary.trello.b3', cron: '0 9 * * 1 mondays', tries: 3 },
    { id: 'sprint-summary.trello.b4', cron: 'every monday', tries: 3 },
  ]);

  await register({ b3: '0 9 * * 1' });

  const { schedules, unregistered } = (await admin('GET', '/admin/schedules')).json();
  expect(unregistered).toEqual([]);
  expect(schedules).toContainEqual(
    expect.objectContaining({
      id: 'sprint-summary.trello.b3',
      pattern: '0 9 * * 1',
      next: expect.any(String),
    }),
  );
});

it('repairs the half scheduler a Redis error left, so the board is scheduled again once Redis answers', async () => {
  // Registered, as it was before a rules reload that met the Redis error.
  await register({ b5: '0 9 * * 1' });
  const events = `{${api.prefix}}:${QUEUE_NAME}:events`;
  await api.redis.set(events, 'left by something else');
  onTestFinished(async () => void (await api.redis.del(events)));
  await register({ b5: '0 9 * * 1' });
  await api.redis.del(events);
  expect((await admin('GET', '/admin/schedules')).json().unregistered).toMatchObject([
    { id: 'sprint-summary.trello.b5', tries: 3 },
  ]);

  await register({ b5: '0 9 * * 1' });

  const { schedules, unregistered } = (await admin('GET', '/admin/schedules')).json();
  expect(unregistered).toEqual([]);
  const b5 = schedules.find((schedule: { id: string }) => schedule.id === 'sprint-summary.trello.b5');
  expect(b5).toMatchObject({ pattern: '0 9 * * 1', next: expect.any(String) });
  // The run that scheduler promises is waiting in the queue: the half one had a job stored but never queued.
  const scheduled = (await admin('GET', '/admin/jobs?state=scheduled')).json().jobs;
  expect(scheduled).toContainEqual(
    expect.objectContaining({
      name: 'post-sprint-summary',
      data: { request: { tracker: 'trello', boardId: 'b5', trigger: 'schedule' } },
      createdAt: expect.any(String),
    }),
  );
  expect(scheduled.filter((job: { id: string }) => job.id.includes('.b5:'))).toHaveLength(1);
});

it("shows the link reconcile's schedule Redis refused, and registers the summaries all the same", async () => {
  const hour = 3_600_000;
  // Registered, as they were before a rules reload that met the Redis error.
  await register({ b6: '0 9 * * 1' }, hour);
  const events = `{${api.prefix}}:${QUEUE_NAME}:events`;
  await api.redis.set(events, 'left by something else');
  onTestFinished(async () => void (await api.redis.del(events)));

  await register({ b6: '0 9 * * 1' }, hour);

  expect((await admin('GET', '/admin/schedules')).json().unregistered).toEqual([
    {
      id: 'linking.reconcile-remote-links',
      every: hour,
      tries: 3,
      reason: expect.stringMatching(/^WRONGTYPE/),
      lastTriedAt: expect.any(String),
    },
    expect.objectContaining({ id: 'sprint-summary.trello.b6', tries: 3 }),
  ]);

  await api.redis.del(events);
  await register({ b6: '0 9 * * 1' }, hour);

  const { schedules, unregistered } = (await admin('GET', '/admin/schedules')).json();
  expect(unregistered).toEqual([]);
  expect(schedules).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        id: 'linking.reconcile-remote-links',
        every: hour,
        next: expect.any(String),
      }),
      expect.objectContaining({ id: 'sprint-summary.trello.b6', next: expect.any(String) }),
    ]),
  );
});

it("removes a board's schedule after it lost its cron, trying again past a Redis error", async () => {
  await register({ b7: '0 9 * * 1' });
  const putBack = await refuseRemovals();
  const warnings: string[] = [];
  const log = createLogger({
    level: 'warn',
    destination: {
      // Redis answers again once the first failure is logged.
      write(line: string) {
        warnings.push(line);
        void putBack();
      },
    },
  });

  await register({}, 0, log);

  const { schedules, unregistered, unremoved } = (await admin('GET', '/admin/schedules')).json();
  expect(schedules).toEqual([]);
  expect(unregistered).toEqual([]);
  expect(unremoved).toEqual([]);
  expect(warnings.map((line) => JSON.parse(line))).toEqual([
    expect.objectContaining({
      schedulerId: 'sprint-summary.trello.b7',
      boardId: 'b7',
      tries: 1,
      msg: 'Summary schedule not removed; trying again',
    }),
  ]);
});

it("shows an operator the boards' schedules Redis would not remove, and they go once removed", async () => {
  await register({ b8: '0 9 * * 1', b9: '0 10 * * 1' });
  const putBack = await refuseRemovals();

  await register({});

  const failing = (await admin('GET', '/admin/schedules')).json();
  // Still there, and still running: the rules no longer give the boards a cron, but Redis kept their schedulers.
  expect(failing.schedules.map((schedule: { id: string }) => schedule.id).sort()).toEqual([
    'sprint-summary.trello.b8',
    'sprint-summary.trello.b9',
  ]);
  expect(failing.unregistered).toEqual([]);
  expect(failing.unremoved).toEqual(
    ['b8', 'b9'].map((board) => ({
      id: `sprint-summary.trello.${board}`,
      boardId: board,
      tries: 3,
      reason: expect.stringMatching(/^WRONGTYPE/),
      lastTriedAt: expect.any(String),
    })),
  );

  await putBack();
  await register({});

  const { schedules, unremoved } = (await admin('GET', '/admin/schedules')).json();
  expect(schedules).toEqual([]);
  expect(unremoved).toEqual([]);
});

it('lists the schedulers past a Redis error, so a board that lost its cron loses its schedule all the same', async () => {
  await register({ c1: '0 9 * * 1' });
  // A scheduler's hash holding a value of another type: Redis answers the listing of the schedulers with an error.
  const hash = `{${api.prefix}}:${QUEUE_NAME}:repeat:sprint-summary.trello.c1`;
  const saved = await api.redis.dumpBuffer(hash);
  await api.redis.set(hash, 'left by something else');
  const putBack = async () => {
    if ((await api.redis.type(hash)) === 'hash') return;
    await api.redis.del(hash);
    if (saved) await api.redis.restore(hash, 0, saved);
  };
  onTestFinished(putBack);
  const warnings: string[] = [];
  const log = createLogger({
    level: 'warn',
    destination: {
      // Redis answers again once the first failure is logged.
      write(line: string) {
        warnings.push(line);
        void putBack();
      },
    },
  });

  await register({ c2: '0 10 * * 1' }, 0, log);

  const { schedules, unregistered, unremoved } = (await admin('GET', '/admin/schedules')).json();
  expect(schedules.map((schedule: { id: string }) => schedule.id)).toEqual(['sprint-summary.trello.c2']);
  expect(unregistered).toEqual([]);
  expect(unremoved).toEqual([]);
  expect(warnings.map((line) => JSON.parse(line))).toEqual([
    expect.objectContaining({ tries: 1, msg: 'Summary schedulers not listed; trying again' }),
  ]);
  await register({});
});

it('needs the admin token', async () => {
  expect((await api.app.inject({ method: 'GET', url: '/admin/schedules' })).statusCode).toBe(401);
});
