import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { commandReply, replyTo } from '../helpers/jira-commands.ts';
import { issueByKey, linkedInJira } from '../helpers/jira-sandbox-state.ts';
import { testRedisUrl } from '../helpers/redis.ts';

/**
 * Issue 12, item 3: commands act with the commenter's rights, not the service's. The sandbox models per-account
 * project permissions and issue security levels, and answers Jira's bulk permission check.
 */
let stack: Stack;

const SECRET_TITLE = 'Acquisition of Initech, board only';
const HIDDEN_TITLE = 'Layoffs in the platform team';

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl() });
  stack.jira.seed({
    people: [
      { accountId: 'ada', displayName: 'Ada Agent', email: 'ada@example.test' },
      { accountId: 'sam', displayName: 'Sam Board', email: 'sam@example.test' },
      { accountId: 'carl', displayName: 'Carl Customer', email: 'carl@example.test' },
    ],
    projects: [
      { key: 'APP', name: 'App', editors: ['ada', 'sam'] },
      { key: 'HELP', name: 'Help desk', projectTypeKey: 'service_desk' },
      { key: 'SECRET', name: 'Board matters', browsers: ['sam'] },
    ],
    boards: [{ name: 'App board', projectKey: 'APP' }],
    sprints: [
      { name: 'App Sprint 1', board: 'App board', state: 'active', startDate: '2026-01-05T09:00:00.000Z' },
    ],
    issues: [
      { projectKey: 'APP', summary: 'Export invoices as PDF', issuetype: 'Story', reporter: 'ada' },
      {
        projectKey: 'APP',
        summary: HIDDEN_TITLE,
        issuetype: 'Story',
        reporter: 'sam',
        securityLevel: { name: 'Management', members: ['sam'] },
      },
      { projectKey: 'SECRET', summary: SECRET_TITLE, issuetype: 'Story', reporter: 'sam' },
      { projectKey: 'HELP', summary: 'PDF invoices please', issuetype: 'Task', reporter: 'carl' },
    ],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const issue = (key: string) => issueByKey(stack.jira, key);
const text = (value: unknown) => JSON.stringify(value);
const linked = (a: string, b: string) => linkedInJira(stack.jira, a, b);
async function command(as: string, key: string, body: string): Promise<string> {
  return text((await commandReply(stack.jira, as, key, body)).body);
}

describe('commands respect the commenter on Jira', () => {
  it('/link of a project the commenter cannot browse is refused without naming its title', async () => {
    const reply = await command('carl', 'HELP-1', '/link SECRET-1');

    expect(reply).toContain('that you can see was found');
    expect(reply).not.toContain('Initech');
    expect(linked('HELP-1', 'SECRET-1')).toBe(false);
  });

  it('/link of an issue behind a security level is refused the same way', async () => {
    const reply = await command('ada', 'HELP-1', '/link APP-2');

    expect(reply).toContain('that you can see was found');
    expect(reply).not.toContain('Layoffs');
    expect(linked('HELP-1', 'APP-2')).toBe(false);
  });

  it('someone who may browse the item links it', async () => {
    const reply = await command('ada', 'HELP-1', '/link APP-1');

    expect(reply).toContain('Linked');
    expect(linked('HELP-1', 'APP-1')).toBe(true);
  });

  it('a score override needs edit permission on the item', async () => {
    const refused = await command('carl', 'APP-1', '/score impact=5 reach=500 effort=0.1');

    expect(refused).toContain('you cannot edit this item');
    expect(refused).not.toContain('Set ');
    // Impact and Reach as Jira holds them: whatever automatic scoring inferred, not the override.
    expect(issue('APP-1').custom.customfield_10050).not.toBe(5);
    expect(issue('APP-1').custom.customfield_10053).not.toBe(500);

    const accepted = await command('ada', 'APP-1', '/score impact=4');
    expect(accepted).toContain('Set impact=4');
    await waitFor(() => issue('APP-1').custom.customfield_10050 === 4);
  });

  it('/ac template and /undo need edit permission too', async () => {
    const description = text(issue('APP-1').description);

    expect(await command('carl', 'APP-1', '/ac template')).toContain('you cannot edit this item');
    expect(await command('carl', 'APP-1', '/undo')).toContain('you cannot edit this item');
    expect(text(issue('APP-1').description)).toBe(description);
    expect(issue('APP-1').custom.customfield_10050).toBe(4);
  });

  it('a /summary preview lists only the sprint items the commenter may browse and none behind a security level, and counts the others', async () => {
    const sprintId = [...stack.jira.state.sprints.values()].find((s) => s.name === 'App Sprint 1')!.id;
    stack.jira.act.addToSprint({ as: 'sam', sprintId, issues: ['APP-1', 'APP-2'] });

    const restricted = await command('ada', 'APP-1', '/summary');
    expect(restricted).toContain('Preview of App Sprint 1');
    expect(restricted).toContain('Export invoices as PDF');
    expect(restricted).not.toContain('Layoffs');
    expect(restricted).toContain('1 item you cannot see is left out of the lists');

    // Sam may browse the hidden issue, but everyone who may browse APP-1 reads the reply: counted, not named.
    const member = await command('sam', 'APP-1', '/summary');
    expect(member).not.toContain(HIDDEN_TITLE);
    expect(member).toContain('1 restricted item');
    expect(member).not.toContain('cannot see');
  });

  it('/ac template keeps Markdown-looking text of the description literal: no link or formatting appears', async () => {
    const written = {
      type: 'paragraph',
      content: [{ type: 'text', text: 'Reset it at [x](https://evil.example), **now** or `later`' }],
    };
    const story = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Password reset',
      issuetype: 'Story',
      description: { type: 'doc', version: 1, content: [written] },
    });

    expect(await command('ada', story.key, '/ac template')).toContain('Appended');

    const description = issue(story.key).description!;
    expect(description.content[0]).toEqual(written);
    expect(description.content.length).toBeGreaterThan(1);
    expect(text(description)).not.toContain('"href"');
    expect(text(description)).not.toContain('"strong"');
    expect(text(description)).toContain('Reset it at [x](https://evil.example), **now** or `later`');
  });

  it('a quoted command does not run; a pasted link (smart link) gives /link a clean argument', async () => {
    const ticket = stack.jira.act.createIssue({
      as: 'carl',
      project: 'HELP',
      summary: 'PDFs',
      issuetype: 'Task',
    });
    const url = `${stack.sandbox.url}/jira/browse/${ticket.key}`;
    const text = (value: string) => ({ type: 'text', text: value });
    const comment = stack.jira.act.comment({
      as: 'ada',
      issue: 'APP-1',
      body: {
        type: 'doc',
        version: 1,
        content: [
          { type: 'blockquote', content: [{ type: 'paragraph', content: [text('/undo')] }] },
          { type: 'paragraph', content: [text('/link '), { type: 'inlineCard', attrs: { url } }] },
        ],
      },
    });
    const reply = await replyTo(stack.jira, 'APP-1', comment.id);

    expect(JSON.stringify(reply.body)).toContain('Linked');
    expect(JSON.stringify(reply.body)).not.toContain('/undo');
    expect(linked(ticket.key, 'APP-1')).toBe(true);
  });
});
