/*
 * The subset of Atlassian Document Format this service writes and reads. Type aliases rather than interfaces:
 * jira.js types ADF bodies as records, and only an alias is assignable to an index signature.
 */
export type AdfMark = {
  type: string;
  attrs?: Record<string, unknown>;
};

export type AdfNode = {
  type: string;
  text?: string;
  marks?: AdfMark[];
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
};

export type AdfDoc = {
  type: 'doc';
  version: 1;
  content: AdfNode[];
};

export function isAdfDoc(value: unknown): value is AdfDoc {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'doc' &&
    Array.isArray((value as { content?: unknown }).content)
  );
}

export function adfParagraph(text: string): AdfNode {
  return text ? { type: 'paragraph', content: [{ type: 'text', text }] } : { type: 'paragraph' };
}
