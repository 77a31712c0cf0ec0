import type { Doc } from '../../domain/doc.ts';
import { docToAdf } from './adf-render.ts';
import { adfToPlainText } from './adf-text.ts';
import { type AdfDoc, type AdfNode, adfParagraph } from './adf-types.ts';

/*
 * The service finds its own comment per purpose by author (the account of GET /myself) AND a marker: a small last
 * paragraph "backlog-refinery · <purpose>". A marker inside the body, rather than an issue entity property mapping
 * purpose → comment id, costs no extra request per upsert, cannot go stale when a person deletes the comment, and
 * survives into webhook deliveries (which carry the body as wiki markup), where the intake can use it as a second
 * bot-loop check. The author check keeps a person's comment that quotes the marker from ever being edited.
 */
const MARKER_PREFIX = 'backlog-refinery · ';

export function commentMarker(purpose: string): string {
  return `${MARKER_PREFIX}${purpose}`;
}

/** The comment body the service writes: the rendered Doc followed by the marker paragraph. */
export function renderOwnComment(purpose: string, body: Doc): AdfDoc {
  const rendered = docToAdf(body);
  return { ...rendered, content: [...rendered.content, adfParagraph(commentMarker(purpose))] };
}

function lastParagraphText(document: AdfNode): string | undefined {
  const last = document.content?.at(-1);
  return last?.type === 'paragraph' ? adfToPlainText({ type: 'doc', content: [last] }) : undefined;
}

export function hasMarker(document: AdfNode | undefined, purpose: string): boolean {
  return document !== undefined && lastParagraphText(document) === commentMarker(purpose);
}

/** An own comment without its marker line. */
export function withoutMarker(document: AdfNode): AdfNode {
  return { type: 'doc', content: (document.content ?? []).slice(0, -1) };
}

/** Jira may add attributes such as `localId` when it stores ADF; those must not count as a change. */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node)
    .filter(([key, value]) => key !== 'localId' && !(key === 'attrs' && isEmptyObject(value)))
    .map(([key, value]) => [key, normalize(value)] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(entries);
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

export function sameAdf(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}
