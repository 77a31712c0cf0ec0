import {
  type Block,
  closeDirection,
  type Doc,
  doc,
  fenceFor,
  type Inline,
  isSafeHref,
  longestBacktickRun,
  type TextRun,
} from '../../domain/doc.ts';
import { fitLines, type Overflow, overflowNotice } from '../../domain/doc-fit.ts';

/**
 * Tracker text is hostile: every character Markdown gives a meaning inside a line is escaped, and so is what
 * would start a block at a line start (heading, quote, list, numbered list), so no text in a reply signed by the
 * bot can become a link, an image, a heading or a table.
 */
const MARKDOWN_SPECIALS = /[\\`*_[\]<>!|~]/g;
const LINE_START_MARKER = /(^|\n)([ \t]*)([#>+=-])/g;
// A digit is no punctuation, so no backslash escapes it: the list's `.` or `)` is escaped instead.
const LINE_START_NUMBER = /(^|\n)([ \t]*)(\d+)(?=[.)])/g;

function escapeText(text: string): string {
  return text
    .replace(MARKDOWN_SPECIALS, '\\$&')
    .replace(LINE_START_MARKER, '$1$2\\$3')
    .replace(LINE_START_NUMBER, '$1$2$3\\');
}

/**
 * Trello notifies people named by `@username`, and everyone on the board or card for `@board` and `@card`: text the
 * bot repeats (a card's title, a customer's words) must not page a board. A zero-width space after the `@` leaves
 * the text as it reads; an address (`ada@example.com`) is no mention and stays as it is. An @ after a dot is quieted
 * too: no address has a dot right before its @, and Trello does not document whether `again.@board` pages a board.
 */
const MENTION = /(^|\W)@(?=\w)/g;

function quietMentions(text: string): string {
  return text.replace(MENTION, '$1@\u200B');
}

function renderCode(text: string): string {
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  // A code span is one line: a newline inside would end a table row or let the next line start a block.
  return `${fence}${pad}${text.replace(/\n/g, ' ')}${pad}${fence}`;
}

// Parentheses, spaces and angle brackets would end a Markdown link target early.
function escapeUrl(url: string): string {
  return url.replace(
    /[()<>\s]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function renderRun(run: TextRun): string {
  if (run.text === '') return '';
  const text = quietMentions(closeDirection(run.text));
  let out = run.code ? renderCode(text) : escapeText(text);
  if (run.italic) out = `_${out}_`;
  if (run.bold) out = `**${out}**`;
  if (run.href && isSafeHref(run.href)) out = `[${out}](${escapeUrl(run.href.trim())})`;
  return out;
}

export function renderInline(content: Inline): string {
  return content.map(renderRun).join('');
}

function renderCell(content: Inline): string {
  // Text pipes are escaped already; pipes of code spans are not.
  return renderInline(content)
    .replace(/(?<!\\)\|/g, '\\|')
    .replace(/\n/g, ' ');
}

function renderTable(header: Inline[], rows: Inline[][]): string {
  const width = Math.max(header.length, ...rows.map((row) => row.length));
  const line = (cells: Inline[]) =>
    `| ${Array.from({ length: width }, (_, i) => renderCell(cells[i] ?? [])).join(' | ')} |`;
  const separator = `|${' --- |'.repeat(width)}`;
  return [line(header), separator, ...rows.map(line)].join('\n');
}

function renderFence(text: string): string {
  const fence = fenceFor(text);
  return `${fence}\n${text}\n${fence}`;
}

function renderBlock(block: Block): string {
  switch (block.type) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${renderInline(block.content)}`;
    case 'paragraph':
      return renderInline(block.content);
    case 'bulletList':
      return block.items.map((item) => `- ${renderInline(item)}`).join('\n');
    case 'orderedList':
      return block.items.map((item, index) => `${index + 1}. ${renderInline(item)}`).join('\n');
    case 'table':
      return renderTable(block.header, block.rows);
    case 'code':
      return renderFence(quietMentions(block.text));
    case 'rule':
      return '---';
  }
}

/** Renders a Doc as the Markdown Trello shows in comments and descriptions. */
export function renderMarkdown(document: Doc): string {
  return document.blocks.map(renderBlock).join('\n\n');
}

/** Trello refuses card descriptions and comments over 16,384 characters. */
export const TRELLO_TEXT_LIMIT = 16_384;

/** A post cut to Trello's limit points to where the rest can be found (the card, the board). */
export function trelloOverflow(url: string): Overflow {
  return { url, limit: 'Trello stops at 16,384 characters' };
}

/**
 * Markdown the service keeps as text (a description, a comment renamed in place) cut line by line to what Trello
 * takes, with a line saying how much was left out and that the rest is at `url`. `fits`: what the whole post sends.
 */
export function fitMarkdown(
  text: string,
  url: string,
  fits: (candidate: string) => boolean = (candidate) => candidate.length <= TRELLO_TEXT_LIMIT,
): string {
  return fitLines(text, fits, (hidden) => renderMarkdown(doc(overflowNotice(hidden, trelloOverflow(url)))));
}
