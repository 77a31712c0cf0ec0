import { type Block, type Doc, doc, link, paragraph } from './doc.ts';

/** Where the whole text can be read when a post had to be cut, and the tracker's limit for the wording. */
export interface Overflow {
  url: string;
  /** e.g. "Jira stops at 32,767 characters" */
  limit: string;
}

/** A document's lines: each list item and table row counts alone, every other block is one. */
function unitCount(block: Block): number {
  if (block.type === 'bulletList' || block.type === 'orderedList') return block.items.length;
  if (block.type === 'table') return block.rows.length;
  return 1;
}

function firstUnits(document: Doc, keep: number): Block[] {
  const blocks: Block[] = [];
  let left = keep;
  for (const block of document.blocks) {
    if (left <= 0) break;
    const count = unitCount(block);
    if (count <= left) blocks.push(block);
    else if (block.type === 'table') blocks.push({ ...block, rows: block.rows.slice(0, left) });
    else if (block.type === 'bulletList' || block.type === 'orderedList') {
      blocks.push({ ...block, items: block.items.slice(0, left) });
    }
    left -= count;
  }
  return blocks;
}

export function overflowNotice(hidden: number, overflow: Overflow): Block {
  return paragraph(
    `… ${hidden} more ${hidden === 1 ? 'line' : 'lines'} not shown (${overflow.limit}). `,
    link('Read the full text', overflow.url),
    '.',
  );
}

/**
 * The longest head of a document that the tracker takes, followed by a notice of how much was left out and where
 * to read it; the document itself when it fits. `fits` measures what the adapter would send. Binary search: each
 * measurement renders the whole candidate, and a sprint summary can have thousands of lines.
 */
export function fitDoc(document: Doc, fits: (candidate: Doc) => boolean, overflow: Overflow): Doc {
  if (fits(document)) return document;
  const total = document.blocks.reduce((sum, block) => sum + unitCount(block), 0);
  const candidate = (keep: number) =>
    doc(...firstUnits(document, keep), overflowNotice(total - keep, overflow));
  let low = 0;
  let high = total - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(candidate(middle))) low = middle;
    else high = middle - 1;
  }
  return candidate(low);
}

/** The same for plain text kept line by line (a Markdown description): the longest head of lines that fits. */
export function fitLines(
  text: string,
  fits: (candidate: string) => boolean,
  notice: (hidden: number) => string,
) {
  if (fits(text)) return text;
  const lines = text.split('\n');
  const candidate = (keep: number) => [...lines.slice(0, keep), '', notice(lines.length - keep)].join('\n');
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(candidate(middle))) low = middle;
    else high = middle - 1;
  }
  return candidate(low);
}
