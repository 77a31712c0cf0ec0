import { type Block, type Doc, doc, docToPlainText, link, paragraph } from './doc.ts';

/** Where the whole text can be read when a post had to be cut, and the tracker's limit for the wording. */
export interface Overflow {
  url: string;
  /** e.g. "Jira stops at 32,767 characters" */
  limit: string;
}

/** How a tracker's blocks count as lines, how one is cut to its first lines (fewer than it has), and its text. */
export interface Lines<B> {
  count(block: B): number;
  head(block: B, keep: number): B;
  text(block: B): string;
}

/** A document's lines: each list item and table row counts alone, every other block is one. */
const DOC_LINES: Lines<Block> = {
  count: (block) =>
    block.type === 'bulletList' || block.type === 'orderedList'
      ? block.items.length
      : block.type === 'table'
        ? block.rows.length
        : 1,
  head: (block, keep) =>
    block.type === 'table'
      ? { ...block, rows: block.rows.slice(0, keep) }
      : block.type === 'bulletList' || block.type === 'orderedList'
        ? { ...block, items: block.items.slice(0, keep) }
        : block,
  text: (block) => docToPlainText(doc(block)),
};

function firstLines<B>(blocks: readonly B[], keep: number, lines: Lines<B>): B[] {
  const head: B[] = [];
  let left = keep;
  for (const block of blocks) {
    if (left <= 0) break;
    const count = lines.count(block);
    head.push(count <= left ? block : lines.head(block, left));
    left -= count;
  }
  return head;
}

/**
 * The longest head of lines that `fits` once `build` adds what follows it (a notice of how many lines it leaves
 * out); the shortest when none does. Binary search: each measurement renders the whole candidate, and a sprint
 * summary can have thousands of lines.
 */
export function fitHead<B, T>(
  blocks: readonly B[],
  lines: Lines<B>,
  build: (head: B[], hidden: number) => T,
  fits: (candidate: T) => boolean,
): T {
  // A post cut before (a comment renamed in place) ends with its notice: no line of the post, and the lines it
  // counts stay hidden, so the one notice the reader sees counts them too.
  const last = blocks.at(-1);
  const earlier = last === undefined ? undefined : HIDDEN.exec(lines.text(last));
  const body = earlier ? blocks.slice(0, -1) : blocks;
  const hiddenBefore = earlier ? Number(earlier[1]) : 0;
  const total = body.reduce((sum, block) => sum + lines.count(block), 0);
  const candidate = (keep: number) => build(firstLines(body, keep, lines), hiddenBefore + total - keep);
  let low = 0;
  let high = total - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(candidate(middle))) low = middle;
    else high = middle - 1;
  }
  return candidate(low);
}

/**
 * The count of an `overflowNotice` in its text, whatever the tracker rendered it as. At most nine digits: an author's
 * line that only reads like a notice must not pass a count no cut could make.
 */
const HIDDEN = /^… (\d{1,9}) more lines? not shown \(/;

/** Whether a text ends with an `overflowNotice`: the service cut it at the tracker's limit before. */
export const endsCut = (text: string): boolean => HIDDEN.test(text.trimEnd().split('\n').at(-1) ?? '');

export function overflowNotice(hidden: number, overflow: Overflow): Block {
  return paragraph(
    `… ${hidden} more ${hidden === 1 ? 'line' : 'lines'} not shown (${overflow.limit}). `,
    link('Read the full text', overflow.url),
    '.',
  );
}

/**
 * The longest head of a document that the tracker takes, followed by a notice of how much was left out and where
 * to read it; the document itself when it fits. `fits` measures what the adapter would send.
 */
export function fitDoc(document: Doc, fits: (candidate: Doc) => boolean, overflow: Overflow): Doc {
  if (fits(document)) return document;
  return fitHead(
    document.blocks,
    DOC_LINES,
    (head, hidden) => doc(...head, overflowNotice(hidden, overflow)),
    fits,
  );
}

/** A blank line is no line a reader misses: Markdown puts one between blocks, and before a notice. */
const TEXT_LINES: Lines<string> = {
  count: (line) => (line.trim() === '' ? 0 : 1),
  head: (line) => line,
  text: (line) => line,
};

/** The same for plain text kept line by line (a Markdown description): the longest head of lines that fits. */
export function fitLines(
  text: string,
  fits: (candidate: string) => boolean,
  notice: (hidden: number) => string,
) {
  if (fits(text)) return text;
  return fitHead(
    text.split('\n'),
    TEXT_LINES,
    (head, hidden) => [...head, '', notice(hidden)].join('\n'),
    fits,
  );
}
