import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackQueue, waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { type InProcessStack, startStoriesStack } from './in-process-stack.ts';
import { markedComments } from './jira-sandbox-state.ts';

/** The wait every "nothing else is running" of the tests and the demo seed goes through. */
let stack: InProcessStack;

beforeAll(async () => {
  stack = await startStoriesStack({}, [{ summary: 'Export invoices as CSV' }]);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

describe('waitUntilIdle', () => {
  it('returns only once the jobs of a webhook the sandbox had not even sent yet have run', async () => {
    const comment = stack.jira.act.comment({ as: 'ada', issue: 'APP-1', body: '/help' });

    await waitUntilIdle(stack, { delayed: true });

    expect(markedComments(stack.jira, 'APP-1', `reply-${comment.id}`)).toHaveLength(1);
  });

  it('waits for the webhooks the sandboxes are still sending, and looks again when one was sent meanwhile', async () => {
    let looks = 0;
    let sent!: () => void;
    const sending = new Promise<void>((resolve) => {
      sent = resolve;
    });
    const deliveries = [...stack.jira.deliveries];
    // A job writes while the first look is under way: its webhook is one more delivery the look did not cover.
    const jira = {
      ...stack.jira,
      deliveries,
      settled: async () => {
        looks += 1;
        if (looks === 1) {
          await sending;
          deliveries.push({
            id: 'meanwhile',
            event: 'comment_updated',
            payload: {},
            flow: 'Primary',
            attempts: 0,
            status: 'pending',
          });
        }
      },
    };
    const waiting = waitUntilIdle({ ...stack, jira }, { delayed: true }).then(() => 'returned');

    await waitFor(() => looks === 1);
    const early = await Promise.race([waiting, sleep(200).then(() => 'still waiting')]);
    sent();

    expect(early).toBe('still waiting');
    expect(await waiting).toBe('returned');
    expect(looks).toBeGreaterThanOrEqual(2);
  });

  it('counts a job waiting out a delay only when told, and names what is left when it gives up', async () => {
    const queue = stackQueue(stack);
    try {
      const job = await queue.add('score-item', {}, { delay: 3_600_000 });

      await waitUntilIdle(stack, { delayed: false });
      await expect(waitUntilIdle(stack, { delayed: true, timeoutMs: 300 })).rejects.toThrow(
        /waiting for the service to have nothing left to do \(last look: 0 deliveries to relay, 1 jobs to run/,
      );
      await job.remove();
    } finally {
      await queue.close();
    }
  });
});
