import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { replyEffects, sendLikeJira } from '../helpers/faults-load.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

let fault: FaultStack;

beforeAll(async () => {
  fault = await startFaultStack({
    label: 'crash-after-write',
    workers: 2,
    issues: 2,
    env: { WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '2000', ITEM_LOCK_TTL_MS: '3000' },
  });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

it('F8: a worker SIGKILLed after its comment POST landed but before the answer: the re-run finds the reply and does not post it again', async () => {
  const { stack } = fault;
  stack.jira.injectFault({
    pathPrefix: '/rest/api/3/issue/',
    method: 'POST',
    status: 0,
    delayAfterMs: 5_000,
    count: 1,
  });
  const queue = fault.queue();
  const record = await sendLikeJira(stack.apiUrl, fault.nextDelivery(), Date.now() + 5_000);
  const replies = () =>
    stack.jira.state.comments.filter((comment) =>
      JSON.stringify(comment.body).includes(`reply-${record.delivery.commentId}"`),
    );
  const job = await waitFor(
    async () => (await queue.getActive()).find((active) => active.processedBy),
    10_000,
  );
  const victim = stack.workers.find((worker) => job.processedBy?.endsWith(`:${worker.child.pid}`))!;
  await waitFor(() => replies().length > 0, 10_000);

  const killedAt = Date.now();
  await victim.stop('SIGKILL');
  await waitFor(async () => (await queue.getJob(job.id!))?.finishedOn, 30_000);
  const finished = (await queue.getJob(job.id!))!;

  process.stdout.write(
    `[fault F8 after-write] recovery=${(((finished.finishedOn ?? 0) - killedAt) / 1_000).toFixed(1)}s by=${finished.processedBy} returned=${JSON.stringify(finished.returnvalue)}\n`,
  );
  expect(record.acked).toBe(true);
  expect(finished.finishedOn).toBeGreaterThan(killedAt);
  expect(finished.failedReason).toBeUndefined();
  expect(finished.processedBy).not.toContain(`:${victim.child.pid}`);
  expect(replyEffects(stack, record.delivery.commentId)).toEqual(['comment.created']);
  expect(replies()).toHaveLength(1);
}, 60_000);
