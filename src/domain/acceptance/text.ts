/** Line-level text helpers shared by the section parser and the checks. */

/** Lowercase words only: markup, punctuation and extra spaces removed (for tolerant comparisons). */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** A checkbox or a Jira tick/cross icon. */
const BOX = String.raw`\(?[/x]\)|\[[ xX]?\]`;
const LIST_MARKER = new RegExp(
  String.raw`^\s*(?:[-*•+]|#+(?=\s)|\d{1,2}\s*[.)]|\d{1,2}(?=\s+[A-Za-z])|[a-z][.)](?=\s)|${BOX})\s*`,
);
const CHECKBOX = new RegExp(String.raw`^(?:${BOX})\s*`);

/**
 * The text of a list item without its marker (Markdown, wiki markup, numbered, checkbox). After a bullet only a
 * checkbox is a second marker ("- [ ] ..."): a number there belongs to the text ("- 3 failed logins ...").
 */
export function stripListMarker(line: string): string {
  return line.trim().replace(LIST_MARKER, '').replace(CHECKBOX, '').trim();
}

/** Removes inline emphasis (`*x*`, `**x**`, `_x_`, `{{x}}`) so words can be read. */
export function stripEmphasis(text: string): string {
  return text
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, '$1$2')
    .replace(/(^|[\s(])[*_]([^*_\s](?:[^*_]*[^*_\s])?)[*_](?=$|[\s.,:;!?)])/g, '$1$2')
    .replace(/\{\{([^{}]+)\}\}/g, '$1');
}

/** Drops trailing characters of a set; a `[.:]+$` regex would rescan a long run of them from every dot. */
function trimTrailing(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end -= 1;
  return text.slice(0, end);
}

export interface HeadingCandidate {
  /** The heading text without markup and trailing colon. */
  label: string;
  /** Text after the heading on the same line ("AC: the total is shown"). */
  rest: string;
  /** Markdown `#`, wiki `hN.` or a whole bold line: always a heading, even when its name is unknown. */
  explicit: boolean;
  /** Outline level of a Markdown or wiki heading (`###` and `h3.` are 3); other headings have none. */
  level?: number;
}

/** Reads a line as a possible heading; the caller decides whether a non-explicit one names a known section. */
export function headingCandidate(line: string): HeadingCandidate | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  // A single "#" is a numbered list item in Jira wiki markup, so only "##" and deeper are sure headings.
  // No `\s+(.+)$`: `.` stops at U+2028 and the engine would then retry every split of the spaces.
  const markdown = /^(#{2,6})\s([\s\S]+)$/.exec(trimmed) ?? /^h([1-6])\.\s([\s\S]+)$/i.exec(trimmed);
  if (markdown) {
    const marks = markdown[1]!;
    const level = marks.startsWith('#') ? marks.length : Number(marks);
    return { ...splitColon(trimTrailing(markdown[2]!, '#').trim()), explicit: true, level };
  }
  const bold = /^(\*\*|__|\*|_)(?!\s)(.+?)(?<!\s)\1([\s\S]*)$/.exec(trimmed);
  if (bold) {
    const inner = splitColon(bold[2]!);
    const after = bold[3]!.trimStart().replace(/^:\s*/, '');
    const rest = [inner.rest, after].filter((part) => part !== '').join(' ');
    const explicit = rest === '' || /:\s*$/.test(bold[2]!) || bold[3]!.trimStart().startsWith(':');
    return { label: inner.label, rest, explicit };
  }
  const colon = /^([A-Za-z][\w '()/&-]{0,48}?)\s*:(?!\/)([\s\S]*)$/.exec(trimmed);
  if (colon) return { label: colon[1]!.trim(), rest: colon[2]!.trim(), explicit: false };
  const label = trimTrailing(trimmed, '.:').trim();
  // Without markup or colon a number is data ("Version 3", "Build identifier 20240601"), not a numbered heading.
  return /\d$/.test(label) ? undefined : { label, rest: '', explicit: false };
}

function splitColon(text: string): { label: string; rest: string } {
  const index = text.indexOf(':');
  if (index < 0) return { label: text.trim(), rest: '' };
  return { label: text.slice(0, index).trim(), rest: text.slice(index + 1).trim() };
}

/**
 * "AC1" and "AC 2" name the section "AC": the trailing number and the space before it go. Read from the end:
 * `/\s*\d+$/` tried every digit of a long run as the start, quadratic on a line of 32 K digits.
 */
function withoutTrailingNumber(words: string): string {
  const kept = trimTrailing(words, '0123456789');
  return kept.length === words.length ? words : kept.trimEnd();
}

/**
 * Whether a heading label names a section: equal to one of its names, maybe numbered ("AC1") or with a short tail.
 * The names are normalized once per description, not once per line (a Bug has 68: thousands of short lines cost
 * most of a second).
 */
export function sectionNameMatcher(names: readonly string[]): (label: string) => boolean {
  const normalized = names.map((name) => {
    const a = normalize(name);
    return { a, count: a.split(' ').length };
  });
  return (label) => {
    const words = withoutTrailingNumber(normalize(label));
    if (words === '') return false;
    return normalized.some(
      ({ a, count }) =>
        words === a ||
        words === `${a}s` ||
        (count > 1 && words.startsWith(`${a} `) && words.split(' ').length - count <= 2),
    );
  };
}
