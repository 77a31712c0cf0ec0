import { fenceFor } from '../../domain/doc.ts';

// No `.` and no quantifier next to one over the same characters: `.` stops at U+2028, and `\s*(.*)$` then
// backtracks through every space, quadratic on a hostile 32 KB comment. Classes exclude their opening
// delimiter, so a failed match stops at the next one (linear on `[` × 32,767).
const BLOCK_OPEN = /^\{(code|noformat)(?::[^{}]*)?\}([\s\S]*)$/;
const HEADING = /^h[1-6]\.([\s\S]*)$/;
const LIST = /^([*#-]+)\s([\s\S]*)$/;
const QUOTE = '{quote}';
/** What Jira calls the appearance of a pasted link: `[url|url|smart-link]`. */
const LINK_APPEARANCES = new Set(['smart-link', 'smart-card', 'embed', 'inline']);

function link(label: string, url: string, appearance: string | undefined): string {
  if (label.trim() === url.trim() || (appearance !== undefined && LINK_APPEARANCES.has(appearance.trim())))
    return url.trim();
  return `${label} (${url})`;
}

function inlineWiki(text: string): string {
  return (
    text
      // Inline code stays marked as code, so "{{/score}}" quoted in a sentence never reads as a command.
      .replace(/\{(code|noformat)(?::[^{}]*)?\}([^{]*)\{\1\}/g, '`$2`')
      .replace(/\[~accountid:([^[\]]+)\]/g, '@$1')
      .replace(/\[~([^[\]]+)\]/g, '@$1')
      .replace(
        /\[([^|[\]]+)\|([^|[\]]+)(?:\|([^|[\]]*))?\]/g,
        (_, label: string, url: string, appearance?: string) => link(label, url, appearance),
      )
      .replace(/\[((?:https?|mailto):[^[\]]+)\]/g, '$1')
      .replace(/\{\{([^{}]+)\}\}/g, '`$1`')
      .replace(/\{color(?::[^{}]*)?\}/g, '')
      .replace(/(^|[\s(])\*([^*\s](?:[^*]*[^*\s])?)\*(?=$|[\s).,:;!?])/g, '$1$2')
      .replace(/(^|[\s(])_([^_\s](?:[^_]*[^_\s])?)_(?=$|[\s).,:;!?])/g, '$1$2')
      .replace(/\\\\/g, '\n')
  );
}

/**
 * Splits a line at `{quote}` marks; quoted parts become Markdown quote lines ("> "), which the command parser
 * skips, as it skips `bq. ` lines.
 */
function quoteSegments(
  line: string,
  quoted: boolean,
): { parts: { text: string; quoted: boolean }[]; quoted: boolean } {
  const parts: { text: string; quoted: boolean }[] = [];
  let inside = quoted;
  let from = 0;
  for (let at = line.indexOf(QUOTE); at >= 0; at = line.indexOf(QUOTE, from)) {
    parts.push({ text: line.slice(from, at), quoted: inside });
    inside = !inside;
    from = at + QUOTE.length;
  }
  parts.push({ text: line.slice(from), quoted: inside });
  return { parts: parts.filter((part) => part.text.trim() !== ''), quoted: inside };
}

function tableRow(line: string): string {
  return line
    .replace(/^\|\|?|\|\|?$/g, '')
    .split(/\|\|?/)
    .map((cell) => inlineWiki(cell.trim()))
    .join(' | ');
}

/** One line outside code blocks; list lines keep numbering in `counters`, any other line resets it. */
function plainLine(line: string, counters: number[]): string {
  const trimmed = line.trim();
  const list = LIST.exec(trimmed);
  if (list && !trimmed.startsWith('--')) {
    const marks = list[1] ?? '*';
    const depth = marks.length - 1;
    const indent = '  '.repeat(depth);
    const text = inlineWiki((list[2] ?? '').trimStart());
    counters.length = depth + 1;
    if (!marks.endsWith('#')) return `${indent}- ${text}`;
    counters[depth] = (counters[depth] ?? 0) + 1;
    return `${indent}${counters[depth]}. ${text}`;
  }
  counters.length = 0;
  const heading = HEADING.exec(trimmed);
  if (heading) return inlineWiki((heading[1] ?? '').trimStart());
  if (/^-{4,}$/.test(trimmed)) return '---';
  if (trimmed.startsWith('|')) return tableRow(trimmed);
  if (trimmed.startsWith('bq. ')) return `> ${inlineWiki(trimmed.slice(4))}`;
  return inlineWiki(line);
}

/**
 * Jira wiki markup (the body format of webhook comments) to plain lines. `{code}`/`{noformat}` blocks are
 * fenced with ``` lines and quotes (`{quote}`, `bq. `) become "> " lines, so a command parser skips what a
 * person quoted; every other line keeps its start, so `/command args` stays at the beginning of its line.
 */
export function wikiToPlainText(wiki: string): string {
  const out: string[] = [];
  const counters: number[] = [];
  let quoted = false;
  const lines = wiki.replace(/\r\n?/g, '\n').split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const block = BLOCK_OPEN.exec(line.trim());
    if (block) {
      const kind = block[1] ?? 'code';
      const closing = `{${kind}}`;
      const body: string[] = [];
      let rest = block[2] ?? '';
      for (;;) {
        const end = rest.indexOf(closing);
        if (end >= 0) {
          if (rest.slice(0, end)) body.push(rest.slice(0, end));
          break;
        }
        if (rest) body.push(rest);
        index += 1;
        if (index >= lines.length) break;
        rest = lines[index] ?? '';
      }
      const fence = fenceFor(body.join('\n'));
      out.push(fence, ...body, fence);
      counters.length = 0;
      continue;
    }
    if (!quoted && !line.includes(QUOTE)) {
      out.push(plainLine(line, counters));
      continue;
    }
    const split = quoteSegments(line, quoted);
    quoted = split.quoted;
    counters.length = 0;
    for (const part of split.parts) {
      const text = plainLine(part.text, counters);
      out.push(part.quoted ? `> ${text.replace(/^> /, '')}` : text);
    }
  }
  return out.join('\n');
}
