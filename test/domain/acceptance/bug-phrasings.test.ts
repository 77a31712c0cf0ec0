import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

/**
 * One real phrasing per word or form the bug-report reader knows, each in an otherwise complete report, so the
 * finding the author sees depends on that phrasing alone.
 */
const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Bug' });
const names = (description: string, title = 'Pay button') =>
  checkItem({ title, description }, template).findings.map((f) => f.name);

describe('the actual result: every form of every word', () => {
  const report = (line: string) =>
    `1. Open the cart\n2. Click Pay\n${line}\nIt should show a receipt. Chrome 126`;

  it.each([
    'Errors in the log.',
    'Exceptions in the log.',
    'Payment failed.',
    'The browser hangs.',
    'The links break.',
    'The layout breaks.',
    'The totals are incorrectly rounded.',
    'The buttons dont react.',
    'It didnt react.',
    'The totals arent updated.',
    'The total wasnt updated.',
    'I couldnt pay.',
    'The page wont load.',
    'It ignored my click.',
    'The calls return 500.',
    'The totals show 9.',
    'The lists display 9 items.',
    'Two receipts appear.',
    'Totals get rounded.',
    'Both clicks result in two receipts.',
    'Long names cause a layout shift.',
    'Memory leaks.',
    'Loading is slower.',
    'The buttons disappear.',
    'The animations stop.',
    'Both calls throw.',
    'An unexpected result.',
    'The page unexpectedly reloads.',
    'The server refuses the card.',
    'Receipts are duplicated.',
    'The totals become negative.',
    'The totals seem off.',
    'I notice two receipts.',
    'We observed two receipts.',
    'The apps forget my cart.',
    'The forms allow negative totals.',
    'The pages keep reloading.',
    'Both pages take 30 seconds.',
    'The servers respond with 500.',
    'The totals reset.',
    'The pages jump.',
    'The icons flicker.',
    'The dialogs block the page.',
    'The items end up in the trash.',
    'It throws a java.lang.NullPointerException.',
  ])('%s', (line) => {
    expect(names(report(line))).toEqual([]);
  });
});

describe('the environment: version numbers and stack traces', () => {
  const report = (line: string) =>
    `1. Open the cart\n2. Click Pay\nThe app crashes.\nIt should show a receipt.\n${line}`;

  it.each(['Seen on 12.4', 'Seen on 3.14'])('a version number: %s', (line) => {
    expect(names(report(line))).toEqual([]);
  });

  it.each([
    ['a frame', 'at android.os.Handler.dispatchMessage(Handler.java:102)'],
    ['an exception', 'android.view.WindowManager$BadTokenException: Unable to add window'],
  ])('a stack trace naming the platform is program output, not the environment: %s', (_label, line) => {
    expect(names(report(line))).toEqual(['missing-environment']);
  });
});

describe("the expected result: what is someone else's words", () => {
  const report = (line: string) =>
    `1. Open the cart\n2. Add 10 items\n${line}\nThe total shows 9. Chrome 126`;

  it.each([
    'The translations need to be reviewed.',
    '[ERROR] cartTotal: expected 10 but was 9',
    'Uncaught  Error: total must be positive',
    'Error in checkout: total must be positive',
    'It prints garbage instead of expected values.',
    'It prints garbage instead of the right value.',
    'It prints garbage instead of the correct output.',
    'It does nothing instead of the intended behavior.',
    'assert total: expected 10, got 9',
    'Not sure whether Id like the new layout.',
    "Not sure whether I'd like the new layout.",
    'It fails with TypeError: total should be a number',
  ])('not an expectation: %s', (line) => {
    expect(names(report(line))).toEqual(['missing-expected']);
  });

  it('an expectation that names an error', () => {
    expect(names(report('It should show an error: Card declined.'))).toEqual([]);
  });
});

describe('steps to reproduce: every form', () => {
  const report = (steps: string) => `${steps}\nNothing happens.\nIt should show a receipt.\nChrome 126`;

  it.each([
    ['STR inside a line', 'Quick STR: open prefs, switch tabs.'],
    ['a repro', 'Minimal repro: run npm test'],
    ['a test case', 'Testcase attached: cart.html'],
    ['a prompt and sudo', '$ sudo docker run -it centos'],
    ['a prompt without a blank', '$git push origin main'],
    ['a blank before the colon', 'Minimal repro : run npm test'],
    ['numbers and two blanks', '1  Open the cart\n2  Click Pay'],
    ['bullets and two blanks', '-  Open the cart\n-  Click Pay'],
    ['a step that enters a number', '1. Enter 42\n2. Nothing happens'],
    ['numbers from 10', '10. Open the cart\n11. Click Pay'],
    ['numbers without a dot from 10', '10 Open the cart\n11 Click Pay'],
    ['numbers with a dash', '1 - Open the cart\n2 - Click Pay'],
    ['steps from 10', 'Step 11 open the cart\nStep 12 click Pay'],
    ['steps with a dot', 'Step 1. Open the cart\nStep 2. Click Pay'],
    ['steps with a dot and no blank', 'Step 1.Open the cart\nStep 2.Click Pay'],
    ['the list at the end', 'Nothing happens.\n1. Open the cart\n2. Click Pay'],
    [
      'a list after a remark that it was not reproduced',
      'Could not reproduce on staging, only in production\n1. Open the cart\n2. Click Pay',
    ],
    ['imperatives without a blank before "then"', 'Open the cart,then click the Pay button'],
    ['imperatives after two blanks', 'Open the cart.  Click the Pay button.'],
    ['two blanks after "then"', 'Open the cart, then  click the Pay button'],
    ['two blanks after "and then"', 'Open the cart and then  click the Pay button'],
    ['an imperative with a colon', 'In Reader, tap a post. Tap Share: nothing happens.'],
  ])('%s', (_label, steps) => {
    expect(names(report(steps))).toEqual([]);
  });

  it.each([
    ['one numbered line between prose', 'The cart is broken.\n1. Open the cart'],
    ['one imperative in prose with numbers', 'Open the cart with 3 items.\nThe total shows 9 euros.'],
    ['one imperative in prose with dashes', 'Open the cart - it is empty\nThe total - 9 euros'],
    ['"when I last"', 'When I last looked, the total was 9.'],
  ])('not: %s', (_label, steps) => {
    expect(names(report(steps))).toEqual(['missing-steps-to-reproduce']);
  });
});

describe('what a reporter leaves under a heading', () => {
  const bug = (sections: Record<string, string>) =>
    [
      `Steps to reproduce:\n${sections.steps ?? '1. Open the cart\n2. Click Pay'}`,
      `Actual result:\n${sections.actual ?? 'Nothing happens.'}`,
      `Expected result:\n${sections.expected ?? 'A receipt.'}`,
      `Environment:\n${sections.environment ?? 'Chrome 126'}`,
    ].join('\n');

  it.each([
    ['N/A', 'N/A'],
    ['NA', 'NA'],
    ['dots', '...'],
  ])('an expected result of %s is none', (_label, expected) => {
    expect(names(bug({ expected }))).toEqual(['missing-expected']);
  });

  it.each(['None of the items are lost', 'Same total as always'])(
    'an expected result that starts or ends with a stand-in word: %s',
    (expected) => {
      expect(names(bug({ expected }))).toEqual([]);
    },
  );

  it('an environment of "Didnt try" is none', () => {
    expect(names(bug({ environment: 'Didnt try' }))).toEqual(['missing-environment']);
  });

  it.each([
    ['three words', 'Click Pay twice', []],
    ['two words and two blanks', 'See  above', ['missing-steps-to-reproduce']],
  ])('steps of %s', (_label, steps, expected) => {
    expect(names(bug({ steps }))).toEqual(expected);
  });

  it.each([
    'Cant reproduce it on demand',
    'Couldnt reproduce it here',
    'Didnt reproduce on staging',
    'Dont know how to reproduce it',
    'Cannot  reproduce it reliably',
    'Cannot recreate it reliably',
    'Dont have any steps yet',
    "Don't have steps yet",
  ])('steps that say there are none: %s', (steps) => {
    expect(names(bug({ steps }))).toEqual(['missing-steps-to-reproduce']);
  });
});

describe('an expected result that repeats the actual one', () => {
  const bug = (actual: string, expected: string) =>
    `1. Open the cart\n2. Click Pay\nChrome 126\nActual result:\n${actual}\nExpected result:\n${expected}`;

  it.each([
    ['says more', 'Firefox stays open for 2 seconds, then closes', 'Firefox stays open'],
    ['swaps the digits', 'The total is 21', 'The total is 12'],
  ])('not when it %s', (_label, actual, expected) => {
    expect(names(bug(actual, expected))).toEqual([]);
  });

  it.each([
    ['other endings', 'The totals reset', 'The total resets'],
    ['an empty bullet', 'Firefox closes', '- Firefox closed\n-'],
  ])('even with %s', (_label, actual, expected) => {
    expect(names(bug(actual, expected))).toEqual(['missing-expected']);
  });
});
