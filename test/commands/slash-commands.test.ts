import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessStack, startInProcessStack } from '../helpers/in-process-stack.ts';
import { commandText, plain } from '../helpers/jira-commands.ts';
import { jiraCutDescription, jiraFullDescription } from '../helpers/near-limit.ts';

/**
 * Each slash command as a Jira user sees it: a comment, the service's reply, and the issue afterwards. The API and
 * the worker run in this process (the e2e tests run the same path in child processes), so the mutation run of
 * stryker.intake.config.mjs judges the command executors by these tests.
 */
let stack: InProcessStack;

beforeAll(async () => {
  stack = await startInProcessStack();
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' },
      { accountId: 'carl', displayName: 'Carl Customer', email: 'carl@example.test' },
      { accountId: 'bea', displayName: 'Bea Builder', email: 'bea@example.test' },
    ],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
    ],
    boards: [{ name: 'App board', projectKey: 'APP' }],
    sprints: [
      { name: 'App Sprint 1', board: 'App board', state: 'active', startDate: '2026-01-05T09:00:00.000Z' },
    ],
    issues: [
      { projectKey: 'APP', summary: 'Export invoices as CSV', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Import bank statements', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Dark mode', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Keyboard shortcuts', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Spike: search engines', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Audit log export', issuetype: 'Story', reporter: 'ada' },
      { projectKey: 'APP', summary: 'Monthly revenue report', issuetype: 'Story', reporter: 'ada' },
      {
        projectKey: 'APP',
        summary: 'Migration notes',
        issuetype: 'Story',
        reporter: 'ada',
        description: jiraCutDescription(),
      },
      { projectKey: 'HELP', summary: 'Invoices as CSV please', issuetype: 'Task', reporter: 'carl' },
      { projectKey: 'HELP', summary: 'Bank statements do not import', issuetype: 'Task', reporter: 'carl' },
      // In the sprint from the start, under issue security levels: not everyone may see them.
      ...[
        { summary: 'Payroll export for HR', members: ['ada'] },
        { summary: 'Salary bands page', members: ['ada', 'bea'] },
      ].map(({ summary, members }) => ({
        projectKey: 'APP',
        summary,
        issuetype: 'Story',
        reporter: 'ada',
        sprints: ['App Sprint 1'],
        securityLevel: { name: 'HR only', members },
      })),
      {
        projectKey: 'APP',
        summary: 'Migration plan',
        issuetype: 'Story',
        reporter: 'ada',
        description: jiraFullDescription(),
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const bot = () => stack.jira.botCredentials.accountId;
const issue = (key: string) => [...stack.jira.state.issues.values()].find((i) => i.key === key)!;
const impact = (key: string) => issue(key).custom.customfield_10050;
const effort = (key: string) => issue(key).custom.customfield_10051;

const command = (as: string, key: string, body: string) => commandText(stack.jira, as, key, body);

/** Permission checks the service asked Jira for (a POST that reads). */
const permissionChecks = () =>
  stack.jira.writes.filter(
    (write) => write.actor === bot() && write.path.startsWith('/rest/api/3/permissions'),
  ).length;

describe('/help', () => {
  it('lists every usage of every command, in order, each with what it does', async () => {
    const reply = await command('ada', 'APP-1', '/help');
    const lines = reply.split('\n').filter((line) => line !== '');
    const cells = lines.slice(lines.indexOf('What it does') + 1, -1);
    const rows = cells.flatMap((cell, index) => (index % 2 === 0 ? [[cell, cells[index + 1]]] : []));

    expect(reply).toContain('backlog-refinery commands');
    expect(rows.map((row) => row?.[0])).toEqual([
      '/help',
      '/help score',
      '/ac',
      '/ac template',
      '/ac skip <reason>',
      '/score',
      '/score impact=4 effort=3',
      '/score clear',
      '/score explain',
      '/link APP-12',
      '/link https://trello.com/c/AbCd1234',
      '/unlink APP-12',
      '/nomatch',
      '/similar',
      '/summary',
      '/summary post',
      '/undo',
    ]);
    for (const row of rows) expect(row?.[1]?.length).toBeGreaterThan(10);
    expect(reply).toContain(
      'Forms that work on this site: /score impact=4, @Backlog Refinery score impact=4. Commands in code',
    );
    expect(reply).toContain('/help score explains one command.');
  });

  it('explains one command, however its name is written', async () => {
    for (const asked of ['/help score', '/help /Score', '@Backlog Refinery help score explain']) {
      const reply = await command('ada', 'APP-1', asked);
      // After the reply's header (whom it answers, the command) and before its footer.
      expect(
        reply
          .split('\n')
          .filter((line) => line !== '')
          .slice(2, -1),
      ).toEqual([
        '/score: The priority score (RICE or WSJF): recompute it, set its inputs, explain it',
        'Command',
        'What it does',
        '/score',
        'Re-computes the score now and rewrites the fields and scorecard',
        '/score impact=4 effort=3',
        'Sets inputs by hand (reach, impact, confidence, effort); they win over inferred values',
        '/score clear',
        'Removes the inputs set by hand (or name some: /score clear impact)',
        '/score explain',
        'Answers with the formula and where each number came from',
      ]);
    }
    expect(await command('ada', 'APP-1', '/help undo')).toContain(
      "\n/undo: Undo the service's last change to this item\n",
    );
    expect(await command('ada', 'APP-1', '/help socre')).toContain(
      'Unknown command /socre. Did you mean /score? Write /help for the list.',
    );
  });

  it('answers a word that cannot be a command name with the list, without repeating the word', async () => {
    for (const word of ['x'.repeat(200), '<img/src=x>', 'sc*re']) {
      // The reply's header quotes the command as written; its body is the list.
      const body = (await command('ada', 'APP-1', `/help ${word}`)).split('\n').slice(2).join('\n');
      expect(body).toContain('/help score explains one command.');
      expect(body).not.toContain(word);
    }
  });
});

describe('/score', () => {
  it('sets, explains and clears the inputs set by hand, and says what it did', async () => {
    const set = await command('ada', 'APP-1', '/score impact=4 effort=3');
    expect(set).toMatch(/Set impact=4, effort=3\. Priority score \d+(\.\d+)? \(RICE\); the scorecard/);
    expect([impact('APP-1'), effort('APP-1')]).toEqual([4, 3]);

    const explained = await command('ada', 'APP-1', '/score explain');
    expect(explained).toContain('How the RICE score of');
    expect(explained).toContain('Impact 4: set to 4 by Ada Lovelace');

    expect(await command('ada', 'APP-1', '/score clear impact')).toMatch(
      /^Cleared impact\. Priority score /m,
    );
    expect(effort('APP-1')).toBe(3);

    // Jira takes about ten writes per issue in ten seconds (src/runtime/trackers.ts): another issue goes on at once.
    expect(await command('ada', 'APP-4', '/score clear')).toMatch(
      /^No inputs were set by hand\. Priority score /m,
    );
    expect(await command('ada', 'APP-4', '/score')).toMatch(/^Priority score \d+(\.\d+)? \(RICE\)/m);
  });

  it('rewrites the score field even when the score has not changed (someone typed over it)', async () => {
    const first = await command('ada', 'APP-5', '/score');
    const score = Number(/^Priority score (\d+(?:\.\d+)?) /m.exec(first)?.[1]);
    expect(issue('APP-5').custom.customfield_10052).toBe(score);

    stack.jira.act.editIssue({ as: 'ada', issue: 'APP-5', fields: { 'Priority score': 999 } });
    await stack.jira.settled();
    expect(issue('APP-5').custom.customfield_10052).toBe(999);

    expect(await command('ada', 'APP-5', '/score')).toContain(`Priority score ${score} (RICE)`);
    expect(issue('APP-5').custom.customfield_10052).toBe(score);

    // The same holds for a clear with nothing to clear, and for inputs set again to the values they have.
    const typedOver = async (body: string) => {
      stack.jira.act.editIssue({ as: 'ada', issue: 'APP-5', fields: { 'Priority score': 999 } });
      await stack.jira.settled();
      const reply = await command('ada', 'APP-5', body);
      return [
        Number(/Priority score (\d+(?:\.\d+)?) /.exec(reply)?.[1]),
        issue('APP-5').custom.customfield_10052,
      ];
    };
    expect(await typedOver('/score clear')).toEqual([score, score]);
    const [setScore] = await typedOver('/score impact=5');
    expect(await typedOver('/score impact=5')).toEqual([setScore, setScore]);
    await command('ada', 'APP-5', '/score reach=300');
    expect(await command('ada', 'APP-5', '/score clear')).toMatch(
      /^Cleared (impact, reach|reach, impact)\. /m,
    );
  });

  it('answers an invalid use with what is wrong and how to use it, and changes nothing', async () => {
    const reply = await command('ada', 'APP-2', '/score impact=lots');

    expect(reply).toContain('Nothing changed:');
    expect(reply).toContain('impact');
    expect(reply).toContain('Use /score, /score impact=4 effort=3, /score clear or /score explain.');
    expect(impact('APP-2')).not.toBe('lots');
  });

  it('scores only backlog items', async () => {
    expect(await command('ada', 'HELP-1', '/score')).toContain('Only backlog items are scored');
  });

  it('lets anyone ask for the score but only editors change its inputs', async () => {
    const before = permissionChecks();
    expect(await command('carl', 'APP-2', '/score explain')).not.toContain('cannot edit');
    expect(permissionChecks()).toBe(before);

    expect(await command('carl', 'APP-2', '/score impact=5')).toContain('you cannot edit this item');
    expect(await command('carl', 'APP-2', '/score clear')).toContain('you cannot edit this item');
    expect(impact('APP-2')).not.toBe(5);
    // The second refusal came from the cached answer: one check per person, item and minute.
    expect(permissionChecks()).toBe(before + 1);
  });
});

describe('/ac', () => {
  it('checks, and appends the missing sections of the template once', async () => {
    // Each finding and each section appended is named, separated by commas.
    expect(await command('ada', 'APP-3', '/ac')).toMatch(
      /^Fails its template: [^,]+(, [^,]+)+\. See the acceptance/m,
    );

    const appended = await command('ada', 'APP-3', '/ac template');
    expect(appended).toMatch(/^Appended .+ to the description\. Fill them in/m);
    expect(JSON.stringify(issue('APP-3').description)).toContain('Acceptance criteria');
    expect(await command('ada', 'APP-3', '/ac template')).toContain(
      'Nothing to add: every section of the template is already in the description.',
    );
  });

  it('appends nothing to a description cut at the limit, and says why', async () => {
    const before = JSON.stringify(issue('APP-8').description);
    expect(await command('ada', 'APP-8', '/ac template')).toContain(
      "Nothing appended: the description was cut at the tracker's limit before (it ends with “… more lines not shown”),",
    );
    expect(JSON.stringify(issue('APP-8').description)).toBe(before);
  });

  it('appends nothing to a description the template would take past the limit, and says so', async () => {
    const before = JSON.stringify(issue('APP-11').description);
    const reply = await command('ada', 'APP-11', '/ac template');
    expect(reply).not.toContain('Appended');
    expect(reply).toContain('did not fit: Jira stops at 32,767 characters, and the description is near that');
    expect(JSON.stringify(issue('APP-11').description)).toBe(before);
  });

  it('asks why before skipping, and a skipped item says so', async () => {
    expect(await command('ada', 'APP-5', '/ac skip')).toContain(
      'Say why: /ac skip <reason>, e.g. /ac skip spike, no user-facing change.',
    );
    expect(await command('ada', 'APP-5', '/ac skip   spike, no user-facing change ')).toContain(
      'Acceptance check skipped for this item: spike, no user-facing change.',
    );
    // The item has no acceptance criteria: the check would fail, but the item is exempt, as its comment says.
    expect(await command('ada', 'APP-5', '/ac')).toMatch(
      /^Skipped: this item is exempt from its template \(it would fail: [^,]+(, [^,]+)+\)\. See the acceptance-criteria comment\.$/m,
    );
    expect(await command('ada', 'APP-5', '/ac tempalte')).toContain(
      'Unknown argument tempalte. Use /ac, /ac template or /ac skip <reason>.',
    );
  });

  it('lets only editors run the check (it sets the label and comment), append or skip', async () => {
    expect(await command('ada', 'APP-2', '/ac')).toMatch(/^(Fails|Passes) /m);
    expect(await command('carl', 'APP-2', '/ac')).toContain('you cannot edit this item');
    expect(await command('carl', 'APP-2', '/ac template')).toContain('you cannot edit this item');
    expect(await command('carl', 'APP-2', '/ac skip because')).toContain('you cannot edit this item');
  });
});

describe('/undo', () => {
  it("says when there is nothing to undo, else restores the service's last change and says how to redo", async () => {
    expect(await command('ada', 'HELP-1', '/undo')).toContain(
      'Nothing to undo: no change of the service to this item is on record.',
    );
    await command('ada', 'APP-6', '/score impact=2');
    expect(impact('APP-6')).toBe(2);

    expect(await command('carl', 'APP-6', '/undo')).toContain('you cannot edit this item');
    const undone = await command('ada', 'APP-6', '/undo');
    expect(undone).toMatch(/^Restored the service's last change \(run-commands, .+\):$/m);
    expect(undone).toContain('Write /undo again to redo it.');
    expect(impact('APP-6')).not.toBe(2);
  });
});

describe('/summary', () => {
  it('previews the active sprint, posts it once and edits it after, and refuses other arguments', async () => {
    expect(await command('ada', 'APP-7', '/summary')).toContain(
      'No active sprint found for this issue: add it to a sprint, or map its project to a board in the rules file (summaries.jira.boards.<boardId>.projectKey).',
    );
    const sprintId = [...stack.jira.state.sprints.values()].find((s) => s.name === 'App Sprint 1')!.id;
    stack.jira.act.addToSprint({ as: 'ada', sprintId, issues: ['APP-7'] });

    const preview = await command('ada', 'APP-7', '/summary');
    expect(preview).toContain(
      'Preview of App Sprint 1 so far. The summary is posted when the sprint closes; /summary post posts it now.',
    );
    expect(preview).toContain('Monthly revenue report');
    expect(preview).not.toContain('cannot see');

    expect(await command('ada', 'APP-7', '/summary post')).toMatch(/^Posted the summary: APP-\d+ .+\.$/m);
    expect(await command('ada', 'APP-7', '/Summary POST')).toMatch(/^Updated the summary: APP-\d+ .+\.$/m);
    expect(await command('ada', 'APP-7', '/summary later')).toContain(
      'Unknown argument later. Use /summary or /summary post.',
    );
  });

  it('a preview names neither the items the commenter may not see nor those behind a security level, and counts both', async () => {
    // Ada may browse everything, but everyone who may browse APP-7 reads her reply: the issues behind security
    // levels are counted, not named.
    const everything = await command('ada', 'APP-7', '/summary');
    expect(everything).toContain('Carried over\nAPP-7 Monthly revenue report\n2 restricted items');
    expect(everything).not.toContain('you cannot see');
    expect(everything).not.toContain('Payroll export for HR');
    expect(everything).not.toContain('Salary bands page');

    const bea = await command('bea', 'APP-7', '/summary');
    expect(bea).toContain('1 item you cannot see is left out of the lists.');
    expect(bea).not.toContain('Salary bands page');
    expect(bea).not.toContain('Payroll export for HR');

    const carl = await command('carl', 'APP-7', '/summary');
    expect(carl).toContain('2 items you cannot see are left out of the lists.');
    expect(carl).not.toContain('Salary bands page');
    expect(carl).not.toContain('Payroll export for HR');
  });
});

describe('linking commands', () => {
  it('/similar, /link, /unlink and /nomatch answer on a support ticket', async () => {
    expect(await command('ada', 'HELP-2', '/similar')).toContain('No backlog item shares enough words');
    expect(await command('ada', 'HELP-2', '/link APP-1')).toContain('Linked');
    expect(await command('ada', 'HELP-2', '/unlink APP-1')).toContain('Unlinked HELP-2 from APP-1.');
    expect(await command('ada', 'HELP-2', '/nomatch')).toContain('Noted: no suggested item matches.');

    // Jira's link events name no actor: the API knows the echoes of the service's own links by the pair.
    await stack.jira.settled();
    const echoes = stack.jira.deliveries.filter((delivery) => delivery.event.startsWith('issuelink_'));
    expect(echoes.map((delivery) => [delivery.event, delivery.lastStatus])).toEqual([
      ['issuelink_created', 200],
      ['issuelink_deleted', 200],
    ]);
  });

  it('/link to an item already resolved says so, instead of promising news when it is resolved', async () => {
    stack.jira.act.transition({ as: 'ada', issue: 'APP-5', to: 'In Progress' });
    stack.jira.act.transition({ as: 'ada', issue: 'APP-5', to: 'Done' });
    const reply = await command('ada', 'HELP-1', '/link APP-5');
    expect(reply).toContain('APP-5 is already Done');
    expect(reply).not.toContain('hears when the item is resolved');
    const linkComment = stack.jira.state.comments.find(
      (c) =>
        c.issueId === issue('HELP-1').id &&
        c.authorId === bot() &&
        JSON.stringify(c.body).includes('backlog-refinery · link'),
    );
    expect(plain(linkComment?.body)).toContain('APP-5 is already Done');
    expect(plain(linkComment?.body)).not.toContain('Support hears here when it is resolved');
  });
});
