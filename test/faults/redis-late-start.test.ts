import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ServiceProcess, startServiceProcess } from '../../scripts/lib/service-process.ts';
import { waitFor } from '../../scripts/lib/stack.ts';
import { allEffectsIn, sendLikeJira } from '../helpers/faults-load.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;
const late: ServiceProcess[] = [];

beforeAll(async () => {
  fault = await startFaultStack({ label: 'late' });
}, 60_000);
afterAll(async () => {
  await Promise.all(late.map((process) => process.stop()));
  await fault?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('F5: API and worker started before Redis: no crash loop, /readyz 503 until Redis is up, then serves', async () => {
  const { stack } = fault;
  await Promise.all([stack.api, ...stack.workers].map((process) => process.stop()));
  await fault.redis.stop();
  const boot = (role: 'api' | 'worker') =>
    startServiceProcess({
      env: { ...stack.env, ROLE: role },
      isReady: async () => role === 'worker' || (await fetch(`${stack.apiUrl}/healthz`)).ok,
    });
  late.push(await boot('api'), await boot('worker'));
  const readyz: { at: number; status: number }[] = [];
  const probe = setInterval(() => {
    const at = Date.now();
    fetch(`${stack.apiUrl}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => readyz.push({ at, status: response.status }),
      () => readyz.push({ at, status: 0 }),
    );
  }, 200);

  await sleep(3_000);
  await fault.restartRedis();
  const upAt = Date.now();
  const readyAt = await waitFor(
    () => readyz.find((probe) => probe.at >= upAt && probe.status === 200)?.at,
    30_000,
  );
  clearInterval(probe);
  const records = await Promise.all(
    Array.from({ length: 10 }, () => sendLikeJira(stack.apiUrl, fault.nextDelivery(), Date.now() + 10_000)),
  );
  await waitFor(() => allEffectsIn(stack, records), 20_000);

  process.stdout.write(`[fault F5] ready ${((readyAt - upAt) / 1_000).toFixed(1)} s after Redis up\n`);
  expect(readyz.filter((probe) => probe.at < upAt).map((probe) => probe.status)).toEqual(
    readyz.filter((probe) => probe.at < upAt).map(() => 503),
  );
  expect(readyz.filter((probe) => probe.at < upAt).length).toBeGreaterThan(5);
  expect(readyAt - upAt).toBeLessThan(5_000);
  expect(records.every((record) => record.acked)).toBe(true);
  expect(late.map((process) => process.child.exitCode)).toEqual([null, null]);
}, 60_000);
