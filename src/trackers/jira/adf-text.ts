import type { AdfNode } from './adf-types.ts';

function inlineText(nodes: AdfNode[] | undefined): string {
  if (!nodes) return '';
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
          return node.text ?? '';
        case 'hardBreak':
          return '\n';
        case 'mention':
        case 'emoji':
        case 'status':
          return String(node.attrs?.text ?? node.attrs?.shortName ?? '');
        case 'inlineCard':
          return String(node.attrs?.url ?? '');
        case 'date':
          return typeof node.attrs?.timestamp === 'string'
            ? new Date(Number(node.attrs.timestamp)).toISOString().slice(0, 10)
            : '';
        default:
          return inlineText(node.content);
      }
    })
    .join('');
}

function listLines(node: AdfNode, indent: string): string[] {
  const ordered = node.type === 'orderedList';
  const start = typeof node.attrs?.order === 'number' ? node.attrs.order : 1;
  const lines: string[] = [];
  (node.content ?? []).forEach((item, index) => {
    const bullet = ordered ? `${start + index}. ` : '- ';
    const [first, ...rest] = item.content ?? [];
    const firstLines = first ? blockLines(first, indent) : [''];
    lines.push(`${indent}${bullet}${firstLines[0] ?? ''}`, ...firstLines.slice(1));
    for (const child of rest) lines.push(...blockLines(child, `${indent}  `));
  });
  return lines;
}

function blockLines(node: AdfNode, indent = ''): string[] {
  switch (node.type) {
    case 'paragraph':
    case 'heading':
      return inlineText(node.content).split('\n');
    case 'bulletList':
    case 'orderedList':
      return listLines(node, indent);
    case 'table':
      return (node.content ?? []).map((row) =>
        (row.content ?? []).map((cell) => childLines(cell).join(' ')).join(' | '),
      );
    case 'codeBlock':
      return inlineText(node.content).split('\n');
    case 'rule':
      return ['---'];
    default:
      return node.content ? childLines(node, indent) : [inlineText([node])].filter((t) => t.length > 0);
  }
}

function childLines(node: AdfNode, indent = ''): string[] {
  return (node.content ?? []).flatMap((child) => blockLines(child, indent));
}

/** Plain text of an ADF document with its structure kept as lines (the same lines `docToPlainText` gives). */
export function adfToPlainText(document: AdfNode | null | undefined): string {
  if (!document) return '';
  return childLines(document).join('\n');
}
