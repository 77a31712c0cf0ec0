import { checkStorySentence } from '../../src/domain/acceptance/check-story.ts';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../src/domain/acceptance/index.ts';
import { parseCommands } from '../../src/domain/commands/parse-commands.ts';
import { tokenize } from '../../src/domain/linking/tokenize.ts';
import { wikiToPlainText } from '../../src/trackers/jira/wiki-text.ts';
import { markdownToDoc } from '../../src/trackers/markdown-doc.ts';
import { renderMarkdown } from '../../src/trackers/trello/markdown-render.ts';

/**
 * Comments and descriptions written to make a regular expression backtrack: each `make(n)` gives about n
 * characters (32,767 is Jira's limit, 16,384 Trello's). The security review stalled the webhook request with
 * the first three.
 */
export const HOSTILE_TEXTS: { name: string; make(n: number): string }[] = [
  { name: '/a, spaces, U+2028', make: (n) => `/a${' '.repeat(n - 3)}\u2028` },
  { name: '/a, (space U+2028)*', make: (n) => `/a${' \u2028'.repeat(n / 2)}!` },
  { name: '[ × n', make: (n) => '['.repeat(n) },
  { name: '[~accountid: × n', make: (n) => '[~accountid:'.repeat(n / 12) },
  { name: '[a| × n', make: (n) => '[a|'.repeat(n / 3) },
  { name: '{{ × n', make: (n) => '{{'.repeat(n / 2) },
  { name: '{code: × n', make: (n) => '{code:'.repeat(n / 6) },
  { name: '{code}x × n', make: (n) => `{noformat}${'{code}x'.repeat(n / 7)}` },
  { name: ' *a × n', make: (n) => ' *a'.repeat(n / 3) },
  { name: ' _a × n', make: (n) => ' _a'.repeat(n / 3) },
  { name: '** × n', make: (n) => '**a'.repeat(n / 3) },
  { name: 'h1. spaces', make: (n) => `h1.${' '.repeat(n - 5)}a\u2028b` },
  { name: '* spaces', make: (n) => `*${' '.repeat(n - 4)}a\u2028b` },
  { name: '`` × n', make: (n) => '`a'.repeat(n / 2) },
  { name: 'spaces then x', make: (n) => `${' '.repeat(n - 1)}x` },
  { name: 'words without end', make: (n) => 'as a user I want so that '.repeat(n / 25) },
  { name: 'as a + spaces', make: (n) => `As a${' '.repeat(n - 6)}x\u2028` },
  { name: '## + spaces', make: (n) => `## a${' '.repeat(n - 6)}b\u2028` },
  { name: 'dots', make: (n) => `${'.'.repeat(n - 1)}x` },
  { name: '*a* + spaces', make: (n) => `*a*${' * '.repeat(n / 3 - 2)}\u2028x` },
  { name: 'Given + spaces', make: (n) => `Given${' '.repeat(n - 7)}a\u2028` },
  { name: 'tabs and words', make: (n) => 'a\t'.repeat(n / 2) },
  // Found by the fast-check property: an unclosed aside in a story sentence.
  { name: 'As a {{ × n', make: (n) => `As a ${'{{'.repeat(n / 2 - 3)}` },
  // A bug report's checks: a dotted name that never ends in Exception/Error, a question that never ends, an
  // "instead of" after "use" (each tried from every start, or looked behind from every occurrence).
  { name: 'a. × n', make: (n) => 'a.'.repeat(n / 2) },
  { name: 'should i × n', make: (n) => 'should i '.repeat(n / 9) },
  { name: 'use instead of × n', make: (n) => 'use instead of '.repeat(n / 15) },
  // Short lines that never end a sentence: the story check joins them into one paragraph, a line at a time.
  { name: 'a.b lines', make: (n) => 'a.b\n'.repeat(n / 4) },
  // A line read as a possible heading whose name ends in a number ("AC1"): a long run of digits, then a letter.
  { name: 'digits then x', make: (n) => `${'1'.repeat(n - 1)}x` },
  // A long fence, then lines of shorter ones that must not close it.
  { name: 'long fence, short fences', make: (n) => `${'`'.repeat(n / 2)}\n${'```\n'.repeat(n / 8)}` },
  // Bidi embeddings left open, one isolate, then pops of isolates: each pop must not search the open ones.
  {
    name: 'bidi opens and pops',
    make: (n) => `${'\u202A'.repeat(n / 2 - 1)}\u2067${'\u2069'.repeat(n / 2)}`,
  },
];

const rules = parseAcceptanceRules({});
const template = resolveTemplate(rules, { type: 'Story' });
const bugTemplate = resolveTemplate(rules, { type: 'Bug' });

/** The functions tracker text flows through, from the webhook request to the worker's reply. */
export const TEXT_PATHS: { name: string; run(text: string): unknown }[] = [
  { name: 'Trello comment → commands', run: (text) => parseCommands(text) },
  { name: 'Jira wiki comment → commands', run: (text) => parseCommands(wikiToPlainText(text)) },
  { name: 'Markdown → reply document', run: (text) => markdownToDoc(text) },
  {
    name: 'text → Trello Markdown',
    run: (text) => renderMarkdown({ blocks: [{ type: 'paragraph', content: [{ text, code: true }] }] }),
  },
  { name: 'acceptance check', run: (text) => checkItem({ title: text, description: text }, template) },
  // The story check alone: a Story's whole check also reads every line's heading, which hides its growth.
  {
    name: 'story sentence',
    run: (text) =>
      checkStorySentence(
        '',
        text.split('\n').map((line, i) => ({ text: line, line: i + 1 })),
      ),
  },
  {
    name: 'acceptance check (bug)',
    run: (text) => checkItem({ title: text, description: text, type: 'Bug' }, bugTemplate),
  },
  { name: 'linking tokens', run: (text) => tokenize(text) },
];

/**
 * This process's CPU time in ms. Not wall time: on a shared machine a run's wall time counts whatever other
 * processes did while it waited for a core (a 20 ms run took 170–440 ms at load 11 on 2 cores), its CPU time does not.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function timeOnce(run: () => unknown): number {
  const started = cpuMs();
  run();
  return cpuMs() - started;
}

/** The best of a few runs, in ms of CPU: the least disturbed by GC and by the caches other processes share. */
export function bestTime(run: () => unknown, tries = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < tries; i++) best = Math.min(best, timeOnce(run));
  return best;
}

/**
 * How the CPU time grows from n to 4n characters: about 4 when linear, about 16 when quadratic. Small inputs are
 * repeated until a run takes measurable time, so timer resolution does not decide the ratio.
 */
export function growth(path: (text: string) => unknown, make: (n: number) => string, n: number) {
  const small = make(n);
  const large = make(4 * n);
  path(large);
  const repeat = Math.max(
    1,
    Math.ceil(
      2 /
        Math.max(
          bestTime(() => path(small), 1),
          0.01,
        ),
    ),
  );
  const once = (text: string) =>
    timeOnce(() => {
      for (let i = 0; i < repeat; i++) path(text);
    }) / repeat;
  // Alternating, so both sizes run on the same compiled code: measured one after the other, the small size could
  // all run before the JIT's optimized code was ready and look twice as slow (ratio 8 instead of 16 for n²).
  let smallMs = Number.POSITIVE_INFINITY;
  let largeMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    smallMs = Math.min(smallMs, once(small));
    largeMs = Math.min(largeMs, once(large));
  }
  return { smallMs, largeMs, ratio: largeMs / Math.max(smallMs, 0.001) };
}
