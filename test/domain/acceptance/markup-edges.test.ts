import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Story' });
const STORY = 'As a shopper, I want to save my cart, so that I can buy later.';
const verdictOf = (description: string, rules = template) =>
  checkItem({ title: '', description: `${STORY}\n${description}` }, rules);
const findings = (description: string) =>
  verdictOf(description).findings.map((f) => (f.line === undefined ? f.name : `${f.name}@${f.line}`));
const excerpts = (description: string) => verdictOf(description).findings.map((f) => f.excerpt);

describe('criteria on a heading line, in every markup', () => {
  it.each([
    ['**AC:** the cart keeps its items'],
    ['h3. AC: the cart keeps its items'],
    ['AC12: the cart keeps its items'],
    ['Acceptance criteria - for checkout: the cart keeps its items'],
    ['Acceptance criteria (v2)\n- the cart keeps its items'],
  ])('%s', (line) => {
    expect(findings(line)).toEqual([]);
  });

  it.each([
    ['## AC: the page loads fast ##', 'the page loads fast'],
    ['**AC**:the page loads fast', 'the page loads fast'],
    ['*AC: the page* loads fast', 'the page loads fast'],
    ['**AC** : the page loads fast', 'the page loads fast'],
    ['**AC** total: 3 items load fast', 'total: 3 items load fast'],
  ])('%s quotes only the criterion', (line, excerpt) => {
    expect(excerpts(line)).toEqual([excerpt]);
  });
});

describe('what ends the criteria section and what does not', () => {
  it.each([
    ['an indented Markdown heading', '   ## Notes'],
    ['a bold name with a colon inside', '**Notes:** the old page was fast'],
    ['a bold name followed by a colon', '**Notes**: the old page was fast'],
    ['a bold name, a blank and a colon', '**Notes** : the old page was fast'],
    ['a heading that is only a year', '## 2024'],
  ])('%s ends it', (_label, line) => {
    expect(
      findings(`## Acceptance criteria\n- The cart keeps its items\n${line}\n- The page loads fast`),
    ).toEqual([]);
  });

  it.each([
    ['a bold word opening a criterion', '**Important** the cart keeps its items'],
    ['a "name: value" line', 'Precondition: a saved cart is kept'],
    ['hashes inside a line', '- The issue key keeps its ## prefix'],
    ['emphasis at the end of a line', '- Pay with *Visa*'],
    ['a colon inside a criterion', '- Total: 10 € including VAT'],
    ['a rule inside a criterion', '- Discount rule: 10 % off above 100 €'],
    ['a stand-in word at the end', '- The sidebar lists every todo'],
    ['a stand-in word at the start', '- None of the items are lost'],
    ['a numbered task', '- [ ] 3 users can edit the cart at once'],
  ])('%s is a criterion of the section', (_label, line) => {
    expect(findings(`## Acceptance criteria\n${line}`)).toEqual([]);
  });

  it('a line holding only a number names no section', () => {
    expect(findings('Story points\n5')).toEqual(['missing-acceptance-criteria']);
  });
});

describe('the words of a criterion as quoted', () => {
  it.each([
    ['- The badge shows *3* items fast', 'The badge shows 3 items fast'],
    ['- The page loads _fast_', 'The page loads fast'],
    ['- Files named _draft_v2 load fast', 'Files named _draft_v2 load fast'],
    ['- 2FA. The login is fast', '2FA. The login is fast'],
    ['- [ ] 3 users can log in fast', '3 users can log in fast'],
  ])('%s', (line, excerpt) => {
    expect(excerpts(`## Acceptance criteria\n${line}`)).toEqual([excerpt]);
  });

  it('a number that opens a list item is part of the criterion', () => {
    expect(
      verdictOf(
        '## Acceptance criteria\n- 3 failed logins lock the account fast\n- 5 failed logins lock the account',
      ).findings,
    ).toEqual([
      expect.objectContaining({ name: 'vague-criterion', excerpt: '3 failed logins lock the account fast' }),
    ]);
  });

  it('a line with a keyword inside it is no part of the scenario before it', () => {
    expect(verdictOf('## Acceptance criteria\nGiven a cart\nThe total is shown when I pay').findings).toEqual(
      [expect.objectContaining({ name: 'incomplete-gwt', line: 3, excerpt: 'Given a cart' })],
    );
  });

  it('a repeated criterion is found through dashes and commas', () => {
    expect(
      findings(
        '## Acceptance criteria\n- The cart is kept - always\n- The badge counts items\n- the cart is kept, always',
      ),
    ).toEqual(['duplicate-criterion@5']);
  });
});

describe('scenarios', () => {
  it.each([
    ['keywords in italics', '_Given_ a saved cart\n_When_ I log out', ['incomplete-gwt@3']],
    ['two Givens in a row', 'Given a cart\nGiven a coupon\nWhen I pay\nThen 10 % off', []],
    ['"given" inside a When line', 'When I pay with a given card, the receipt is shown', []],
    [
      'an And after a blank line, on its own line',
      'Given a cart\nWhen I pay\nThen I get a receipt\n\nAnd the page loads fast',
      ['vague-criterion@7'],
    ],
    [
      'a But after a blank line, on its own line',
      'Given a cart\nWhen I pay\nThen I get a receipt\n\nBut the page loads fast',
      ['vague-criterion@7'],
    ],
    [
      'a second Then continues the scenario',
      'Given a cart\nWhen I pay\nThen I get a receipt\nThen the page loads fast',
      ['vague-criterion@3'],
    ],
  ])('%s', (_label, criteria, expected) => {
    expect(findings(`## Acceptance criteria\n${criteria}`)).toEqual(expected);
  });
});

describe('configured vague words', () => {
  it('a word configured with blanks around it matches without them', () => {
    const rules = resolveTemplate(parseAcceptanceRules({ vagueWords: [' blazing '] }), { type: 'Story' });
    expect(verdictOf('AC: search results are blazing.', rules).findings.map((f) => f.name)).toEqual([
      'vague-criterion',
    ]);
  });

  it('a word with dots matches as written', () => {
    const rules = resolveTemplate(parseAcceptanceRules({ vagueWords: ['a.s.a.p.'] }), { type: 'Story' });
    expect(verdictOf('AC: deploy the fix a.s.a.p.', rules).findings).toEqual([
      expect.objectContaining({ name: 'vague-criterion', message: expect.stringContaining('"a.s.a.p."') }),
    ]);
  });
});
