import type { Block, Doc, Inline, TextRun } from '../domain/doc.ts';

// Each inner class excludes its opening delimiter, so a failed match stops at the next one: linear on hostile text.
const INLINE = /\*\*([^*]+)\*\*|\[([^[\]]+)\]\(([^()\s]+)\)|(?<![\w*])[*_]([^*_]+)[*_](?![\w*])/g;

/**
 * Backslash escapes as in CommonMark (`\*` is a literal `*`), which is how the service writes tracker text into
 * Markdown. Escaped characters are swapped for private-use stand-ins before any pattern runs, so none reads them
 * as markup or as a table's cell border, and swapped back in the Doc.
 */
const ESCAPED = /\\([!-/:-@[-`{-~])/g;
const STAND_IN = /[\u{F0021}-\u{F007E}]/gu;
const STAND_IN_OFFSET = 0xf0000;
const hideEscapes = (text: string) =>
  text.replace(ESCAPED, (_, char: string) => String.fromCodePoint(STAND_IN_OFFSET + char.charCodeAt(0)));
const literal = (text: string) =>
  text.replace(STAND_IN, (char) => String.fromCharCode((char.codePointAt(0) ?? 0) - STAND_IN_OFFSET));
/** Code shows its backslashes, as in CommonMark. */
const verbatim = (text: string) => text.replace(STAND_IN, (char) => `\\${literal(char)}`);

interface CodeSpan {
  start: number;
  end: number;
  code: string;
}

/**
 * Code spans as CommonMark reads them: a run of backticks up to the next run of as many, so code holding backticks
 * (written with a longer run, padded with a space where it starts or ends with one) reads back whole. Each run's
 * closer is looked up from a pointer per length that only moves forward: linear on hostile text.
 */
function codeSpans(text: string): CodeSpan[] {
  const runs = [...text.matchAll(/`+/g)].map((match) => ({ at: match.index, length: match[0].length }));
  const byLength = new Map<number, number[]>();
  for (const [index, run] of runs.entries()) {
    const same = byLength.get(run.length);
    if (same) same.push(index);
    else byLength.set(run.length, [index]);
  }
  const pointers = new Map<number, number>();
  const spans: CodeSpan[] = [];
  for (let index = 0; index < runs.length; ) {
    const open = runs[index] as { at: number; length: number };
    const same = byLength.get(open.length) ?? [];
    let pointer = pointers.get(open.length) ?? 0;
    while ((same[pointer] ?? Number.POSITIVE_INFINITY) <= index) pointer += 1;
    pointers.set(open.length, pointer);
    const closer = same[pointer];
    const close = closer === undefined ? undefined : runs[closer];
    if (closer === undefined || !close) {
      index += 1;
      continue;
    }
    const inner = text.slice(open.at + open.length, close.at);
    const padded =
      inner.length > 2 &&
      inner.startsWith(' ') &&
      inner.endsWith(' ') &&
      (inner[1] === '`' || inner.at(-2) === '`');
    spans.push({ start: open.at, end: close.at + close.length, code: padded ? inner.slice(1, -1) : inner });
    index = closer + 1;
  }
  return spans;
}

/** `**bold**`, `*it*`/`_it_`, `[text](url)` and backslash escapes; everything else stays literal. */
function styled(text: string, runs: TextRun[]): void {
  const plain = (part: string) => runs.push({ text: literal(part) });
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) plain(text.slice(last, match.index));
    const [, strong, linkText, href, em] = match;
    if (strong !== undefined) runs.push({ text: literal(strong), bold: true });
    else if (linkText !== undefined && href !== undefined)
      runs.push({ text: literal(linkText), href: literal(href) });
    else if (em !== undefined) runs.push({ text: literal(em), italic: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) plain(text.slice(last));
}

/** Code spans (`` `code` ``, ``` `` a `b` `` ```) first, as CommonMark does, then the styles between them. */
export function parseInline(markdown: string): Inline {
  const text = hideEscapes(markdown);
  const runs: TextRun[] = [];
  let last = 0;
  for (const span of codeSpans(text)) {
    styled(text.slice(last, span.start), runs);
    runs.push({ text: verbatim(span.code), code: true });
    last = span.end;
  }
  styled(text.slice(last), runs);
  return runs;
}

// `\s+(.*)$` would backtrack through every space when `.` stops at U+2028: capture all, trim after.
const HEADING = /^(#{1,6})\s([\s\S]*)$/;
const BULLET = /^\s*[-*+]\s([\s\S]*)$/;
const ORDERED = /^\s*\d+[.)]\s([\s\S]*)$/;
const RULE = /^(-{3,}|\*{3,}|_{3,})$/;
const TABLE_SEPARATOR = /^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$/;

function tableCells(line: string): Inline[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => parseInline(cell.trim()));
}

/**
 * Markdown-ish text (what rules files and people write) to a Doc. Each non-empty line outside lists becomes its
 * own paragraph so line-oriented content such as "Given / When / Then" keeps its lines.
 */
export function markdownToDoc(text: string): Doc {
  const lines = hideEscapes(text.replace(/\r\n?/g, '\n')).split('\n');
  const blocks: Block[] = [];
  let index = 0;
  const collect = (pattern: RegExp): Inline[] => {
    const items: Inline[] = [];
    for (let m = pattern.exec(lines[index] ?? ''); m; m = pattern.exec(lines[index] ?? '')) {
      items.push(parseInline((m[1] ?? '').trimStart()));
      index += 1;
    }
    return items;
  };
  while (index < lines.length) {
    const line = lines[index] ?? '';
    const trimmed = line.trim();
    const heading = HEADING.exec(trimmed);
    if (trimmed === '') index += 1;
    else if (trimmed.startsWith('```')) {
      const body: string[] = [];
      for (index += 1; index < lines.length && !(lines[index] ?? '').trim().startsWith('```'); index += 1) {
        body.push(lines[index] ?? '');
      }
      index += 1;
      blocks.push({ type: 'code', text: verbatim(body.join('\n')) });
    } else if (heading) {
      const level = Math.min(3, heading[1]?.length ?? 1) as 1 | 2 | 3;
      blocks.push({ type: 'heading', level, content: parseInline((heading[2] ?? '').trimStart()) });
      index += 1;
    } else if (RULE.test(trimmed)) {
      blocks.push({ type: 'rule' });
      index += 1;
    } else if (BULLET.test(line)) blocks.push({ type: 'bulletList', items: collect(BULLET) });
    else if (ORDERED.test(line)) blocks.push({ type: 'orderedList', items: collect(ORDERED) });
    else if (trimmed.startsWith('|') && TABLE_SEPARATOR.test((lines[index + 1] ?? '').trim())) {
      const header = tableCells(trimmed);
      const rows: Inline[][] = [];
      for (index += 2; (lines[index] ?? '').trim().startsWith('|'); index += 1) {
        rows.push(tableCells(lines[index] ?? ''));
      }
      blocks.push({ type: 'table', header, rows });
    } else {
      blocks.push({ type: 'paragraph', content: parseInline(trimmed) });
      index += 1;
    }
  }
  return { blocks };
}
