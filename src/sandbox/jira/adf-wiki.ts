import type { AdfMark, AdfNode } from '../../trackers/jira/adf-types.ts';

function markText(text: string, marks: AdfMark[] | undefined): string {
  let out = text;
  for (const mark of marks ?? []) {
    if (mark.type === 'strong') out = `*${out}*`;
    else if (mark.type === 'em') out = `_${out}_`;
    else if (mark.type === 'code') out = `{{${out}}}`;
    else if (mark.type === 'link') out = `[${out}|${String(mark.attrs?.href ?? '')}]`;
  }
  return out;
}

function inline(nodes: AdfNode[] | undefined): string {
  return (nodes ?? [])
    .map((node) => {
      if (node.type === 'text') return markText(node.text ?? '', node.marks);
      if (node.type === 'hardBreak') return '\\\\';
      if (node.type === 'mention') return `[~accountid:${String(node.attrs?.id ?? '')}]`;
      // A pasted URL is a smart link in Cloud's editor; its wiki form repeats the URL and names the appearance.
      if (node.type === 'inlineCard') return smartLink(node, 'smart-link');
      return inline(node.content);
    })
    .join('');
}

function smartLink(node: AdfNode, appearance: 'smart-link' | 'smart-card' | 'embed'): string {
  const url = String(node.attrs?.url ?? '');
  return `[${url}|${url}|${appearance}]`;
}

function list(node: AdfNode, prefix: string): string[] {
  const bullet = `${prefix}${node.type === 'orderedList' ? '#' : '*'}`;
  return (node.content ?? []).flatMap((item) =>
    (item.content ?? []).flatMap((child, index) =>
      child.type === 'bulletList' || child.type === 'orderedList'
        ? list(child, bullet)
        : index === 0
          ? [`${bullet} ${block(child).join(' ')}`]
          : block(child),
    ),
  );
}

function block(node: AdfNode): string[] {
  switch (node.type) {
    case 'paragraph':
      return [inline(node.content)];
    case 'heading':
      return [`h${String(node.attrs?.level ?? 1)}. ${inline(node.content)}`];
    case 'bulletList':
    case 'orderedList':
      return list(node, '');
    case 'codeBlock':
      return ['{code}', inline(node.content), '{code}'];
    case 'rule':
      return ['----'];
    case 'blockquote':
      return ['{quote}', ...(node.content ?? []).flatMap(block), '{quote}'];
    case 'blockCard':
      return [smartLink(node, 'smart-card')];
    case 'embedCard':
      return [smartLink(node, 'embed')];
    case 'table':
      return (node.content ?? []).map((row) => {
        const cells = row.content ?? [];
        const header = cells.every((cell) => cell.type === 'tableHeader');
        const sep = header ? '||' : '|';
        return `${sep}${cells.map((cell) => (cell.content ?? []).flatMap(block).join(' ')).join(sep)}${sep}`;
      });
    default:
      return (node.content ?? []).flatMap(block);
  }
}

/**
 * ADF → Jira wiki markup: how Jira Cloud renders comment and description bodies in webhook deliveries
 * (top-level blocks separated by a blank line, as Jira's converter does).
 */
export function adfToWiki(document: AdfNode): string {
  return (document.content ?? []).map((node) => block(node).join('\n')).join('\n\n');
}
