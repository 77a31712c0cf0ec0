import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLost, report, runOutage } from '../helpers/faults-outage.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;

beforeAll(async () => {
  fault = await startFaultStack({ label: 'restart', workers: 1 });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

describe('Redis stopped under load and started again (F1, F3 short)', () => {
  it.each([
    ['F1 3 s', 3_000],
    ['F3 10 s', 10_000],
  ])(
    '%s outage: every acknowledged delivery answered once, 503 meanwhile, workers resume',
    async (row, outageMs) => {
      const workerPids = fault.stack.workers.map((worker) => worker.child.pid);

      const result = await runOutage(fault, {
        outageMs,
        breakRedis: () => fault.redis.stop('SIGTERM'),
        healRedis: () => fault.restartRedis(),
      });

      report(row, result);
      if (result.lost > 0) console.log(await describeLost(fault, result));
      expect(result.acked).toBeGreaterThan(20);
      expect(result.lost).toBe(0);
      expect(result.doubled).toBe(0);
      expect(result.extra).toBe(0);
      expect(result.rerun).toBe(0);
      expect(Object.keys(result.statuses).sort()).toEqual(expect.arrayContaining(['202', '503']));
      expect(
        Object.keys(result.statuses).filter((status) => !['200', '202', '503'].includes(status)),
      ).toEqual([]);
      expect(result.duringOutage['503']).toBeGreaterThan(0);
      expect(Object.keys(result.duringOutage)).toEqual(['503']);
      expect(result.slowestAnswerDuringOutageMs).toBeLessThan(5_000);
      expect(fault.stack.workers.map((worker) => worker.child.pid)).toEqual(workerPids);
      expect(fault.stack.workers.every((worker) => worker.child.exitCode === null)).toBe(true);
    },
    60_000,
  );
});
