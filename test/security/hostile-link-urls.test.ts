import { describe, expect, it } from 'vitest';
import { growth } from '../../bench/lib/hostile-text.ts';
import { itemRefForUrl } from '../../src/trackers/trello/trello-urls.ts';

/**
 * A Trello attachment's URL is tracker text read on every card read (trello-item.ts), so it must take linear time
 * too (same measure as hostile-text.test.ts). A pattern for "any path, then /browse/KEY" tried every `/browse/KEY`
 * segment as the one and scanned the rest of the URL again for each: quadratic when a line break ended it.
 */
const N = 8_192;
const MAX_RATIO = 9;
const SLOW_MS = 15;

function linear(run: (text: string) => unknown, make: (n: number) => string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    const { ratio, largeMs } = growth(run, make, N);
    if (ratio < MAX_RATIO || largeMs < SLOW_MS) return true;
  }
  return false;
}

describe('hostile attachment URLs are read in linear time', () => {
  it.each([
    ['/browse/A-1 × n, then a line break', (n: number) => `https://h${'/browse/A-1'.repeat(n / 11)}\n`],
    ['/browse/A-1 × n, then U+2028', (n: number) => `https://h${'/browse/A-1'.repeat(n / 11)}\u2028`],
  ])('%s', (_name, make) => {
    expect(linear(itemRefForUrl, make)).toBe(true);
  });
});
