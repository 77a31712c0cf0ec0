import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { replyWrites, sendLikeJira } from '../helpers/faults-load.ts';
import { type FaultStack, startFaultStack } from '../helpers/faults-stack.ts';

const LABEL = 'worker-frozen';
let fault: FaultStack;

beforeAll(async () => {
  fault = await startFaultStack({
    label: LABEL,
    workers: 2,
    env: { WORKER_LOCK_DURATION_MS: '4000', WORKER_STALLED_INTERVAL_MS: '2000', ITEM_LOCK_TTL_MS: '5000' },
  });
}, 60_000);
afterAll(async () => {
  await fault?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * F9. The reply is written by upsertComment: read the comments, then POST when the reply is not there. The
 * worker is frozen (SIGSTOP) while its last read is in flight; the sandbox answers "no reply yet" at once but
 * holds the answer back, so the frozen worker finds it waiting when it wakes. Meanwhile its lock expires, the
 * other worker re-runs the job and writes the reply. Woken, the first worker would POST a second reply; the
 * write guard asks Redis whether the job is still its own right before the POST, and it is not.
 */
it('F9: a worker frozen past its lock wakes after another worker re-ran the job: the reply exists once', async () => {
  const { stack } = fault;
  const delivery = fault.nextDelivery();
  // The adapter addresses issues by id.
  const issue = (JSON.parse(delivery.body) as { issue: { id: string } }).issue.id;
  stack.jira.injectFault({
    pathPrefix: `/rest/api/3/issue/${issue}/comment`,
    method: 'GET',
    status: 0,
    skip: 1,
    delayAfterMs: 1_500,
    count: 1,
  });
  const queue = fault.queue();
  const record = await sendLikeJira(stack.apiUrl, delivery, Date.now() + 5_000);
  const job = await waitFor(
    async () => (await queue.getActive()).find((active) => active.processedBy),
    10_000,
  );
  const victim = stack.workers.find((worker) => job.processedBy?.endsWith(`:${worker.child.pid}`))!;
  await sleep(600);
  const frozenAt = Date.now();
  victim.child.kill('SIGSTOP');
  try {
    await waitFor(async () => {
      const current = await queue.getJob(job.id!);
      return current?.finishedOn !== undefined && !current.processedBy?.endsWith(`:${victim.child.pid}`);
    }, 30_000);
  } finally {
    victim.child.kill('SIGCONT');
  }
  const rerunAfterS = (Date.now() - frozenAt) / 1_000;
  const log = join(tmpdir(), `refinery-fault-${LABEL}.log`);
  const lostLock = (line: string) =>
    line.includes('Job lost its lock') && line.includes(`"jobId":"${job.id}"`);
  await waitFor(() => readFileSync(log, 'utf8').split('\n').some(lostLock), 15_000);
  await sleep(1_000);

  const finished = (await queue.getJob(job.id!))!;
  process.stdout.write(
    `[fault F9] frozen=${rerunAfterS.toFixed(1)}s rerunBy=${finished.processedBy} replies=${replyWrites(stack).get(record.delivery.commentId) ?? 0} returned=${JSON.stringify(finished.returnvalue)}\n`,
  );
  expect(record.acked).toBe(true);
  expect(finished.processedBy).not.toContain(`:${victim.child.pid}`);
  expect(replyWrites(stack).get(record.delivery.commentId)).toBe(1);
  expect(
    stack.jira.state.comments.filter((comment) =>
      JSON.stringify(comment.body).includes(`reply-${record.delivery.commentId}"`),
    ),
  ).toHaveLength(1);
}, 90_000);
