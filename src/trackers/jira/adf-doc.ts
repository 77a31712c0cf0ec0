import type { Block, Doc, Inline, TextRun } from '../../domain/doc.ts';
import { adfToPlainText, children } from './adf-text.ts';
import type { AdfNode } from './adf-types.ts';

const hasMark = (node: AdfNode, type: string) => node.marks?.some((mark) => mark?.type === type) === true;

function run(node: AdfNode): TextRun {
  if (node.type !== 'text') return { text: adfToPlainText({ type: 'paragraph', content: [node] }) };
  const href = node.marks?.find((mark) => mark?.type === 'link')?.attrs?.href;
  return {
    text: typeof node.text === 'string' ? node.text : '',
    ...(hasMark(node, 'strong') && { bold: true }),
    ...(hasMark(node, 'em') && { italic: true }),
    ...(hasMark(node, 'code') && { code: true }),
    ...(typeof href === 'string' && { href }),
  };
}

const runs = (nodes: unknown): Inline => children(nodes).map(run);

/** A list item or table cell as the service writes it: one paragraph; anything more reads as its text. */
function soleInline(node: AdfNode): Inline {
  const content = children(node.content);
  const [first] = content;
  return content.length === 1 && first?.type === 'paragraph'
    ? runs(first.content)
    : [{ text: adfToPlainText({ type: 'doc', content }).replace(/\n/g, ' ') }];
}

function blocks(node: AdfNode): Block[] {
  switch (node.type) {
    case 'heading': {
      const level = node.attrs?.level;
      const clamped = typeof level === 'number' ? Math.min(3, Math.max(1, level)) : 1;
      return [{ type: 'heading', level: clamped as 1 | 2 | 3, content: runs(node.content) }];
    }
    case 'paragraph':
      return [{ type: 'paragraph', content: runs(node.content) }];
    case 'bulletList':
    case 'orderedList':
      return [{ type: node.type, items: children(node.content).map(soleInline) }];
    case 'table': {
      const [header, ...rows] = children(node.content).map((row) => children(row.content).map(soleInline));
      return [{ type: 'table', header: header ?? [], rows }];
    }
    case 'codeBlock':
      return [{ type: 'code', text: adfToPlainText({ type: 'doc', content: [node] }) }];
    case 'rule':
      return [{ type: 'rule' }];
    // Nodes the service never writes (a panel, a quote): their lines, as plain paragraphs.
    default:
      return adfToPlainText({ type: 'doc', content: [node] })
        .split('\n')
        .map((line) => ({ type: 'paragraph', content: [{ text: line }] }));
  }
}

/** An ADF document read back as the Doc it was rendered from (docToAdf): the service's comment, to write it again. */
export function adfToDoc(document: AdfNode): Doc {
  return { blocks: children(document.content).flatMap(blocks) };
}
