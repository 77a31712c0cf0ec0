import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Bug' });
const names = (description: string, title = 'Pay button') =>
  checkItem({ title, description }, template).findings.map((f) => f.name);

describe("the actual result in the reporter's words", () => {
  const report = (line: string) =>
    `1. Open the cart\n2. Click Pay\n${line}\nIt should show a receipt. Chrome 126`;

  it.each([
    'Instant crash.',
    'Error on the page.',
    'Exception in the log.',
    'Payment fail.',
    'Browser hang.',
    'The page freezes.',
    'The receipt is wrong.',
    'The amount is incorrect.',
    'It doesnt react.',
    'It does not react.',
    "It didn't react.",
    'The button isnt enabled.',
    "The total wasn't updated.",
    'I cant pay.',
    'I cannot pay.',
    'I am unable to pay.',
    "The page won't load.",
    'The total is missing.',
    'A blank page.',
    'The page stays empty.',
    'The click is ignored.',
    'It returns a 500.',
    'It shows the cart again.',
    'The dialog displays twice.',
    'A spinner appears.',
    'I get a 404.',
    'The page is stuck.',
    'Memory leak.',
    'Slow.',
    'The receipt is lost.',
    'The button disappears.',
    'It throws.',
    'Timeout.',
    'Access denied.',
    'The card is rejected.',
    'Duplicate receipts.',
    'I see a 404.',
    'I noticed two receipts.',
    'It takes too long.',
    'The button is greyed.',
    'The text is truncated.',
    'No response.',
    'The page jumps.',
    'The total resets.',
    'It ends up on the cart.',
  ])('%s', (line) => {
    expect(names(report(line))).toEqual([]);
  });

  it('a title that states the symptom counts', () => {
    expect(
      names('1. Open the cart\n2. Click Pay\nIt should show a receipt. Chrome 126', 'Pay crashes'),
    ).toEqual([]);
  });
});

describe("the expected result in the reporter's words", () => {
  const report = (line: string) =>
    `1. Open the cart\n2. Add 10 items\n${line}\nThe total shows 9. Chrome 126`;

  it.each([
    'Expected the total to be 10.',
    'The total should be 10.',
    'The total shouldnt be 9.',
    'The total should not be 9.',
    'The total is supposed to be 10.',
    'The total ought to be 10.',
    'Rather than 9 it must show 10.',
    'Suggestion: show 10.',
    'The total must be 10.',
    'The total mustnt be 9.',
    'I would expect 10.',
    'It would be nice to see 10.',
    "It'd be better to see 10.",
    "I'd like to see 10.",
    'I wanted the total to be 10.',
    'We would like to see 10.',
    'The desired total is 10.',
    'Ideally the total is 10.',
    'The correct result is 10.',
    'The total has to be 10.',
    'Better if the total were 10.',
    'I propose to show 10.',
    'Feature request: show 10.',
    'I prefer a total of 10.',
    'Consider showing 10.',
    'Perhaps show 10.',
  ])('%s', (line) => {
    expect(names(report(line))).not.toContain('missing-expected');
  });

  it.each([
    'It should be fixed soon.',
    'This should be easy to fix.',
    'Is this expected?',
    'I would like to report a bug.',
    'Warning: total expected to be positive',
    'java.lang.IllegalStateException: should not happen',
    'It shows 9 instead of the expected result.',
  ])('not an expectation: %s', (line) => {
    expect(names(report(line))).toContain('missing-expected');
  });
});

describe('the environment', () => {
  const report = (line: string) =>
    `1. Open the cart\n2. Click Pay\nNothing happens.\nIt should show a receipt.\n${line}`;

  it.each([
    'App version 3',
    'Build identifier: I20240601',
    'User-Agent: Mozilla',
    'Windows 11',
    'macOS Sonoma',
    'Ubuntu',
    'Android phone',
    'iPhone',
    'Chrome',
    'Firefox',
    'Safari',
    'Edge',
    'On v3.4.1',
    'Docker 1.7',
  ])('%s', (line) => {
    expect(names(report(line))).toEqual([]);
  });

  it('a title naming the browser counts', () => {
    expect(names(report('Seen today.'), 'Pay in Firefox')).toEqual([]);
  });
});

describe('steps to reproduce', () => {
  const report = (steps: string) => `${steps}\nNothing happens; it should show a receipt. Chrome 126`;

  it.each([
    ['a bulleted list with an action', '- Open the cart\n- The Pay button'],
    ['numbers with a parenthesis', '1) Open the cart\n2) Click Pay'],
    ['"to reproduce"', 'To reproduce, use the demo shop.'],
    ['"reproducible with"', 'Reproducible with any cart.'],
    ['"the code below"', 'Run the code below.'],
    ['"whenever I"', 'Whenever I click Pay on a full cart.'],
    ['"after I"', 'After I clicked Pay on a full cart.'],
    ['"as soon as you"', 'As soon as you click Pay on a full cart.'],
    ['imperatives split by "then"', 'Open the cart, then click the Pay button'],
    ['imperatives joined by "and then"', 'Open the cart and then click the Pay button'],
    ['an imperative after a place', 'In the shop, open the cart. On the cart page, click the Pay button.'],
    ['a shell prompt', 'user@host:~$ curl -X POST http://localhost/pay'],
    ['a git command', '$ git push origin main'],
  ])('%s', (_label, steps) => {
    expect(names(report(steps))).not.toContain('missing-steps-to-reproduce');
  });

  it.each([
    ['an unrelated list', '- Version 3\n- Chrome 126'],
    ['"when a user"', 'When a user pays, it fails.'],
    ['key: value lines', 'Open source: yes\nClick count: 3'],
    ['one imperative only', 'Open the cart.'],
    ['an action word as a noun', 'Comment must be kept. Save button is grey.'],
    ['"cannot reproduce"', 'I cannot reproduce it reliably. To reproduce, use the demo shop.'],
  ])('not: %s', (_label, steps) => {
    expect(names(report(steps))).toContain('missing-steps-to-reproduce');
  });

  it.each([
    ['N/A', 'Steps to reproduce:\nN/A'],
    ['unknown', 'Steps to reproduce:\nunknown'],
    ['a question mark', 'Steps to reproduce:\n?'],
    ['too short', 'Steps to reproduce:\nsee above'],
    ['not reproducible', 'Steps to reproduce:\nNot reproducible on my machine'],
    ['no steps', "Steps to reproduce:\nDon't have any steps yet"],
  ])('an empty heading: %s', (_label, steps) => {
    const description = `${steps}\n## Actual result\nNothing happens.\n## Expected result\nA receipt.\nChrome 126`;
    expect(names(description)).toEqual(['missing-steps-to-reproduce']);
  });

  it('a stack trace line is no step', () => {
    expect(names(report('at com.shop.Cart.pay(Cart.java:42)\nat com.shop.Cart.run(Cart.java:7)'))).toContain(
      'missing-steps-to-reproduce',
    );
  });
});
