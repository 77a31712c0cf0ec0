import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntilIdle } from '../../../scripts/lib/stack.ts';
import { createLogger } from '../../../src/logger.ts';
import { adfToPlainText } from '../../../src/trackers/jira/adf-text.ts';
import { createJiraContext } from '../../../src/trackers/jira/jira-context.ts';
import { type InProcessStack, startInProcessStack } from '../../helpers/in-process-stack.ts';

/**
 * A site whose score field is called otherwise ("RICE score") until an admin renames it to the name the rules use,
 * as the doctor advises, while a sprint runs: the summary posted at the close lists the delivered items by their
 * score. The service re-reads the field list on a miss at most once per JIRA_FIELD_REFRESH_MS; 0 here.
 */
let stack: InProcessStack;
const SCORE_FIELD = 'customfield_10052';

beforeAll(async () => {
  stack = await startInProcessStack({ JIRA_FIELD_REFRESH_MS: '0' }, ({ jira }) => {
    const field = jira.state.fields.find((f) => f.id === SCORE_FIELD)!;
    field.name = 'RICE score';
  });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'APP', name: 'App', editors: ['ada'] }],
    boards: [{ name: 'App board', projectKey: 'APP' }],
    sprints: [{ name: 'App Sprint 1', board: 'App board' }],
    issues: [
      {
        projectKey: 'APP',
        summary: 'Export invoices as CSV',
        issuetype: 'Story',
        reporter: 'ada',
        fields: { 'RICE score': 42 },
        sprints: ['App Sprint 1'],
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const sprintId = () => [...stack.jira.state.sprints.values()].find((s) => s.name === 'App Sprint 1')!.id;

describe('a score field renamed to the configured name while the sprint runs', () => {
  it("lists the delivered items by that field's scores in the summary posted at the close", async () => {
    stack.jira.act.startSprint({ sprintId: sprintId() });
    // The service snapshots the sprint at its start; done before the snapshot, APP-1 would count as done before it.
    await waitUntilIdle(stack, { delayed: true });
    stack.jira.act.transition({ as: 'ada', issue: 'APP-1', to: 'In Progress' });
    stack.jira.act.transition({ as: 'ada', issue: 'APP-1', to: 'Done' });
    // The service has read the field list by now: the sprint's snapshot and APP-1's scoring read its items.
    await waitUntilIdle(stack, { delayed: true });

    stack.jira.state.setup.botIsAdmin = true;
    await createJiraContext({
      baseUrl: stack.env.JIRA_BASE_URL ?? '',
      email: stack.jira.botCredentials.email,
      apiToken: stack.jira.botCredentials.apiToken,
      log: createLogger({ level: 'silent' }),
      onSchemaMismatch: 'throw',
    }).cloud.issueFields.updateCustomField({ fieldId: SCORE_FIELD, name: 'Priority score' });
    stack.jira.state.setup.botIsAdmin = false;
    stack.jira.act.closeSprint({ as: 'ada', sprintId: sprintId() });

    const summary = await waitFor(() =>
      [...stack.jira.state.issues.values()].find((i) => i.labels.includes('sprint-summary')),
    );
    expect(adfToPlainText(summary.description)).toContain(
      'Top delivered by priority score\n1. APP-1 Export invoices as CSV — score 42',
    );
  });
});
