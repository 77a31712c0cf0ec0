import { describe, expect, it } from 'vitest';
import {
  appendMissingSections,
  checkItem,
  parseAcceptanceRules,
  resolveTemplate,
} from '../../../src/domain/acceptance/index.ts';

const rules = parseAcceptanceRules({
  templates: { task: { sections: [{ key: 'design', heading: 'Design', aliases: ['mockups'] }] } },
});
const task = resolveTemplate(rules, { type: 'Task' });
const story = resolveTemplate(rules, { type: 'Story' });
const bug = resolveTemplate(rules, { type: 'Bug' });

const findings = (
  description: string,
  checklists?: { name: string; items: { text: string; checked: boolean }[] }[],
) => checkItem({ title: 'Rotate keys', description, checklists }, task).findings.map((f) => f.name);

describe('a plain section (neither criteria nor recognised content) in a custom template', () => {
  it('passes with any line under its heading', () => {
    expect(findings('## Design\nSee the Figma board, page 3')).toEqual([]);
    expect(findings('Mockups: in Figma')).toEqual([]);
    expect(
      checkItem({ title: 'Rotate keys', description: '## Design\nFigma page 3' }, task).missingSections,
    ).toEqual([]);
  });

  it('is missing without its heading, even when the text talks about design', () => {
    const verdict = checkItem({ title: 'Rotate keys', description: 'The design is in Figma.' }, task);

    expect(verdict.missingSections).toEqual(['design']);
    expect(verdict.findings).toEqual([
      {
        name: 'missing-design',
        severity: 'error',
        message: 'The "Design" section is missing.',
        fix: 'Add a heading "Design" with its content.',
      },
    ]);
  });

  it('is empty with nothing but blank lines under its heading, and says so on the heading line', () => {
    const verdict = checkItem(
      { title: 'Rotate keys', description: 'Rotate the keys.\n\n## Design\n   \n\t\n' },
      task,
    );

    expect(verdict.missingSections).toEqual(['design']);
    expect(verdict.findings).toEqual([
      {
        name: 'empty-design',
        severity: 'error',
        line: 3,
        message: 'The "Design" section is empty.',
        fix: 'Write its content under "Design", one per line (Given/When/Then or a checklist line).',
      },
    ]);
  });

  it('a Trello checklist named like it counts only with a non-blank item', () => {
    expect(findings('', [{ name: 'Design', items: [{ text: 'Figma page 3', checked: false }] }])).toEqual([]);
    expect(findings('', [{ name: 'Design', items: [{ text: '  ', checked: false }] }])).toEqual([
      'empty-design',
    ]);
  });
});

describe('sections of a story', () => {
  it('a heading that is not a scenario title ends the criteria, even when it says "when"', () => {
    const description =
      'As a shopper, I want to save my cart, so that I can buy later.\n## Acceptance criteria\n- The cart is kept\n## Notes from the review when we met\n- It should look nice';

    expect(checkItem({ title: '', description }, story).findings).toEqual([]);
  });
});

describe('sub-headings inside the criteria', () => {
  const STORY = 'As a shopper, I want to save my card, so that I can pay in one click.';

  it.each([
    [
      'Markdown',
      '## Acceptance criteria\n### Happy path\n- Given a saved card, when I pay, then no form is shown\n### Errors\n- Given an expired card, when I pay, then I am asked for another',
    ],
    [
      'Jira wiki',
      'h2. Acceptance criteria\nh3. Happy path\n* Given a saved card, when I pay, then no form is shown',
    ],
  ])('a deeper heading groups criteria and does not end the section (%s)', (_label, criteria) => {
    expect(checkItem({ title: '', description: `${STORY}\n${criteria}` }, story).findings).toEqual([]);
  });

  it('a heading as high as the section ends it', () => {
    const description = `${STORY}\n### Acceptance criteria\n## Notes\n- See the Figma file`;

    expect(checkItem({ title: '', description }, story).findings.map((f) => f.name)).toEqual([
      'empty-criteria',
    ]);
  });
});

describe('prose content of a bug report', () => {
  it('counts an expected result written under another heading', () => {
    const description =
      'Steps to reproduce\n1. Open the cart\n2. Click Pay\nIt should show a receipt.\nActual result\nNothing happens. Chrome 126';

    expect(checkItem({ title: 'Pay', description }, bug).findings).toEqual([]);
  });

  it('points at the title only for a missing expected result', () => {
    const verdict = checkItem(
      { title: 'Receipt should be emailed', description: 'Nothing happens. Chrome 126' },
      bug,
    );

    expect(verdict.findings.map((f) => [f.name, f.excerpt])).toEqual([
      ['missing-steps-to-reproduce', undefined],
      ['missing-expected', 'Receipt should be emailed'],
    ]);
    expect(verdict.findings[0]?.fix).toBe(
      'Add a heading "Steps to reproduce" with its content. Numbered actions that lead to the problem count too.',
    );
  });
});

describe('appendMissingSections: where the template goes', () => {
  const verdictOf = (description: string) => checkItem({ title: '', description }, task);
  const append = (description: string) => appendMissingSections(description, verdictOf(description), task);

  it('one blank line after text ending in a line break, none after a blank description', () => {
    expect(append('Rotate the keys.\n')).toBe('Rotate the keys.\n\n## Design\n');
    expect(append('Rotate the keys.')).toBe('Rotate the keys.\n\n## Design\n');
    expect(append('\n')).toBe('\n## Design\n');
  });
});
