import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { botEffects, post, replyEffects } from '../helpers/faults-load.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';
import { dedupeRecord } from '../helpers/redis.ts';

let fault: FaultStack;

beforeAll(async () => {
  fault = await startFaultStack({ label: 'dupes' });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

it('F12: one delivery sent 100 times at once, and again after its job was removed: one reply', async () => {
  const { stack } = fault;
  const delivery = fault.nextDelivery();
  const queue = fault.queue();
  const jobId = `run-commands.jira.${delivery.id}`;

  const burst = await Promise.all(Array.from({ length: 100 }, () => post(stack.apiUrl, delivery)));
  const finished = await waitFor(async () => {
    const job = await queue.getJob(jobId);
    return job?.finishedOn ? job : undefined;
  }, 15_000);
  const report = finished.returnvalue;
  await finished.remove();
  const later = await post(stack.apiUrl, delivery);
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const ttl = (await dedupeRecord(fault.client, stack.queuePrefix, `jira.${delivery.id}`))?.ttlSeconds;

  process.stdout.write(
    `[fault F12] burst202=${burst.filter((a) => a.status === 202).length} burst200=${burst.filter((a) => a.status === 200).length} later=${later.status} ttl=${ttl}s\n`,
  );
  expect(burst.filter((attempt) => attempt.status === 202)).toHaveLength(1);
  expect(burst.filter((attempt) => attempt.status === 200)).toHaveLength(99);
  expect(later.status).toBe(200);
  expect(await queue.getJob(jobId)).toBeUndefined();
  expect(replyEffects(stack, delivery.commentId)).toEqual(['comment.created']);
  expect(botEffects(stack).stray).toEqual([]);
  // Its one run answered: a second run in the same attempt would find the reply and report it unchanged.
  expect([finished.attemptsStarted, report]).toEqual([1, { ran: ['help #1'], reply: 'created' }]);
  expect(ttl).toBeGreaterThanOrEqual(30 * 60);
}, 40_000);
