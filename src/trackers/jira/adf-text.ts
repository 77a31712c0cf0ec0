import { fenceFor } from '../../domain/doc.ts';
import type { AdfNode } from './adf-types.ts';

/** How comment text is read for commands: code (blocks, inline) and quotes marked, so none runs (parseCommands). */
export interface AdfTextOptions {
  markCodeAndQuotes?: boolean;
  /** Headings as Markdown `#` lines: a heading then ends a section, or groups its lines, as in Markdown. */
  markHeadings?: boolean;
}

/**
 * Tracker content is not trusted to follow the ADF schema: a node that is not an object, or `content` that is
 * not an array, reads as nothing rather than throwing, so one malformed node never fails every job of an item.
 */
export function children(value: unknown): AdfNode[] {
  return Array.isArray(value)
    ? value.filter((node): node is AdfNode => typeof node === 'object' && node !== null)
    : [];
}

const attr = (node: AdfNode, name: string): unknown =>
  typeof node.attrs === 'object' && node.attrs !== null ? node.attrs[name] : undefined;

/** A date node's day (`timestamp` is ms since epoch as a string); anything else degrades to its own text. */
function dateText(timestamp: unknown): string {
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return '';
  const date = new Date(Number(timestamp));
  return Number.isNaN(date.getTime()) ? String(timestamp) : date.toISOString().slice(0, 10);
}

const isCode = (node: AdfNode): boolean =>
  Array.isArray(node.marks) && node.marks.some((mark) => mark?.type === 'code');

function inlineText(nodes: unknown, options: AdfTextOptions = {}): string {
  return children(nodes)
    .map((node) => {
      switch (node.type) {
        case 'text': {
          const text = typeof node.text === 'string' ? node.text : '';
          // Inline code stays marked as code, as Jira's wiki form `{{/score}}` does: a command quoted in a sentence
          // or in the heading of a pasted reply is no command.
          return options.markCodeAndQuotes && text && isCode(node) ? `\`${text}\`` : text;
        }
        case 'hardBreak':
          return '\n';
        case 'mention':
        case 'emoji':
        case 'status': {
          const text = attr(node, 'text') ?? attr(node, 'shortName');
          return typeof text === 'string' ? text : '';
        }
        case 'inlineCard': {
          const url = attr(node, 'url');
          return typeof url === 'string' ? url : '';
        }
        case 'date':
          return dateText(attr(node, 'timestamp'));
        default:
          return inlineText(node.content, options);
      }
    })
    .join('');
}

function listLines(node: AdfNode, indent: string, options: AdfTextOptions): string[] {
  const ordered = node.type === 'orderedList';
  const order = attr(node, 'order');
  const start = typeof order === 'number' && Number.isFinite(order) ? order : 1;
  const lines: string[] = [];
  children(node.content).forEach((item, index) => {
    const bullet = ordered ? `${start + index}. ` : '- ';
    const [first, ...rest] = children(item.content);
    const firstLines = first ? blockLines(first, indent, options) : [''];
    lines.push(`${indent}${bullet}${firstLines[0] ?? ''}`, ...firstLines.slice(1));
    for (const child of rest) lines.push(...blockLines(child, `${indent}  `, options));
  });
  return lines;
}

function blockLines(node: AdfNode, indent: string, options: AdfTextOptions): string[] {
  switch (node.type) {
    case 'heading': {
      const lines = inlineText(node.content, options).split('\n');
      if (!options.markHeadings) return lines;
      // One `#` more than the level: a lone `#` is a numbered line in Jira wiki markup, not a heading.
      const level = attr(node, 'level');
      const marks = '#'.repeat(Math.min(6, (typeof level === 'number' ? level : 1) + 1));
      return lines.map((line) => (line.trim() === '' ? line : `${marks} ${line}`));
    }
    case 'paragraph':
    // Action items and decisions hold their inline runs directly, not in a paragraph: one item is one line.
    case 'taskItem':
    case 'decisionItem':
      return inlineText(node.content, options).split('\n');
    case 'bulletList':
    case 'orderedList':
      return listLines(node, indent, options);
    case 'table':
      return children(node.content).map((row) =>
        children(row.content)
          .map((cell) => childLines(cell, '', options).join(' '))
          .join(' | '),
      );
    case 'codeBlock': {
      const text = inlineText(node.content);
      if (!options.markCodeAndQuotes) return text.split('\n');
      const fence = fenceFor(text);
      return [fence, ...text.split('\n'), fence];
    }
    case 'blockquote': {
      const lines = childLines(node, indent, options);
      return options.markCodeAndQuotes ? lines.map((line) => `> ${line}`) : lines;
    }
    case 'rule':
      return ['---'];
    // An expand's title is its heading ("Acceptance criteria"); it lives in attrs, not in the content.
    case 'expand':
    case 'nestedExpand': {
      const title = attr(node, 'title');
      const lines = childLines(node, indent, options);
      return typeof title === 'string' && title.trim() !== '' ? [title, ...lines] : lines;
    }
    default:
      return Array.isArray(node.content)
        ? childLines(node, indent, options)
        : [inlineText([node], options)].filter((t) => t.length > 0);
  }
}

function childLines(node: AdfNode, indent: string, options: AdfTextOptions): string[] {
  return children(node.content).flatMap((child) => blockLines(child, indent, options));
}

/**
 * How an issue description reads: headings marked, so the acceptance check sees where a section ends. Writing a
 * description back compares against the same text, so both sides use this.
 */
export function adfDescriptionText(document: AdfNode | null | undefined): string {
  return adfToPlainText(document, { markHeadings: true });
}

/** Plain text of an ADF document with its structure kept as lines (the same lines `docToPlainText` gives). */
export function adfToPlainText(document: AdfNode | null | undefined, options: AdfTextOptions = {}): string {
  if (typeof document !== 'object' || document === null) return '';
  return childLines(document, '', options).join('\n');
}
