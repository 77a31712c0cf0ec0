import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../scripts/lib/stack.ts';
import { type InProcessStack, startStoriesStack } from '../helpers/in-process-stack.ts';
import { commandReply, commandText, plain } from '../helpers/jira-commands.ts';
import { issueByKey, markedComments } from '../helpers/jira-sandbox-state.ts';

/**
 * `/undo` against a Jira that fails for a while (503) in the middle of the undo: what the commenter reads, what the
 * issue shows, and what an operator sees in the queue. Three attempts, a short backoff.
 */
let stack: InProcessStack;

beforeAll(async () => {
  stack = await startStoriesStack({ JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' }, [
    { summary: 'Export invoices as CSV' },
    { summary: 'Import bank statements' },
  ]);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const issue = (key: string) => issueByKey(stack.jira, key);
const command = (key: string, body: string) => commandText(stack.jira, 'ada', key, body);
const scorecards = (key: string) => markedComments(stack.jira, key, 'scorecard');

/** `/score impact=4 effort=3` on `key`, then Jira answers 503 to the next `failures` writes to the issue's fields. */
async function scoredThenFlaky(key: string, failures: number) {
  await command(key, '/score impact=4 effort=3');
  expect(scorecards(key)).toHaveLength(1);
  // The undo deletes the scorecard comment first, then puts the fields back (one PUT on the issue).
  stack.jira.injectFault({
    pathPrefix: `/rest/api/3/issue/${issue(key).id}`,
    method: 'PUT',
    status: 503,
    count: failures,
  });
}

describe('/undo when Jira fails for a while', () => {
  it('is retried, and finishes the undo without taking back what it already restored', async () => {
    await scoredThenFlaky('APP-1', 1);

    const reply = await command('APP-1', '/undo');

    expect(reply).toMatch(
      /Restored the service's last change \(run-commands, .+\):\ncomment \(scorecard\)\nfields Priority score, Reach, Impact, Confidence, Effort\nWrite \/undo again to redo it\./,
    );
    expect(reply).not.toContain('Could not restore');
    expect(issue('APP-1').custom.customfield_10050 ?? null).toBeNull();
    expect(issue('APP-1').custom.customfield_10051 ?? null).toBeNull();
    // A retry that undid the undo's own first step would have put the scorecard back.
    expect(scorecards('APP-1')).toEqual([]);
  });

  it('when Jira fails on every attempt, says what was restored and what not, and the job fails visibly', async () => {
    await scoredThenFlaky('APP-2', 3);

    const answer = await commandReply(stack.jira, 'ada', 'APP-2', '/undo');
    const reply = plain(answer.body);

    expect(reply).toMatch(
      /Restored the service's last change \(run-commands, .+\):\ncomment \(scorecard\)\n/,
    );
    expect(reply).toMatch(
      /Could not restore:\nfields Priority score, Reach, Impact, Confidence, Effort: .*503.*\(tried 3 times\)/,
    );
    expect(issue('APP-2').custom.customfield_10050).toBe(4);
    expect(scorecards('APP-2')).toEqual([]);
    const failed = await waitFor(async () =>
      (await stack.queue.getFailed()).find(
        (job) => job.name === 'run-commands' && job.data.event.item.key === 'APP-2',
      ),
    );
    expect(failed.failedReason).toMatch(/503/);
    expect(failed.attemptsMade).toBe(3);

    // Jira is back; an operator retries the failed job (the console's Retry): the undo goes on where it stopped.
    await failed.retry('failed');
    const finished = await waitFor(() => {
      const now = stack.jira.state.comments.find((c) => c.id === answer.id);
      const text = now ? plain(now.body) : '';
      return text.includes('Could not restore') ? undefined : text;
    }).catch((error: Error) => error.message);
    expect(finished).toMatch(
      /Restored the service's last change \(run-commands, .+\):\ncomment \(scorecard\)\nfields Priority score, Reach, Impact, Confidence, Effort\n/,
    );
    expect(issue('APP-2').custom.customfield_10050 ?? null).toBeNull();
    expect(scorecards('APP-2')).toEqual([]);
  });
});
