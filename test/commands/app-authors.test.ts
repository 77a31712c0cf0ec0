import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../scripts/lib/stack.ts';
import type { SandboxComment } from '../../src/sandbox/jira/state.ts';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { plain, replyTo } from '../helpers/jira-commands.ts';
import { issueByKey, linkedInJira } from '../helpers/jira-sandbox-state.ts';
import { effectsBy, ledgerMark } from '../helpers/ledger.ts';

/**
 * A Jira app account (Automation for Jira, a Connect or Forge app) writes comments with rights far beyond those of
 * whoever wrote their text: the common rule "When a request is created → comment {{issue.description}}" copies a
 * portal customer's words into a comment by Automation for Jira.
 */
const ADMIN_TOKEN = 'app-authors-admin-token-0123456789';
const AUTOMATION = { accountId: '557058:f58131cb-b67d-43c7-b30d-6b58d40bd077', name: 'Automation for Jira' };
const SCRIPTRUNNER = { accountId: '557058:4e1ab3c5-script-runner', name: 'ScriptRunner for Jira Cloud' };
const rulesFile = join(mkdtempSync(join(tmpdir(), 'app-authors-')), 'rules.yaml');
writeFileSync(rulesFile, 'commands: { maxPerComment: 10 }\n');

let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack({ REFINERY_CONFIG: rulesFile, ADMIN_TOKEN });
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Agent', email: 'ada@example.test' },
      {
        accountId: 'carl',
        displayName: 'Carl Customer',
        email: 'carl@example.test',
        accountType: 'customer',
      },
      ...[AUTOMATION, SCRIPTRUNNER].map(({ accountId, name }) => ({
        accountId,
        displayName: name,
        email: `${accountId}@connect.atlassian.com`,
        accountType: 'app' as const,
      })),
    ],
    projects: [
      { key: 'APP', name: 'App' },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
      { key: 'OPS', name: 'Operations', editors: ['ada'] },
    ],
    issues: [
      { projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'HELP', summary: 'CSV export is empty', issuetype: 'Task', reporter: 'carl' },
      { projectKey: 'OPS', summary: 'Rotate the backup keys', issuetype: 'Story', reporter: 'ada' },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const issue = (key: string) => issueByKey(stack.jira, key);
const linked = (a: string, b: string) => linkedInJira(stack.jira, a, b);
const bot = () => stack.jira.botCredentials.accountId;

/** The command job of `comment` once it completed, as an operator finds it in the queue: its return value. */
async function commandJobOf(comment: SandboxComment): Promise<unknown> {
  const job = await waitFor(
    async () =>
      (await stack.queue.getCompleted()).find(
        (candidate) =>
          candidate.name === 'run-commands' &&
          (candidate.data as { event?: { comment?: { id?: string } } }).event?.comment?.id === comment.id,
      ),
    undefined,
    `the command job of comment ${comment.id}`,
  );
  return job.returnvalue;
}

const refusal = (app: { accountId: string; name: string }) => ({
  skipped: `commands by app account ${app.name} (${app.accountId}) not run: app accounts are not allowed (commands.allowedApps in the rules)`,
});

describe('commands in a comment by an app account', () => {
  it('do not run by default, get no reply, and the job says why', async () => {
    const mark = ledgerMark(stack.jira.ledger);
    // What "When a request is created → comment {{issue.description}}" writes for a customer's portal request.
    const comment = stack.jira.act.comment({
      as: AUTOMATION.accountId,
      issue: 'HELP-1',
      body: 'Customer wrote:\n\nThe CSV export is empty.\n/link APP-1\n/score impact=5',
    });

    expect(await commandJobOf(comment)).toEqual(refusal(AUTOMATION));
    await waitUntilIdle(stack, { delayed: true });
    // No reply (a reply to an app could start its rule again), no link: the service wrote nothing at all.
    expect(effectsBy(stack.jira.ledger, bot(), mark)).toEqual({});
    expect(linked('HELP-1', 'APP-1')).toBe(false);
  });

  it('run for an app the rules allow, with that app’s own rights; other apps stay refused', async () => {
    writeFileSync(rulesFile, `commands:\n  allowedApps: ["${AUTOMATION.accountId}"]\n`);
    const reloaded = await fetch(`${stack.apiUrl}/admin/actions/reload-rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(reloaded.status).toBe(200);

    const allowed = stack.jira.act.comment({
      as: AUTOMATION.accountId,
      issue: 'APP-1',
      body: '/score impact=4',
    });
    const reply = plain((await replyTo(stack.jira, 'APP-1', allowed.id)).body);
    expect(reply).toContain('Reply to Automation for Jira:');
    expect(reply).toContain('Set impact=4.');
    await waitFor(() => issue('APP-1').custom.customfield_10050 === 4);

    // Allowed is not all-powerful: Jira's permission check for the app's account still decides.
    const beyond = stack.jira.act.comment({
      as: AUTOMATION.accountId,
      issue: 'OPS-1',
      body: '/score impact=4',
    });
    expect(plain((await replyTo(stack.jira, 'OPS-1', beyond.id)).body)).toContain(
      'you cannot edit this item',
    );
    expect(issue('OPS-1').custom.customfield_10050).not.toBe(4);

    const mark = ledgerMark(stack.jira.ledger);
    const other = stack.jira.act.comment({
      as: SCRIPTRUNNER.accountId,
      issue: 'HELP-1',
      body: '/link APP-1',
    });
    expect(await commandJobOf(other)).toEqual(refusal(SCRIPTRUNNER));
    await waitUntilIdle(stack, { delayed: true });
    expect(effectsBy(stack.jira.ledger, bot(), mark)).toEqual({});
  });
});
