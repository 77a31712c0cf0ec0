import {
  type Block,
  closeDirection,
  type Doc,
  type Inline,
  isSafeHref,
  type TextRun,
} from '../../domain/doc.ts';
import type { AdfDoc, AdfMark, AdfNode } from './adf-types.ts';

function marksFor(run: TextRun): AdfMark[] {
  const marks: AdfMark[] = [];
  // ADF allows `code` only together with `link`, so strong/em are dropped from code runs.
  if (run.code) marks.push({ type: 'code' });
  else {
    if (run.bold) marks.push({ type: 'strong' });
    if (run.italic) marks.push({ type: 'em' });
  }
  if (run.href && isSafeHref(run.href)) marks.push({ type: 'link', attrs: { href: run.href.trim() } });
  return marks;
}

export function inlineToAdf(content: Inline): AdfNode[] {
  return content
    .filter((run) => run.text.length > 0)
    .map((run) => {
      const marks = marksFor(run);
      const text = closeDirection(run.text);
      return marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text };
    });
}

function paragraphOf(content: Inline): AdfNode {
  const nodes = inlineToAdf(content);
  return nodes.length > 0 ? { type: 'paragraph', content: nodes } : { type: 'paragraph' };
}

function listItems(items: Inline[]): AdfNode[] {
  return items.map((item) => ({ type: 'listItem', content: [paragraphOf(item)] }));
}

function cell(type: 'tableHeader' | 'tableCell', content: Inline): AdfNode {
  return { type, attrs: {}, content: [paragraphOf(content)] };
}

function blockToAdf(block: Block): AdfNode {
  switch (block.type) {
    case 'heading':
      return { type: 'heading', attrs: { level: block.level }, content: inlineToAdf(block.content) };
    case 'paragraph':
      return paragraphOf(block.content);
    case 'bulletList':
      return { type: 'bulletList', content: listItems(block.items) };
    case 'orderedList':
      return { type: 'orderedList', attrs: { order: 1 }, content: listItems(block.items) };
    case 'table':
      return {
        type: 'table',
        attrs: { isNumberColumnEnabled: false, layout: 'default' },
        content: [
          { type: 'tableRow', content: block.header.map((h) => cell('tableHeader', h)) },
          ...block.rows.map((row) => ({ type: 'tableRow', content: row.map((c) => cell('tableCell', c)) })),
        ],
      };
    case 'code':
      return block.text
        ? { type: 'codeBlock', attrs: {}, content: [{ type: 'text', text: block.text }] }
        : { type: 'codeBlock', attrs: {} };
    case 'rule':
      return { type: 'rule' };
  }
}

/** Renders a Doc as an ADF document, the body format of v3 comments and descriptions. */
export function docToAdf(document: Doc): AdfDoc {
  return { type: 'doc', version: 1, content: document.blocks.map(blockToAdf) };
}

/**
 * Jira refuses comments and rich-text fields over 32,767 characters (400). Measured on the ADF JSON sent, which is
 * never shorter than the text Jira counts, so a post cut to this size is always accepted.
 */
export const JIRA_TEXT_LIMIT = 32_767;

/** Whether Jira takes the document as a comment or rich-text field. */
export const withinJiraLimit = (document: AdfDoc): boolean =>
  JSON.stringify(document).length <= JIRA_TEXT_LIMIT;
