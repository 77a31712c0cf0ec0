import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import type { AdfDoc, AdfNode } from '../../src/trackers/jira/adf-types.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { ADA_AND_APP } from '../helpers/seeds.ts';

let stack: Stack;
const rulesFile = join(mkdtempSync(join(tmpdir(), 'ac-rules-')), 'rules.yaml');
writeFileSync(rulesFile, 'acceptance:\n  gate: [In Progress]\n');

const vagueStory = 'As a shopper I want to pay faster.';
const goodStory = [
  'As a shopper, I want to save my card, so that I can pay in one click.',
  '',
  'h2. Acceptance criteria',
  '* Given a saved card, when I pay, then no card form is shown',
  '* Given no saved card, when I pay, then the card form offers to save the card',
].join('\n');

beforeAll(async () => {
  stack = await startStack({ redisUrl: testRedisUrl(), env: { REFINERY_CONFIG: rulesFile } });
  stack.jira.seed(ADA_AND_APP);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const issue = (key: string) => [...stack.jira.state.issues.values()].find((i) => i.key === key)!;
/** The service's acceptance-criteria comments (scoring comments on the same items too): marker paragraph last. */
const botComments = (key: string) =>
  stack.jira.state.comments.filter(
    (c) =>
      c.issueId === issue(key).id &&
      c.authorId === stack.jira.botCredentials.accountId &&
      JSON.stringify(c.body.content.at(-1)).includes('"backlog-refinery · acceptance-criteria"'),
  );
const text = (value: unknown) => JSON.stringify(value) ?? '';

describe('acceptance criteria on Jira', () => {
  it('flags a failing story with the label and one comment, then clears the label when fixed', async () => {
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Pay faster',
      issuetype: 'Story',
      description: vagueStory,
    });

    await waitFor(() => issue(created.key).labels.includes('needs-acceptance-criteria'));
    const [comment] = await waitFor(() =>
      botComments(created.key).length > 0 ? botComments(created.key) : undefined,
    );
    expect(text(comment!.body)).toContain('Acceptance check failed');
    expect(text(comment!.body)).toContain('missing-benefit');

    stack.jira.act.editIssue({ as: 'ada', issue: created.key, description: goodStory });

    await waitFor(() => !issue(created.key).labels.includes('needs-acceptance-criteria'));
    await waitFor(() => text(botComments(created.key)[0]?.body).includes('Acceptance check passed'));
    expect(botComments(created.key)).toHaveLength(1);
  });

  it('moves a failing item back out of a gated status and says why', async () => {
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Refunds',
      issuetype: 'Story',
      description: vagueStory,
    });
    await waitFor(() => issue(created.key).labels.includes('needs-acceptance-criteria'));

    stack.jira.act.transition({ as: 'ada', issue: created.key, to: 'In Progress' });

    await waitFor(() => text(botComments(created.key)[0]?.body).includes('Moved back to'));
    expect(issue(created.key).statusId).toBe('10000');
  });

  it('stops moving an item back that a rule keeps moving into the gated status, and says so', async () => {
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Gift cards',
      issuetype: 'Story',
      description: vagueStory,
    });
    await waitFor(() => issue(created.key).labels.includes('needs-acceptance-criteria'));
    const movesBack = () =>
      stack.jira.writes.filter(
        (write) =>
          [created.key, issue(created.key).id].some((idOrKey) =>
            write.path.startsWith(`/rest/api/3/issue/${idOrKey}/transitions`),
          ) && write.actor === stack.jira.botCredentials.accountId,
      ).length;

    // A Jira Automation rule (run as the user who triggered it) or a Butler rule: "when it goes back to To Do, move it
    // to In Progress". Each of the service's moves back sets it off again; 8 rounds bound the test.
    let gaveUp = false;
    for (let round = 1; round <= 8 && !gaveUp; round++) {
      stack.jira.act.transition({ as: 'ada', issue: created.key, to: 'In Progress' });
      gaveUp = await waitFor(() =>
        text(botComments(created.key)[0]?.body).includes('Not moved back')
          ? true
          : movesBack() >= round && issue(created.key).statusId === '10000'
            ? 'moved back'
            : undefined,
      ).then((outcome) => outcome === true);
    }

    expect(gaveUp).toBe(true);
    expect(movesBack()).toBe(3);
    expect(issue(created.key).statusId).not.toBe('10000');
    expect(issue(created.key).labels).toContain('needs-acceptance-criteria');
    expect(text(botComments(created.key)[0]?.body)).toContain('moved it back 3 times');
  });

  it('/ac template appends the missing sections without touching the text', async () => {
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Wishlist',
      issuetype: 'Story',
      description: 'As a shopper, I want a wishlist, so that I can buy later.',
    });
    await waitFor(() => issue(created.key).labels.includes('needs-acceptance-criteria'));

    stack.jira.act.comment({ as: 'ada', issue: created.key, body: '/ac template' });

    const description = await waitFor(() => {
      const body = text(issue(created.key).description);
      return body.includes('Acceptance criteria') ? body : undefined;
    });
    expect(description).toContain('As a shopper, I want a wishlist, so that I can buy later.');
  });
});

describe('acceptance criteria written as Jira action items', () => {
  const t = (text: string, marks?: { type: string }[]) => ({ type: 'text', text, ...(marks && { marks }) });
  const item = (localId: string, ...content: AdfNode[]) => ({
    type: 'taskItem',
    attrs: { localId, state: 'TODO' },
    content,
  });
  /** What Jira's editor stores for "[] " action items: one inline run per mark, mention or emoji. */
  const actionItems: AdfDoc = {
    type: 'doc',
    version: 1,
    content: [
      {
        type: 'paragraph',
        content: [t('As a shopper, I want to save my card, so that I can pay in one click.')],
      },
      { type: 'heading', attrs: { level: 2 }, content: [t('Acceptance criteria')] },
      {
        type: 'taskList',
        attrs: { localId: 'list-1' },
        content: [
          item(
            'i-1',
            t('Given a saved card, '),
            t('when', [{ type: 'strong' }]),
            t(' I pay, then no card form is shown'),
          ),
          item(
            'i-2',
            t('Given no saved card, when I pay, then '),
            { type: 'mention', attrs: { id: 'ada', text: '@Ada Lovelace' } },
            t(' sees the form offer to save the card'),
          ),
        ],
      },
    ],
  };

  it('reads each action item as one criterion, whatever marks or mentions it holds', async () => {
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Saved cards',
      issuetype: 'Story',
      description: 'As a shopper, I want to save my card, so that I can pay in one click.',
    });
    await waitFor(() => text(botComments(created.key)[0]?.body).includes('missing-acceptance-criteria'));

    stack.jira.act.editIssue({ as: 'ada', issue: created.key, description: actionItems });

    const body = await waitFor(() => {
      const current = text(botComments(created.key)[0]?.body);
      return current.includes('missing-acceptance-criteria') ? undefined : current;
    });
    expect(body).toContain('Acceptance check passed');
    expect(body).not.toContain('incomplete-gwt');
    await waitFor(() => !issue(created.key).labels.includes('needs-acceptance-criteria'));
  });
});

describe('acceptance criteria written as Gherkin scenarios without a heading', () => {
  it('counts "Scenario 1: ..." with its Given/When/Then as the criteria', async () => {
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Guest checkout',
      issuetype: 'Story',
      description: 'As a shopper, I want to pay as a guest, so that I need no account.',
    });
    await waitFor(() => text(botComments(created.key)[0]?.body).includes('missing-acceptance-criteria'));

    stack.jira.act.editIssue({
      as: 'ada',
      issue: created.key,
      description: [
        'As a shopper, I want to pay as a guest, so that I need no account.',
        '',
        'Scenario 1: paying as a guest',
        'Given a cart and no account',
        'When I pay as a guest',
        'Then I get the receipt by email',
        '',
        'Scenario 2: a returning guest',
        'Given a guest who paid before',
        'When I pay again with the same email',
        'Then I am offered to create an account',
      ].join('\n'),
    });

    const body = await waitFor(() => {
      const current = text(botComments(created.key)[0]?.body);
      return current.includes('missing-acceptance-criteria') ? undefined : current;
    });
    expect(body).toContain('Acceptance check passed');
    await waitFor(() => !issue(created.key).labels.includes('needs-acceptance-criteria'));
  });
});

describe('acceptance criteria inside a Jira expand block', () => {
  it('reads the expand title as the section heading', async () => {
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Gift cards',
      issuetype: 'Story',
      description: 'As a shopper, I want to pay with a gift card, so that I can use a present.',
    });
    await waitFor(() => text(botComments(created.key)[0]?.body).includes('missing-acceptance-criteria'));

    const paragraph = (value: string): AdfNode => ({
      type: 'paragraph',
      content: [{ type: 'text', text: value }],
    });
    stack.jira.act.editIssue({
      as: 'ada',
      issue: created.key,
      description: {
        type: 'doc',
        version: 1,
        content: [
          paragraph('As a shopper, I want to pay with a gift card, so that I can use a present.'),
          {
            type: 'expand',
            attrs: { title: 'Acceptance criteria' },
            content: [
              {
                type: 'bulletList',
                content: [
                  {
                    type: 'listItem',
                    content: [
                      paragraph('Given a gift card of 20 EUR, when I pay 15 EUR, then 5 EUR remain on it'),
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    });

    const body = await waitFor(() => {
      const current = text(botComments(created.key)[0]?.body);
      return current.includes('missing-acceptance-criteria') ? undefined : current;
    });
    expect(body).toContain('Acceptance check passed');
  });
});

describe('Jira headings after the criteria', () => {
  it('end the criteria section: notes under "Design" or "Out of scope" are not criteria', async () => {
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Saved addresses',
      issuetype: 'Story',
      description: 'As a shopper, I want to save my address, so that checkout is shorter.',
    });
    await waitFor(() => text(botComments(created.key)[0]?.body).includes('missing-acceptance-criteria'));

    const paragraph = (value: string): AdfNode => ({
      type: 'paragraph',
      content: [{ type: 'text', text: value }],
    });
    const heading = (value: string): AdfNode => ({
      type: 'heading',
      attrs: { level: 2 },
      content: [{ type: 'text', text: value }],
    });
    stack.jira.act.editIssue({
      as: 'ada',
      issue: created.key,
      description: {
        type: 'doc',
        version: 1,
        content: [
          paragraph('As a shopper, I want to save my address, so that checkout is shorter.'),
          heading('Acceptance criteria'),
          heading('Design'),
          paragraph('See the Figma file'),
          heading('Out of scope'),
          paragraph('Addresses abroad'),
        ],
      },
    });

    const body = await waitFor(() => {
      const current = text(botComments(created.key)[0]?.body);
      return current.includes('missing-acceptance-criteria') ? undefined : current;
    });
    expect(body).toContain('empty-criteria');
    expect(body).toContain('Acceptance check failed');
    expect(issue(created.key).labels).toContain('needs-acceptance-criteria');
  });
});

describe('Jira sub-headings inside the criteria', () => {
  it('group criteria under a deeper heading without ending the section', async () => {
    const created = stack.jira.act.createIssue({
      as: 'ada',
      project: 'APP',
      summary: 'Saved cards, grouped',
      issuetype: 'Story',
      description: 'As a shopper, I want to save my card, so that I can pay in one click.',
    });
    await waitFor(() => text(botComments(created.key)[0]?.body).includes('missing-acceptance-criteria'));

    const heading = (level: number, value: string): AdfNode => ({
      type: 'heading',
      attrs: { level },
      content: [{ type: 'text', text: value }],
    });
    const bullet = (value: string): AdfNode => ({
      type: 'bulletList',
      content: [
        { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: value }] }] },
      ],
    });
    stack.jira.act.editIssue({
      as: 'ada',
      issue: created.key,
      description: {
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'As a shopper, I want to save my card, so that I can pay in one click.' },
            ],
          },
          heading(2, 'Acceptance criteria'),
          heading(3, 'Happy path'),
          bullet('Given a saved card, when I pay, then no card form is shown'),
          heading(3, 'Errors'),
          bullet('Given an expired card, when I pay, then I am asked for another card'),
        ],
      },
    });

    const body = await waitFor(() => {
      const current = text(botComments(created.key)[0]?.body);
      return current.includes('missing-acceptance-criteria') ? undefined : current;
    });
    expect(body).toContain('Acceptance check passed');
  });
});
