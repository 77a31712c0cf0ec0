import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLost, runOutage } from '../helpers/faults-outage.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

let fault: FaultStack;
let proxy: TcpProxy | undefined;

beforeAll(async () => {
  // Only the API and worker processes go through the proxy; the test's own client reads Redis directly.
  fault = await startFaultStack({
    label: 'flaky',
    workers: 2,
    serviceRedisUrl: async (redis) => {
      proxy = await startTcpProxy({ targetPort: redis.port, delayMs: 25 });
      return proxy.url;
    },
  });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
  await proxy?.close();
});

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * fraction) - 1)] ?? 0;
}

it('F15: a flaky link to Redis (+50 ms round trip, resets) reconnects, loses nothing and doubles nothing', async () => {
  const link = proxy!;
  const workerPids = fault.stack.workers.map((worker) => worker.child.pid);
  const connectionsBefore = link.stats.connections;

  const result = await runOutage(fault, {
    outageMs: 10_000,
    breakRedis: async () => link.flake({ resetEvery: 3, resetAfterMs: 500, dropEveryMs: 2_500 }),
    healRedis: async () => link.steady(),
    // Jobs whose worker lost its lock on a reset link come back only after lock + stalled check: about 25 s on a
    // quiet machine, more on a busy one. What is asserted is that they come back, once.
    drainTimeoutMs: 60_000,
  });

  const answers = result.records.flatMap((record) => record.attempts);
  const flaky = answers.filter((answer) => answer.at >= result.downAt && answer.at < result.upAt);
  const errors = flaky.filter((answer) => answer.status !== 202 && answer.status !== 200).length;
  process.stdout.write(
    `[fault F15] sent=${result.sent} acked=${result.acked} lost=${result.lost} doubled=${result.doubled} extra=${result.extra} rerun=${result.rerun} ` +
      `unacked=${result.unacked} statuses=${JSON.stringify(result.statuses)} ` +
      `flaky: answers=${flaky.length} errors=${errors} p50=${percentile(
        flaky.map((a) => a.ms),
        0.5,
      )}ms ` +
      `p99=${percentile(
        flaky.map((a) => a.ms),
        0.99,
      )}ms max=${percentile(
        flaky.map((a) => a.ms),
        1,
      )}ms ` +
      `resets=${link.stats.resets} connections=${link.stats.connections - connectionsBefore} ` +
      `drain=${result.drainS.toFixed(1)}s\n`,
  );
  if (result.lost > 0) console.log(await describeLost(fault, result));

  expect(link.stats.resets).toBeGreaterThan(4);
  // Each reset connection was opened again (ioredis reconnects; nothing was restarted).
  expect(link.stats.connections - connectionsBefore).toBeGreaterThanOrEqual(link.stats.resets);
  expect(result.acked).toBeGreaterThan(20);
  expect(result.lost).toBe(0);
  expect(result.doubled).toBe(0);
  expect(result.extra).toBe(0);
  expect(result.rerun).toBe(0);
  expect(Object.keys(result.statuses).filter((status) => !['200', '202', '503'].includes(status))).toEqual(
    [],
  );
  expect(
    percentile(
      flaky.map((answer) => answer.ms),
      0.99,
    ),
  ).toBeLessThan(5_000);
  expect(fault.stack.workers.map((worker) => worker.child.pid)).toEqual(workerPids);
  expect(fault.stack.workers.every((worker) => worker.child.exitCode === null)).toBe(true);
}, 120_000);
