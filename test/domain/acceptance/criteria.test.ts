import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Story' });
const STORY = 'As a shopper, I want to save my cart, so that I can buy later.';

function verdictOf(
  description: string,
  checklists?: { name: string; items: { text: string; checked: boolean }[] }[],
) {
  return checkItem({ title: '', description: `${STORY}\n\n${description}`, checklists }, template);
}
function names(description: string): string[] {
  return verdictOf(description).findings.map((f) => f.name);
}

describe('acceptance-criteria section: tolerant headings', () => {
  it.each([
    [
      'Jira wiki heading',
      'h2. Acceptance Criteria\n* Given a cart, when I save it, then it is listed under Saved',
    ],
    ['wiki bold label', '*Acceptance criteria:*\n# The cart keeps its 3 items after logout'],
    ['Markdown heading', '## Acceptance criteria\n- [ ] The cart keeps its items after logout'],
    ['Markdown bold label', '**Acceptance Criteria:**\n1. The cart keeps its items after logout'],
    ['ADF heading as its own line', 'Acceptance criteria\n- The cart keeps its items after logout'],
    ['upper case with colon', 'ACCEPTANCE CRITERIA:\n- The cart keeps its items after logout'],
    ['AC shorthand inline', 'AC: the cart keeps its items after logout'],
    ['numbered AC lines', 'AC1: the cart keeps its items after logout\nAC2: the badge shows the item count'],
    ['Markdown heading with trailing hashes', '### Acceptance criteria ###\n- The cart keeps its items'],
    [
      'scenario headings inside',
      '## Acceptance criteria\n### Scenario: saved cart\nGiven a cart\nWhen I log out\nThen it is kept',
    ],
  ])('recognises the %s', (_label, text) => {
    expect(names(text)).toEqual([]);
  });

  it('recognises a Trello checklist named like the section', () => {
    const verdict = verdictOf('Card notes without headings.', [
      { name: 'Acceptance Criteria', items: [{ text: 'Cart survives logout', checked: false }] },
    ]);
    expect(verdict.ok).toBe(true);
    expect(verdict.findings).toEqual([]);
  });

  it('ignores a checklist with another name', () => {
    const verdict = verdictOf('Notes.', [{ name: 'Todo', items: [{ text: 'Ask design', checked: false }] }]);
    expect(verdict.findings.map((f) => f.name)).toEqual(['missing-acceptance-criteria']);
  });

  it('does not take prose that mentions criteria for the section', () => {
    expect(names('We still need to agree on the acceptance criteria with the PO.')).toEqual([
      'missing-acceptance-criteria',
    ]);
  });

  it('ends the section at the next explicit heading', () => {
    const verdict = verdictOf('h2. Acceptance criteria\n\nh2. Notes\n- design is in Figma');
    expect(verdict.findings.map((f) => f.name)).toEqual(['empty-criteria']);
  });
});

describe('acceptance-criteria checks', () => {
  it('flags a missing section with an error and a fix', () => {
    const verdict = verdictOf('Design: see Figma.');
    expect(verdict.ok).toBe(false);
    expect(verdict.missingSections).toEqual(['acceptance-criteria']);
    expect(verdict.findings).toEqual([
      {
        name: 'missing-acceptance-criteria',
        severity: 'error',
        message: 'The "Acceptance criteria" section is missing.',
        fix: 'Add a heading "Acceptance criteria" with its content.',
      },
    ]);
  });

  it.each([
    ['heading only', 'h2. Acceptance Criteria'],
    [
      'placeholders only',
      '## Acceptance criteria\n- Given <context>, when <action>, then <observable result>\n- [ ] <checkable outcome>',
    ],
    ['TBD', 'Acceptance criteria:\n- TBD'],
  ])('flags empty criteria (%s) on the heading line', (_label, text) => {
    const verdict = verdictOf(text);
    expect(verdict.findings).toEqual([
      expect.objectContaining({ name: 'empty-criteria', severity: 'error', line: 3 }),
    ]);
    expect(verdict.missingSections).toEqual(['acceptance-criteria']);
  });

  it.each([
    ['Given without Then', '## Acceptance criteria\nGiven a saved cart\nWhen I log out'],
    ['single-line Given/When', 'AC: Given a saved cart, when I log out'],
    [
      'second scenario incomplete',
      'h2. Acceptance criteria\nGiven a cart\nWhen I save\nThen it is listed\n\nGiven an empty cart\nAnd a coupon',
    ],
    ['bold keywords', '*Acceptance criteria*\n*Given* a saved cart\n*When* I log out'],
  ])('flags an incomplete Given/When/Then: %s', (_label, text) => {
    expect(names(text)).toContain('incomplete-gwt');
  });

  it.each([
    [
      'multi-line scenario',
      '## Acceptance criteria\nGiven a saved cart\nAnd I am logged in\nWhen I log out\nThen the cart is kept\nAnd the badge shows 3',
    ],
    ['single line', '## Acceptance criteria\n- Given a saved cart, when I log out, then the cart is kept'],
    ['When/Then only', '## Acceptance criteria\nWhen I log out\nThen the cart is kept'],
    [
      'checklist line starting with When',
      '## Acceptance criteria\n- When the cart is empty the badge is hidden',
    ],
    [
      'an And line carrying the Then',
      '## Acceptance criteria\nGiven a saved cart\nAnd I log out, then the cart is kept',
    ],
  ])('accepts a complete scenario: %s', (_label, text) => {
    expect(names(text)).not.toContain('incomplete-gwt');
  });

  it('names the line of an incomplete scenario and says what to add', () => {
    const verdict = verdictOf(
      '## Acceptance criteria\n- The badge shows the count\nGiven a saved cart\nWhen I log out',
    );
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        name: 'incomplete-gwt',
        line: 5,
        excerpt: 'Given a saved cart When I log out',
        message: 'This scenario has a Given but no Then.',
      }),
    ]);
  });

  it.each([
    ['fast', '- The page loads fast', '"fast"'],
    ['user-friendly', '- The form is user-friendly', '"user-friendly"'],
    ['user friendly (space)', '- The form is user friendly', '"user friendly"'],
    ['etc.', '- Supports PDF, CSV, etc.', '"etc."'],
    ['as needed', '- Retries as needed', '"as needed"'],
    ['several', '- Then it is fast and easy', '"fast", "easy"'],
  ])('flags the vague word %s as a warning', (_label, line, quoted) => {
    const verdict = verdictOf(`## Acceptance criteria\n${line}`);
    expect(verdict.ok).toBe(true);
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        name: 'vague-criterion',
        severity: 'warning',
        line: 4,
        message: expect.stringContaining(quoted),
      }),
    ]);
  });

  it.each([
    ['- Breakfast is listed under Meals'],
    ['- The page loads within 2 seconds at p95'],
    ['- Handles 3 concurrent uploads'],
  ])('does not flag measurable criteria: %s', (line) => {
    expect(names(`## Acceptance criteria\n${line}`)).toEqual([]);
  });

  it('uses the configured vague-word list', () => {
    const custom = resolveTemplate(parseAcceptanceRules({ vagueWords: ['blazing'] }), { type: 'story' });
    const item = { title: '', description: `${STORY}\nAC: loads fast\nAC: blazing search` };
    expect(checkItem(item, custom).findings.map((f) => [f.name, f.line])).toEqual([['vague-criterion', 3]]);
  });

  it('flags a duplicated criterion (ignoring case and punctuation) at its second occurrence', () => {
    const verdict = verdictOf(
      '## Acceptance criteria\n- The cart is kept.\n- A badge shows 3\n* the cart is KEPT',
    );
    expect(verdict.findings).toEqual([expect.objectContaining({ name: 'duplicate-criterion', line: 6 })]);
  });

  it('does not flag different criteria as duplicates', () => {
    expect(names('## Acceptance criteria\n- The cart is kept\n- The cart is emptied on checkout')).toEqual(
      [],
    );
  });
});
