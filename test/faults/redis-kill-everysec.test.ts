import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLost, report, runOutage } from '../helpers/faults-outage.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;

beforeAll(async () => {
  fault = await startFaultStack({ label: 'kill-everysec', redisArgs: ['--appendfsync', 'everysec'] });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

/**
 * With everysec, a SIGKILL may drop up to a second of writes that were acknowledged (Redis persistence doc);
 * the OS stays up here, so the page cache normally still holds them. The figure is reported, and bounded by
 * what was acknowledged in the last two seconds before the kill.
 */
it('F2: Redis SIGKILLed under load with appendfsync everysec: acknowledged-lost is reported and bounded', async () => {
  let killedAt = 0;
  const result = await runOutage(fault, {
    outageMs: 2_000,
    breakRedis: async () => {
      killedAt = Date.now();
      await fault.redis.stop('SIGKILL');
    },
    healRedis: () => fault.restartRedis(),
  });

  report('F2 SIGKILL everysec', result);
  if (result.lost > 0) console.log(await describeLost(fault, result));
  const ackedLastTwoSeconds = result.records.filter((record) => {
    const last = record.attempts.at(-1)!;
    return record.acked && last.at + last.ms > killedAt - 2_000 && last.at < killedAt;
  }).length;
  expect(result.acked).toBeGreaterThan(10);
  expect(result.lost).toBeLessThanOrEqual(ackedLastTwoSeconds);
  expect(result.doubled).toBe(0);
  expect(result.extra).toBe(0);
  expect(result.rerun).toBe(0);
  expect(Object.keys(result.duringOutage)).toEqual(['503']);
}, 120_000);
