import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLost, report, runOutage } from '../helpers/faults-outage.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;

beforeAll(async () => {
  fault = await startFaultStack({ label: 'kill-always', redisArgs: ['--appendfsync', 'always'] });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

it('F2: Redis SIGKILLed under load with appendfsync always: no acknowledged delivery is lost', async () => {
  const result = await runOutage(fault, {
    outageMs: 2_000,
    breakRedis: () => fault.redis.stop('SIGKILL'),
    healRedis: () => fault.restartRedis(),
  });

  report('F2 SIGKILL always', result);
  if (result.lost > 0) console.log(await describeLost(fault, result));
  expect(result.acked).toBeGreaterThan(10);
  expect(result.lost).toBe(0);
  expect(result.doubled).toBe(0);
  expect(result.extra).toBe(0);
  expect(result.rerun).toBe(0);
  expect(Object.keys(result.duringOutage)).toEqual(['503']);
}, 120_000);
