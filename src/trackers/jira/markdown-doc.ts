import type { Block, Doc, Inline, TextRun } from '../../domain/doc.ts';

// Each inner class excludes its opening delimiter, so a failed match stops at the next one: linear on hostile text.
const INLINE = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^[\]]+)\]\(([^()\s]+)\)|(?<![\w*])[*_]([^*_]+)[*_](?![\w*])/g;

/** `**bold**`, `*it*`/`_it_`, `` `code` `` and `[text](url)`; everything else stays literal. */
export function parseInline(text: string): Inline {
  const runs: TextRun[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) runs.push({ text: text.slice(last, match.index) });
    const [, strong, code, linkText, href, em] = match;
    if (strong !== undefined) runs.push({ text: strong, bold: true });
    else if (code !== undefined) runs.push({ text: code, code: true });
    else if (linkText !== undefined && href !== undefined) runs.push({ text: linkText, href });
    else if (em !== undefined) runs.push({ text: em, italic: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) runs.push({ text: text.slice(last) });
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
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
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
      blocks.push({ type: 'code', text: body.join('\n') });
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
