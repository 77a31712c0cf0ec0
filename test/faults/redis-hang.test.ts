import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLost, report, runOutage } from '../helpers/faults-outage.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;

beforeAll(async () => {
  fault = await startFaultStack({ label: 'hang' });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

it('F4: Redis hung (SIGSTOP) answers 503 within the API timeout, then everything acknowledged runs once', async () => {
  const result = await runOutage(fault, {
    outageMs: 4_000,
    breakRedis: async () => {
      fault.redis.child.kill('SIGSTOP');
    },
    healRedis: async () => {
      fault.redis.child.kill('SIGCONT');
    },
  });

  report('F4 SIGSTOP 4 s', result);
  if (result.lost > 0) console.log(await describeLost(fault, result));
  expect(result.statuses['503']).toBeGreaterThan(0);
  // A command that timed out may still run when Redis wakes up: the sender's retry then finds the dedupe
  // record and is answered 200 duplicate, which is right (the delivery was taken). Never a 500.
  expect(Object.keys(result.statuses).filter((status) => !['200', '202', '503'].includes(status))).toEqual(
    [],
  );
  // The producer's commandTimeout is 2 s; under GitHub's 10 s and inside the 5 s the service promises.
  expect(result.slowestAnswerDuringOutageMs).toBeLessThan(5_000);
  expect(result.lost).toBe(0);
  expect(result.doubled).toBe(0);
  expect(result.extra).toBe(0);
  expect(result.rerun).toBe(0);
}, 90_000);
