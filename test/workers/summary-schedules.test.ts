import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { parseRules } from '../../src/rules/load-rules.ts';
import type { Rules } from '../../src/rules/rules-schema.ts';
import { registerSchedules } from '../../workers/schedules.ts';
import { testRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { testConfig } from '../helpers/test-config.ts';

const prefix = uniquePrefix('schedules');
const connection = testRedis();
const queue = new Queue(QUEUE_NAME, { connection, prefix: `{${prefix}}` });
let proxy: TcpProxy;

function rulesWith(crons: Record<string, string>): Rules {
  const boards = Object.fromEntries(Object.entries(crons).map(([board, cron]) => [board, { cron }]));
  const parsed = parseRules({ summaries: { trello: { boards } } });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.rules;
}

beforeAll(async () => {
  proxy = await startTcpProxy({ targetPort: Number(new URL(testRedisUrl()).port), delayMs: 0 });
});
afterAll(async () => {
  await queue.close();
  connection.disconnect();
  await proxy?.close();
});

it("keeps a board's summary schedule when registering its new cron fails on a momentary Redis error", async () => {
  await registerSchedules(
    testConfig({ REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix }),
    rulesWith({ b1: '0 9 * * 1', b2: '0 9 * * 1' }),
    createLogger({ level: 'silent' }),
  );
  // The link to Redis hangs on b2's upsert until that times out, and comes back once the failure is logged.
  const logged: string[] = [];
  const log = createLogger({
    level: 'warn',
    destination: {
      write(line: string) {
        logged.push(line);
        proxy.flow();
      },
    },
  });
  proxy.hangOn('sprint-summary.trello.b2');

  await registerSchedules(
    testConfig({ REDIS_URL: proxy.url, QUEUE_PREFIX: prefix }),
    rulesWith({ b1: '0 9 * * 1', b2: '0 10 * * 1' }),
    log,
  );

  const schedulers = await queue.getJobSchedulers();
  expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual([
    'linking.reconcile-remote-links',
    'sprint-summary.trello.b1',
    'sprint-summary.trello.b2',
  ]);
  expect((await queue.getJobScheduler('sprint-summary.trello.b2'))?.pattern).toBe('0 10 * * 1');
  expect(logged.join('')).toContain('sprint-summary.trello.b2');
});

it('keeps the schedule a board had when its reloaded cron is refused, and says so', async () => {
  const config = testConfig({ REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix, JOB_BACKOFF_MS: '10' });
  await registerSchedules(
    config,
    rulesWith({ b1: '0 9 * * 1', b2: '0 9 * * 1' }),
    createLogger({ level: 'silent' }),
  );
  const logged: string[] = [];
  const log = createLogger({
    level: 'error',
    destination: { write: (line: string) => void logged.push(line) },
  });

  await registerSchedules(config, rulesWith({ b1: '0 9 * * 1', b2: '0 9 * * 1 mondays' }), log);

  expect((await queue.getJobScheduler('sprint-summary.trello.b2'))?.pattern).toBe('0 9 * * 1');
  expect(logged).toHaveLength(1);
  expect(JSON.parse(logged[0] ?? '{}')).toMatchObject({
    schedulerId: 'sprint-summary.trello.b2',
    cron: '0 9 * * 1 mondays',
    msg: 'Summary schedule refused; the board keeps the schedule it had',
  });
});
