import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { issueWriteWindows } from '../../src/sandbox/jira/issue-write-limit.ts';
import { replyTo } from '../helpers/jira-commands.ts';
import { effectsOn } from '../helpers/ledger.ts';
import { testRedisUrl } from '../helpers/redis.ts';

/**
 * Jira's per-issue write limit, enforced by the sandbox, with a small count so a few commands meet it: 2 writes per
 * 2 s (and 10 per 30 s) instead of 20 (and 100). Five /help commands on one issue make five replies.
 */
const LIMIT = 2;
const COMMANDS = 5;

/** A stack with one issue, started before (and stopped after) the tests of the describe it is called in. */
function stackWith(options: Parameters<typeof startStack>[0]): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
    stack.jira.seed({
      people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
      projects: [{ key: 'APP', name: 'App' }],
      issues: [{ projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Task', reporter: 'ada' }],
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });
  return () => stack!;
}

/** Comments COMMANDS /help at once on one issue and waits for every reply and for the service to be idle. */
async function commandsOnOneIssue(stack: Stack) {
  const { jira } = stack;
  const comments = Array.from({ length: COMMANDS }, (_, i) =>
    jira.act.comment({ as: 'ada', issue: 'APP-1', body: `Question ${i + 1}\n/help` }),
  );
  for (const comment of comments) await replyTo(jira, 'APP-1', comment.id);
  await waitUntilIdle(stack, { delayed: true });
  return {
    refused: jira.rateLimited.filter((answer) => answer.reason === 'jira-per-issue-on-write').length,
    // One reply per command, none doubled: every job completed once.
    botWrites: effectsOn(jira.ledger, jira.botCredentials.accountId, 'APP-1'),
  };
}

describe('the service paces its writes to one issue', () => {
  const stack = stackWith({ redisUrl: testRedisUrl(), env: { JIRA_ISSUE_WRITE_LIMIT: String(LIMIT) } });

  it('many commands on one issue: every reply written, and Jira never answered 429', async () => {
    const outcome = await commandsOnOneIssue(stack());

    expect(outcome.botWrites).toEqual(Array(COMMANDS).fill('comment.created'));
    expect(outcome.refused).toBe(0);
  });
});

describe('a Jira stricter than the service’s pacing (the same traffic can fail the test above)', () => {
  // The service paces itself to Jira's published 20 writes per 2 s; this Jira allows 2.
  const stack = stackWith({ redisUrl: testRedisUrl(), jiraIssueWriteLimit: issueWriteWindows(LIMIT) });

  it('answers 429, and every job still completes after Retry-After', async () => {
    const outcome = await commandsOnOneIssue(stack());

    expect(outcome.botWrites).toEqual(Array(COMMANDS).fill('comment.created'));
    expect(outcome.refused).toBeGreaterThan(0);
  });
});
