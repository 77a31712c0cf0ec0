import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import { linkIndexSize } from '../../src/linking/index.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { issueByKey, linkedInJira } from '../helpers/jira-sandbox-state.ts';

/**
 * A site with two Jira Service Management projects, the customer help desk HELP and the HR desk PEOPLE, whose rules
 * name HELP alone as support: PEOPLE's tickets (employees' requests) are not the product's demand.
 */
let stack: InProcessStack;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'service-desk-scope-')), 'rules.yaml');
writeFileSync(rulesFile, 'scope:\n  jira: { supportProjects: [HELP] }\n');

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
      { key: 'PEOPLE', name: 'HR desk', projectTypeKey: 'service_desk' },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const SUMMARY = 'Password reset email never arrives';
const DESCRIPTION = 'I asked for a password reset twice and the reset email never arrived in my inbox.';
const ticket = (project: string) =>
  stack.jira.act.createIssue({
    as: 'ada',
    project,
    summary: SUMMARY,
    description: DESCRIPTION,
    issuetype: 'Task',
  }).key;
const botWrites = (key: string) => {
  const { id } = issueByKey(stack.jira, key);
  return {
    comments: stack.jira.state.comments.filter(
      (c) => c.issueId === id && c.authorId === stack.jira.botCredentials.accountId,
    ).length,
    links: stack.jira.state.links.filter((l) => l.fromId === id || l.toId === id).length,
  };
};

describe('a service desk the rules do not name as support', () => {
  it('is left alone: its tickets are neither linked nor suggested, nor indexed as backlog', async () => {
    stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: SUMMARY,
      description: 'The reset template fails to render, so the email is never sent.',
      issuetype: 'Story',
    });
    await waitFor(async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === 1);

    const hr = ticket('PEOPLE');
    const help = ticket('HELP');
    // The named desk's identical ticket is linked: the service did read both deliveries.
    await waitFor(() => linkedInJira(stack.jira, help, 'APP-1'));
    await waitUntilIdle(stack, { delayed: true });

    expect(botWrites(hr)).toEqual({ comments: 0, links: 0 });
    expect(await linkIndexSize(stack.redis, stack.queuePrefix)).toBe(1);
  });
});
