import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLost, report, runOutage } from '../helpers/faults-outage.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;

beforeAll(async () => {
  fault = await startFaultStack({ label: 'long', workers: 1 });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

// BullMQ #4479/#4585: workers went silently idle after outages longer than drainDelay + 1 s.
it('F3: Redis away for 70 s under load: workers resume without a restart, nothing lost or doubled', async () => {
  const workerPids = fault.stack.workers.map((worker) => worker.child.pid);

  const result = await runOutage(fault, {
    outageMs: 70_000,
    senders: 2,
    breakRedis: () => fault.redis.stop('SIGTERM'),
    healRedis: () => fault.restartRedis(),
    drainTimeoutMs: 75_000,
  });

  report('F3 70 s', result);
  if (result.lost > 0) console.log(await describeLost(fault, result));
  expect(result.lost).toBe(0);
  expect(result.doubled).toBe(0);
  expect(result.extra).toBe(0);
  expect(result.rerun).toBe(0);
  expect(Object.keys(result.duringOutage)).toEqual(['503']);
  expect(result.slowestAnswerDuringOutageMs).toBeLessThan(5_000);
  expect(fault.stack.workers.map((worker) => worker.child.pid)).toEqual(workerPids);
}, 180_000);
