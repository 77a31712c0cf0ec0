/**
 * A tracker-agnostic rich-text document. Domain code writes comments and descriptions as a `Doc`; each
 * adapter renders it in its tracker's format (Jira: ADF, Trello: Markdown), so no domain module knows either.
 */
export interface TextRun {
  text: string;
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
  href?: string;
}

export type Inline = TextRun[];

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3; content: Inline }
  | { type: 'paragraph'; content: Inline }
  | { type: 'bulletList'; items: Inline[] }
  | { type: 'orderedList'; items: Inline[] }
  | { type: 'table'; header: Inline[]; rows: Inline[][] }
  | { type: 'code'; text: string }
  | { type: 'rule' };

export interface Doc {
  blocks: Block[];
}

export type InlineInput = string | TextRun | Inline;

export function inline(...parts: InlineInput[]): Inline {
  return parts.flatMap((part) =>
    typeof part === 'string' ? [{ text: part }] : Array.isArray(part) ? part : [part],
  );
}

export const bold = (text: string): TextRun => ({ text, bold: true });
export const italic = (text: string): TextRun => ({ text, italic: true });
export const code = (text: string): TextRun => ({ text, code: true });
export const link = (text: string, href: string): TextRun => ({ text, href });

const EMBEDDINGS = new Set(['\u202A', '\u202B', '\u202D', '\u202E']);
const POP_EMBEDDING = '\u202C';
const ISOLATES = new Set(['\u2066', '\u2067', '\u2068']);
const POP_ISOLATE = '\u2069';

/**
 * `text` with every bidi embedding, override or isolate it leaves open closed at its end. Tracker text is written
 * into the service's sentences ("Linked APP-2 <title> by Ada."): a title ending in a right-to-left override would
 * otherwise show the service's words after it mirrored (".adA yb"). Text that closes its own is left as it is.
 */
export function closeDirection(text: string): string {
  const open: string[] = [];
  // Counted apart, so a hostile run of pops costs no scan of the stack each (linear in the text).
  let isolates = 0;
  for (const char of text) {
    if (EMBEDDINGS.has(char)) open.push(POP_EMBEDDING);
    else if (ISOLATES.has(char)) {
      open.push(POP_ISOLATE);
      isolates += 1;
    } else if (char === POP_EMBEDDING && open.at(-1) === POP_EMBEDDING) open.pop();
    // A pop of an isolate also ends the embeddings opened inside it (Unicode Bidirectional Algorithm, X6a).
    else if (char === POP_ISOLATE && isolates > 0) {
      open.length = open.lastIndexOf(POP_ISOLATE);
      isolates -= 1;
    }
  }
  return open.length === 0 ? text : text + open.reverse().join('');
}

/** The longest run of backticks in a text: a code span or fence must be longer than any run inside to hold it. */
export function longestBacktickRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (const char of text) {
    run = char === '`' ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/** The backtick fence that holds `text` as one code block: no line inside can close it. */
export function fenceFor(text: string): string {
  return '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
}

/** Web and mail links only: a `javascript:` or `data:` target from tracker content is rendered as plain text. */
export function isSafeHref(href: string): boolean {
  return /^(?:https?:|mailto:)/i.test(href.trim());
}

export const heading = (level: 1 | 2 | 3, ...content: InlineInput[]): Block => ({
  type: 'heading',
  level,
  content: inline(...content),
});
export const paragraph = (...content: InlineInput[]): Block => ({
  type: 'paragraph',
  content: inline(...content),
});
export const bulletList = (items: InlineInput[]): Block => ({
  type: 'bulletList',
  items: items.map((i) => inline(i)),
});
export const orderedList = (items: InlineInput[]): Block => ({
  type: 'orderedList',
  items: items.map((i) => inline(i)),
});
export const table = (header: InlineInput[], rows: InlineInput[][]): Block => ({
  type: 'table',
  header: header.map((h) => inline(h)),
  rows: rows.map((row) => row.map((cell) => inline(cell))),
});
export const codeBlock = (text: string): Block => ({ type: 'code', text });
export const rule = (): Block => ({ type: 'rule' });

export function doc(...blocks: Block[]): Doc {
  return { blocks };
}

export function inlineText(content: Inline): string {
  return content.map((run) => run.text).join('');
}

/** The document with the text of every paragraph, heading, list item and table cell mapped; other blocks stay. */
export function mapInlines(document: Doc, map: (content: Inline) => Inline): Doc {
  return {
    blocks: document.blocks.map((block): Block => {
      switch (block.type) {
        case 'heading':
        case 'paragraph':
          return { ...block, content: map(block.content) };
        case 'bulletList':
        case 'orderedList':
          return { ...block, items: block.items.map(map) };
        case 'table':
          return { ...block, header: block.header.map(map), rows: block.rows.map((row) => row.map(map)) };
        default:
          return block;
      }
    }),
  };
}

/** Plain text of a document, one line per paragraph, list item or table row: what audits and tests compare. */
export function docToPlainText(document: Doc): string {
  const lines: string[] = [];
  for (const block of document.blocks) {
    switch (block.type) {
      case 'heading':
      case 'paragraph':
        lines.push(inlineText(block.content));
        break;
      case 'bulletList':
        for (const item of block.items) lines.push(`- ${inlineText(item)}`);
        break;
      case 'orderedList':
        block.items.forEach((item, index) => {
          lines.push(`${index + 1}. ${inlineText(item)}`);
        });
        break;
      case 'table':
        lines.push(block.header.map(inlineText).join(' | '));
        for (const row of block.rows) lines.push(row.map(inlineText).join(' | '));
        break;
      case 'code':
        lines.push(block.text);
        break;
      case 'rule':
        lines.push('---');
        break;
    }
  }
  return lines.join('\n');
}
