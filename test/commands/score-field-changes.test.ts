import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { misconfigure } from '../../src/sandbox/jira/routes-setup.ts';
import { createJiraContext, type JiraContext } from '../../src/trackers/jira/jira-context.ts';
import { type InProcessStack, startStoriesStack } from '../helpers/in-process-stack.ts';
import { commandText, plain } from '../helpers/jira-commands.ts';

/**
 * A site admin changes the score fields while the service runs: the next `/score` follows the change rather than
 * the field list the service read before it. The service re-reads that list on a miss at most once per
 * JIRA_FIELD_REFRESH_MS; 0 here, so each `/score` may (the pacing itself is tested in jira-writes.test.ts).
 */
let stack: InProcessStack;
/** Jira's admin API, as the doctor's `--fix` uses it: the bot's account, made a site admin for the change only. */
let adminClient: JiraContext;
async function asAdmin<T>(change: (admin: JiraContext) => Promise<T>): Promise<T> {
  stack.jira.state.setup.botIsAdmin = true;
  try {
    return await change(adminClient);
  } finally {
    stack.jira.state.setup.botIsAdmin = false;
  }
}

beforeAll(async () => {
  stack = await startStoriesStack({ JIRA_FIELD_REFRESH_MS: '0' }, [
    { summary: 'Export invoices as CSV' },
    { summary: 'Import bank statements' },
  ]);
  adminClient = createJiraContext({
    baseUrl: stack.env.JIRA_BASE_URL ?? '',
    email: stack.jira.botCredentials.email,
    apiToken: stack.jira.botCredentials.apiToken,
    log: createLogger({ level: 'silent' }),
    onSchemaMismatch: 'throw',
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const issue = (key: string) => [...stack.jira.state.issues.values()].find((i) => i.key === key)!;
const fieldId = (name: string) => stack.jira.state.fields.find((f) => f.name === name)?.id ?? '';
const command = (key: string, body: string) => commandText(stack.jira, 'ada', key, body);
const scorecard = (key: string) =>
  plain(
    stack.jira.state.comments.find(
      (c) =>
        c.issueId === issue(key).id &&
        c.authorId === stack.jira.botCredentials.accountId &&
        plain(c.body).includes('Priority score: '),
    )?.body,
  );

describe('score fields an admin changes while the service runs', () => {
  it('writes a field created since the last score at the next /score', async () => {
    misconfigure(stack.jira.state, { removeField: 'Impact' });
    await command('APP-1', '/score');
    expect(scorecard('APP-1')).toContain('Impact: no Jira field has this name');

    const created = await asAdmin(async (admin) => {
      const field = await admin.cloud.issueFields.createCustomField({
        name: 'Impact',
        type: 'com.atlassian.jira.plugin.system.customfieldtypes:float',
        searcherKey: 'com.atlassian.jira.plugin.system.customfieldtypes:exactnumber',
      });
      await admin.cloud.screens.addFieldToDefaultScreen({ fieldId: field.id ?? '' });
      return field;
    });
    await command('APP-1', '/score');

    expect(issue('APP-1').custom[created.id ?? '']).toBe(3);
    expect(scorecard('APP-1')).not.toContain('Impact: ');
  });

  it('stops writing a field renamed since the last score, and the scorecard says Effort was not written', async () => {
    await command('APP-2', '/score effort=3');
    const renamed = fieldId('Effort');
    expect(issue('APP-2').custom[renamed]).toBe(3);

    await asAdmin((admin) =>
      admin.cloud.issueFields.updateCustomField({ fieldId: renamed, name: 'Effort (old)' }),
    );
    // The renamed field still holds 3, the effort set by hand: only a fresh field list tells it is not Effort.
    await command('APP-2', '/score');
    expect(scorecard('APP-2')).toContain('Effort: no Jira field has this name');

    await command('APP-2', '/score effort=5');
    expect(issue('APP-2').custom[renamed]).toBe(3);
    expect(scorecard('APP-2')).toContain('Effort: no Jira field has this name');
  });

  // The field list read before still names it; only Jira's edit screen, which leaves it out, says something changed.
  it('says a field deleted since the last score no longer exists, not that it is off the edit screen', async () => {
    // Every score field there again, and the list read with them all (the rename above took Effort away).
    await asAdmin((admin) =>
      admin.cloud.issueFields.updateCustomField({ fieldId: fieldId('Effort (old)'), name: 'Effort' }),
    );
    await command('APP-1', '/score confidence=0.8');
    expect(scorecard('APP-1')).not.toMatch(/(Effort|Confidence): /);

    misconfigure(stack.jira.state, { removeField: 'Confidence' });
    await command('APP-1', '/score');

    expect(scorecard('APP-1')).toContain('Confidence: no Jira field has this name');
    expect(scorecard('APP-1')).not.toContain('Confidence: not on the edit screen');
  });
});
