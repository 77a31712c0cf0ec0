import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { growth, HOSTILE_TEXTS, TEXT_PATHS } from '../../bench/lib/hostile-text.ts';
import { itemRefForUrl } from '../../src/trackers/trello/trello-urls.ts';

/**
 * Issue 12, item 2: every function tracker text flows through takes time linear in its length. Quadratic code
 * grows ~16× from 8 K to 32 K characters and takes hundreds of ms at 32 K; linear code ~4× and a few ms. A
 * ratio alone is noisy on a shared machine at sub-millisecond times, so growth fails only when it is also slow.
 * Times are the process's CPU time (growth), so the other processes on the cores do not count.
 */
const N = 8_192;
const MAX_RATIO = 9;
const SLOW_MS = 15;

function linear(run: (text: string) => unknown, make: (n: number) => string): boolean {
  // More measures before failing: a GC or a burst of another thread's work in a run must not fail the suite.
  for (let attempt = 0; attempt < 3; attempt++) {
    const { ratio, largeMs } = growth(run, make, N);
    if (ratio < MAX_RATIO || largeMs < SLOW_MS) return true;
  }
  return false;
}

/** Tries every start and scans the rest of the text from each: what the fixed patterns did, n²/16 steps. */
function fromEveryStart(text: string): number {
  let sum = 0;
  for (let start = 0; start < text.length; start += 16)
    for (let i = start; i < text.length; i++) sum += text.charCodeAt(i);
  return sum;
}

describe('the linear-time check', () => {
  // Measured three times at 32 K characters, quadratic code takes about 10 s on a loaded machine.
  it('tells quadratic code', { timeout: 60_000 }, () => {
    expect(linear(fromEveryStart, (n) => `${'.'.repeat(n - 1)}x`)).toBe(false);
  });

  it('passes the same loop ended after a fixed stretch', () => {
    expect(
      linear(
        (text) => fromEveryStart(text.slice(0, 1_024)),
        (n) => '.'.repeat(n),
      ),
    ).toBe(true);
  });
});

describe('hostile tracker text is handled in linear time', () => {
  for (const path of TEXT_PATHS) {
    it.each(HOSTILE_TEXTS.map((text) => [text.name, text] as const))(`${path.name}: %s`, (_name, text) => {
      expect(linear(path.run, text.make)).toBe(true);
    });
  }

  const piece = fc.constantFrom(
    ' ',
    '\t',
    '\u2028',
    '[',
    ']',
    '|',
    '{',
    '}',
    '{{',
    '*',
    '_',
    '`',
    '#',
    '.',
    ':',
    '/a',
    '[~accountid:',
    '{code:',
    '{quote}',
    'h1.',
    'x',
  );
  const unit = fc.array(piece, { minLength: 1, maxLength: 5 }).map((pieces) => pieces.join(''));
  const lead = fc.constantFrom('', '/a', '/score ', 'h1. ', '* ', '## ', '{quote}', 'As a ');

  it('any repeated pattern of markup characters (fast-check)', () => {
    fc.assert(
      fc.property(lead, unit, fc.constantFrom(...TEXT_PATHS), (start, repeated, path) => {
        const make = (n: number) => start + repeated.repeat(Math.ceil(n / repeated.length));
        return linear(path.run, make);
      }),
      { numRuns: 40 },
    );
  });
});

/**
 * A Trello attachment's URL is tracker text read on every card read (trello-item.ts). A pattern for "any path,
 * then /browse/KEY" tried every `/browse/KEY` segment as the one and scanned the rest of the URL again for each:
 * quadratic when a line break ended it.
 */
describe('hostile attachment URLs are read in linear time', () => {
  it.each([
    ['/browse/A-1 × n, then a line break', (n: number) => `https://h${'/browse/A-1'.repeat(n / 11)}\n`],
    ['/browse/A-1 × n, then U+2028', (n: number) => `https://h${'/browse/A-1'.repeat(n / 11)}\u2028`],
  ])('%s', (_name, make) => {
    expect(linear((url: string) => itemRefForUrl(url, 'https://h'), make)).toBe(true);
  });
});
