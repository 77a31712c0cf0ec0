import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Story' });
const STORY = 'As a shopper, I want to save my cart, so that I can buy later.';
const findings = (criteria: string) =>
  checkItem(
    { title: '', description: `${STORY}\n## Acceptance criteria\n${criteria}` },
    template,
  ).findings.map((f) => (f.line === undefined ? f.name : `${f.name}@${f.line}`));

describe('Given/When/Then scenarios', () => {
  it.each([
    ['on one line, with commas', 'Given a cart, when I pay, then I get a receipt'],
    ['on one line, with semicolons', 'Given a cart; when I pay; then I get a receipt'],
    ['on one line, without Given', 'When I pay, then I get a receipt'],
    ['over lines, in capitals', 'GIVEN a cart\nWHEN I pay\nTHEN I get a receipt'],
    ['with And and But', 'Given a cart\nAnd a coupon\nWhen I pay\nThen I get a receipt\nBut no invoice'],
    ['under a scenario title', 'Scenario: paying\nGiven a cart\nWhen I pay\nThen I get a receipt'],
    [
      'two scenarios in a row',
      'Given a cart\nWhen I pay\nThen I get a receipt\nGiven an empty cart\nWhen I pay\nThen I see an error',
    ],
    [
      'a second When after a Then',
      'Given a cart\nWhen I pay\nThen I get a receipt\nWhen I pay again\nThen I get two',
    ],
    ['a checklist line starting with "When"', 'When offline, the cart is kept'],
  ])('complete: %s', (_label, criteria) => {
    expect(findings(criteria)).toEqual([]);
  });

  it.each([
    ['Given only', 'Given a cart', ['incomplete-gwt@3']],
    ['Given and When', 'Given a cart\nWhen I pay', ['incomplete-gwt@3']],
    ['a When with And but no Then', 'When I pay\nAnd confirm', ['incomplete-gwt@3']],
    [
      'a Then after a blank line ends nothing',
      'Given a cart\nWhen I pay\n\nThen a receipt',
      ['incomplete-gwt@3'],
    ],
    [
      'an And after a blank line is its own criterion',
      'Given a cart\nWhen I pay\nThen I get a receipt\n\nAnd the cart is empty',
      [],
    ],
    [
      'a new Given after a When starts a new scenario',
      'Given a cart\nWhen I pay\nGiven a coupon\nThen 10 % off',
      ['incomplete-gwt@3'],
    ],
    [
      'a When after a Then starts a new scenario',
      'Given a cart\nThen it is kept\nWhen I pay\nAnd confirm',
      ['incomplete-gwt@5'],
    ],
  ])('%s', (_label, criteria, expected) => {
    expect(findings(criteria)).toEqual(expected);
  });

  it('an And that opens the section is a criterion of its own', () => {
    expect(findings('And the cart is kept')).toEqual([]);
  });
});

describe('Gherkin scenarios without a criteria heading', () => {
  const verdict = (description: string) =>
    checkItem({ title: '', description: `${STORY}\n\n${description}` }, template).findings.map((f) =>
      f.line === undefined ? f.name : `${f.name}@${f.line}`,
    );

  it.each([
    ['a scenario title', 'Scenario: paying\nGiven a cart\nWhen I pay\nThen I get a receipt'],
    ['numbered scenario titles', 'Scenario 1: paying\nGiven a cart\nWhen I pay\nThen I get a receipt'],
    ['a Markdown scenario heading', '### Scenario: paying\nGiven a cart\nWhen I pay\nThen I get a receipt'],
    [
      'a scenario outline with its examples',
      'Scenario Outline: paying\nGiven <n> items\nWhen I pay\nThen I get a receipt\nExamples:\n| n |\n| 1 |',
    ],
  ])('are the criteria: %s', (_label, description) => {
    expect(verdict(description)).toEqual([]);
  });

  it('are checked like any criteria', () => {
    expect(verdict('Scenario: paying\nGiven a cart\nWhen I pay')).toEqual(['incomplete-gwt@4']);
  });

  it('a title alone is still no criterion', () => {
    expect(verdict('Scenario: paying')).toEqual(['empty-criteria@3']);
  });
});

describe('what does not count as a criterion', () => {
  it.each([
    [
      'scenario titles',
      'Scenario: paying\nScenario Outline: paying\nExamples:\nExample: one\nRule: one cart\nBackground:',
    ],
    ['stand-ins', 'TBD\nTBC\ntodo\nN/A\nNA\nnone'],
    [
      'template placeholders',
      '- Given <context>, when <action>, then <observable result>\n- [ ] <checkable outcome>',
    ],
    ['punctuation only', '-\n...\n???'],
  ])('%s', (_label, criteria) => {
    expect(findings(criteria)).toEqual(['empty-criteria@2']);
  });

  it('a scenario title without a colon is a criterion', () => {
    expect(findings('Rules apply to every cart')).toEqual([]);
  });
});

describe('vague words', () => {
  it.each([
    ['etc without its dot', 'Exports PDF, CSV etc', 'etc.'],
    ['a dash for a space', 'The form is user-friendly', 'user-friendly'],
    ['a space for a dash', 'The form is user friendly', 'user-friendly'],
    ['a phrase over two spaces', 'Retries as  needed', 'as needed'],
    ['in capitals', 'The page loads FAST', 'fast'],
    ['before a full stop', 'The page loads fast.', 'fast'],
  ])('found: %s', (_label, criterion, word) => {
    const message = checkItem(
      { title: '', description: `${STORY}\n## Acceptance criteria\n- ${criterion}` },
      template,
    ).findings[0]?.message;
    expect(message).toContain(`"${word}"`);
  });

  it.each([
    ['inside a word', 'Breakfast is listed'],
    ['joined by a dash', 'The fast-path cache is used'],
    ['joined to a word', 'The fastest route is shown'],
  ])('not found %s', (_label, criterion) => {
    expect(findings(`- ${criterion}`)).toEqual([]);
  });
});
