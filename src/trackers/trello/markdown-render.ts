import type { Block, Doc, Inline, TextRun } from '../../domain/doc.ts';
import type { Overflow } from '../../domain/doc-fit.ts';

const MARKDOWN_SPECIALS = /[\\`*_[\]<>]/g;

function escapeText(text: string): string {
  return text.replace(MARKDOWN_SPECIALS, '\\$&');
}

function renderCode(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

// Parentheses and spaces would end a Markdown link target early.
function escapeUrl(url: string): string {
  return url.replace(
    /[()\s]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function renderRun(run: TextRun): string {
  if (run.text === '') return '';
  let out = run.code ? renderCode(run.text) : escapeText(run.text);
  if (run.italic) out = `_${out}_`;
  if (run.bold) out = `**${out}**`;
  if (run.href) out = `[${out}](${escapeUrl(run.href)})`;
  return out;
}

export function renderInline(content: Inline): string {
  return content.map(renderRun).join('');
}

function renderCell(content: Inline): string {
  return renderInline(content).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function renderTable(header: Inline[], rows: Inline[][]): string {
  const width = Math.max(header.length, ...rows.map((row) => row.length));
  const line = (cells: Inline[]) =>
    `| ${Array.from({ length: width }, (_, i) => renderCell(cells[i] ?? [])).join(' | ')} |`;
  const separator = `|${' --- |'.repeat(width)}`;
  return [line(header), separator, ...rows.map(line)].join('\n');
}

function renderFence(text: string): string {
  const fence = text.includes('```') ? '~~~~' : '```';
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
      return renderFence(block.text);
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
