import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Bug' });

function names(description: string, title = 'Export fails'): string[] {
  return checkItem({ title, description }, template).findings.map((f) => f.name);
}

const COMPLETE_WIKI = `h3. Steps to reproduce
# Open a board with 200 cards
# Click *Export* > CSV

*Expected result:* a CSV file with 200 rows is downloaded.
*Actual result:* the spinner never stops and the console shows "TypeError: rows is undefined".
*Environment:* Chrome 126, macOS 14, build 2024.06.1`;

const COMPLETE_MARKDOWN = `**Steps to reproduce**
1. Open a board with 200 cards
2. Click Export > CSV

## Expected
A CSV file with 200 rows.

## Actual
Nothing happens.

Version: 3.4.1 on Windows 11`;

const COMPLETE_ADF = `Steps to reproduce
- Open a board with 200 cards
- Click Export > CSV
Expected result
A CSV file with 200 rows.
Actual result
The spinner never stops.
Environment
Firefox 127 on Ubuntu 24.04`;

const PROSE = `When I click Export on a board with 200 cards, the spinner never stops and nothing is downloaded.
It should download a CSV with 200 rows. Seen on Firefox 127.`;

describe('bug report template', () => {
  it.each([
    ['Jira wiki markup', COMPLETE_WIKI],
    ['Markdown', COMPLETE_MARKDOWN],
    ['ADF-derived plain text', COMPLETE_ADF],
    ['prose without headings', PROSE],
  ])('passes a complete report in %s', (_label, description) => {
    expect(names(description)).toEqual([]);
  });

  it.each([
    [
      'numbered steps without heading',
      '1 Start Firefox\n2 Disconnect the network\n3 Reconnect\nThe offline page stays. It should reload. Firefox 3.6',
    ],
    [
      '"STR:" shorthand',
      'STR: open prefs, switch tabs.\nThe dialog flashes white; expected a smooth switch. Firefox 3.6',
    ],
    [
      'imperative sentences',
      'Open a post. Tap the share button.\nAn error prompt is shown; it should open the share sheet. Android 9',
    ],
    [
      'shell commands',
      '```\n$ docker run -it -v /home/share:/share centos ls /share\nls: Permission denied\n```\nIt should list the files. Docker 1.7',
    ],
    [
      '"if you" condition',
      'If you select "Compare With" on a file, the editor is empty instead of showing a diff. Version 3.1',
    ],
  ])('recognises steps to reproduce given as %s', (_label, description) => {
    expect(names(description)).not.toContain('missing-steps-to-reproduce');
  });

  it.each([
    ['only a symptom', 'The export is broken since yesterday. It should produce a CSV. Chrome 126'],
    [
      'a heading with nothing under it',
      'Steps to Reproduce:\n1.\n2.\n3.\n\nActual Results:\nit hangs\n\nExpected Results:\nno hang\nFirefox 3',
    ],
    [
      '"can\'t reproduce"',
      "Steps: Can't re-create the bug.\nSaw a ClassCastException in the log; it should not be thrown. Eclipse 3.6",
    ],
    [
      'a numbered list of observations',
      '1 the home tab shows 13 phrases\n2 the list tab shows 0 phrases\nBoth should agree.',
    ],
  ])('flags missing steps for %s', (_label, description) => {
    expect(names(description)).toContain('missing-steps-to-reproduce');
  });

  it.each([
    ['"Expected:" label', 'Expected: the total is 10'],
    ['"should"', 'The total should be 10'],
    ['"instead of"', 'It shows 9 instead of 10'],
    ['"ER:" shorthand', 'ER: the total is 10'],
    ['apostrophe lost in export', 'It shouldn t show 9'],
    ['"should" next to the word "error"', 'Submitting a negative amount should show a validation error'],
  ])('recognises the expected result from %s', (_label, line) => {
    expect(names(`1. Open the cart\n2. Add 10 items\n${line}\nThe total shows 9. Chrome 126`)).not.toContain(
      'missing-expected',
    );
  });

  it.each([
    ['a symptom only', 'The total shows 9.'],
    ['"expected" inside an error message', 'Error: TypeError: number expected, got string'],
    ['a question to the reader', 'Should I clear the cache first?'],
    ['a question with a dotted name', 'When should I expect File.delete() to fail?'],
    ['a test assertion', 'TEST-FAIL | cart.test.js | total - Got 9, expected 10'],
    ['an error line', 'Uncaught Exception: the method must be called with a session'],
    ['an observation that something works', 'Adding 1 item works as expected.'],
    ['a workaround', 'Using the API instead of the UI gives the right total.'],
    ['what the reporter had to do', 'I must reload the page to see anything.'],
    ['politeness', 'I thought you would like to know about it.'],
    ['an expectation named but not said', 'You get garbage text instead of the expected results.'],
  ])('flags a missing expected result for %s', (_label, line) => {
    expect(names(`1. Open the cart\n2. Add 10 items\n${line}\nChrome 126`)).toContain('missing-expected');
  });

  it('does not take a title that says "should" as the expected result, and points the reporter at it', () => {
    const verdict = checkItem(
      {
        title: 'Total should be 10',
        description: '1. Open the cart\n2. Add 10 items\nThe total shows 9. Chrome 126',
      },
      template,
    );
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        name: 'missing-expected',
        excerpt: 'Total should be 10',
        fix: expect.stringContaining('The title says what should happen; say it in the description'),
      }),
    ]);
  });

  it('tells the reporter when the expected result only repeats the actual one', () => {
    const verdict = checkItem(
      {
        title: 'Crash on "the"',
        description:
          'Firefox 3.6\n\nSteps to Reproduce:\n1 Type "the" in the address bar\n\nActual Results:\nfirefox closes\n\nExpected Results:\nfirefox closed',
      },
      template,
    );
    expect(verdict.ok).toBe(false);
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        name: 'missing-expected',
        line: 9,
        message: 'The "Expected result" section repeats the actual result.',
      }),
    ]);
    expect(verdict.missingSections).toEqual([]);
  });

  it.each([
    ['"crashes"', 'The app crashes.'],
    ['"nothing happens"', 'Nothing happens.'],
    ['an error', 'A TypeError is thrown.'],
    ['"but"', 'I expected 10 but got 9.'],
  ])('recognises the actual result from %s', (_label, line) => {
    expect(
      names(`1. Open the cart\n2. Click Pay\n${line}\nIt should show a receipt. Chrome 126`, 'Pay button'),
    ).not.toContain('missing-actual');
  });

  it('flags a missing actual result when the report only says what should happen', () => {
    expect(
      names('1. Open the cart\n2. Click Pay\nIt should show a receipt. Chrome 126', 'Receipt page'),
    ).toContain('missing-actual');
  });

  it('recommends the environment as a warning only', () => {
    const verdict = checkItem(
      {
        title: 'Pay button',
        description: '1. Open the cart\n2. Click Pay\nIt should show a receipt, but nothing happens.',
      },
      template,
    );
    expect(verdict.ok).toBe(true);
    expect(verdict.findings).toEqual([
      expect.objectContaining({ name: 'missing-environment', severity: 'warning' }),
    ]);
  });

  it('lists every missing part of an empty report with a fix each', () => {
    const verdict = checkItem({ title: 'CSV export', description: '' }, template);
    expect(verdict.ok).toBe(false);
    expect(verdict.findings.map((f) => f.name)).toEqual([
      'missing-steps-to-reproduce',
      'missing-expected',
      'missing-actual',
      'missing-environment',
    ]);
    expect(verdict.findings.every((f) => f.fix.length > 10)).toBe(true);
  });
});
