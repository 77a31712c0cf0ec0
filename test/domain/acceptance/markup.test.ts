import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Story' });
const STORY = 'As a shopper, I want to save my cart, so that I can buy later.';
const verdictOf = (description: string) =>
  checkItem({ title: '', description: `${STORY}\n${description}` }, template);

describe('list markers and emphasis around a criterion', () => {
  it.each([
    ['- ', 'Markdown dash'],
    ['* ', 'Markdown star'],
    ['+ ', 'Markdown plus'],
    ['• ', 'bullet'],
    ['# ', 'wiki numbered'],
    ['1. ', 'numbered with a dot'],
    ['12) ', 'numbered with a parenthesis'],
    ['3 ', 'a bare number'],
    ['a. ', 'lettered'],
    ['b) ', 'lettered with a parenthesis'],
    ['(/) ', 'Jira tick'],
    ['(x) ', 'Jira cross'],
    ['[ ] ', 'open checkbox'],
    ['[x] ', 'ticked checkbox'],
    ['[X] ', 'ticked checkbox in capitals'],
    ['[] ', 'empty checkbox'],
    ['- [ ] ', 'Markdown task'],
  ])('"%s" (%s) is not part of the criterion', (marker) => {
    const verdict = verdictOf(`## Acceptance criteria\n${marker}The page loads fast`);

    expect(verdict.findings).toEqual([
      expect.objectContaining({ name: 'vague-criterion', excerpt: 'The page loads fast' }),
    ]);
  });

  it.each([['**fast**'], ['__fast__'], ['*fast*'], ['_fast_'], ['{{fast}}']])(
    '%s reads as the word',
    (word) => {
      const verdict = verdictOf(`## Acceptance criteria\n- The page loads ${word}.`);

      expect(verdict.findings).toEqual([
        expect.objectContaining({ name: 'vague-criterion', excerpt: 'The page loads fast.' }),
      ]);
    },
  );

  it('keeps stars and underscores that are no emphasis', () => {
    const verdict = verdictOf('## Acceptance criteria\n- Search for a_b*c finds it fast');

    expect(verdict.findings[0]?.excerpt).toBe('Search for a_b*c finds it fast');
  });
});

describe('headings in every markup', () => {
  it.each([
    ['h1. Acceptance criteria'],
    ['h6. Acceptance criteria'],
    ['H3. Acceptance criteria'],
    ['## Acceptance criteria'],
    ['###### Acceptance criteria'],
    ['## Acceptance criteria ##'],
    ['**Acceptance criteria**'],
    ['__Acceptance criteria__'],
    ['*Acceptance criteria*'],
    ['_Acceptance criteria_'],
    ['*Acceptance criteria:*'],
    ['*Acceptance criteria*:'],
    ['Acceptance criteria:'],
    ['Acceptance criteria.'],
    ['Acceptance criteria'],
  ])('%s', (heading) => {
    expect(verdictOf(`${heading}\n- The cart keeps its items`).findings).toEqual([]);
  });

  it.each([
    ['**AC:** the cart keeps its items'],
    ['**AC**: the cart keeps its items'],
    ['*AC* the cart keeps its items'],
    ['AC: the cart keeps its items'],
    ['h3. AC: the cart keeps its items'],
  ])('with the criterion on the same line: %s', (line) => {
    const verdict = verdictOf(`${line}\nAC2: the badge counts them`);

    expect(verdict.findings).toEqual([]);
    expect(verdict.missingSections).toEqual([]);
  });

  it('a single "#" is a numbered item, not a heading', () => {
    expect(verdictOf('# Acceptance criteria').findings.map((f) => f.name)).toEqual(['empty-criteria']);
  });

  it('markup in the middle of a line is no heading', () => {
    expect(verdictOf('We use h2. Acceptance criteria as heading').findings.map((f) => f.name)).toEqual([
      'missing-acceptance-criteria',
    ]);
  });

  it('a link is not a "name: value" heading', () => {
    expect(verdictOf('AC://example.com/spec').findings.map((f) => f.name)).toEqual([
      'missing-acceptance-criteria',
    ]);
  });

  it('an explicit heading of another name ends the section; a plain line does not', () => {
    expect(
      verdictOf('## Acceptance criteria\n## Notes\n- the cart keeps its items').findings.map((f) => f.name),
    ).toEqual(['empty-criteria']);
    expect(
      verdictOf('**Acceptance criteria**\n**Notes**\n- the cart keeps its items').findings.map((f) => f.name),
    ).toEqual(['empty-criteria']);
    expect(verdictOf('## Acceptance criteria\nNotes\n- the cart keeps its items').findings).toEqual([]);
  });

  it.each([
    ['AC 1: the cart keeps its items'],
    ['Acceptance criteria 2: the cart keeps its items'],
    ['Criteria: the cart keeps its items'],
    ['ACs: the cart keeps its items'],
    ['Acceptance criteria for checkout: the cart keeps its items'],
  ])('a numbered, plural or qualified name: %s', (line) => {
    expect(verdictOf(line).findings).toEqual([]);
  });

  it('a name with more than two extra words is prose', () => {
    expect(
      verdictOf('Acceptance criteria we still need to agree on: the cart keeps its items').findings.map(
        (f) => f.name,
      ),
    ).toEqual(['missing-acceptance-criteria']);
  });
});
