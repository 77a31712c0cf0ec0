/*
 * The ADF rules Jira Cloud enforces on what it stores (comments, descriptions), answering 400
 * `{"errorMessages":["INVALID_INPUT"],"errors":{}}` to a document that breaks one: a text node needs text, lists,
 * list items, tables and rows need content, a code block holds plain text only, and `code` combines with `link` only.
 * Not the whole schema: the rules a renderer of ours could break.
 */
interface Node {
  type?: unknown;
  text?: unknown;
  content?: unknown;
  marks?: unknown;
}

const NEEDS_CONTENT = new Set(['bulletList', 'orderedList', 'listItem', 'table', 'tableRow']);

const children = (node: Node): Node[] =>
  Array.isArray(node.content)
    ? node.content.filter((c): c is Node => typeof c === 'object' && c !== null)
    : [];

const markTypes = (node: Node): unknown[] =>
  Array.isArray(node.marks) ? node.marks.map((mark) => (mark as { type?: unknown } | null)?.type) : [];

function validNode(node: Node, inCodeBlock: boolean): boolean {
  if (node.type === 'text') {
    const marks = markTypes(node);
    if (typeof node.text !== 'string' || node.text.length === 0) return false;
    if (inCodeBlock && marks.length > 0) return false;
    return !marks.includes('code') || marks.every((mark) => mark === 'code' || mark === 'link');
  }
  const content = children(node);
  if (NEEDS_CONTENT.has(String(node.type)) && content.length === 0) return false;
  return content.every((child) => validNode(child, inCodeBlock || node.type === 'codeBlock'));
}

/** Whether Jira would refuse this document as INVALID_INPUT; absent or null is not a document to check. */
export function invalidAdf(document: unknown): boolean {
  return typeof document === 'object' && document !== null && !validNode(document as Node, false);
}
