import { stem } from './stem.ts';
import { STOP_WORDS } from './stop-words.ts';

/** Identifier-like runs: letters, digits, `_`, `$`, joined by dots (package and class names, versions). */
const RAW_TOKEN = /[\p{L}\p{N}_$]+(?:\.[\p{L}\p{N}_$]+)*/gu;
/** camelCase / PascalCase / acronym / digit boundaries: "HTTPServerError2" -> HTTP, Server, Error, 2. */
const CAMEL_PART = /\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+/gu;
const COMBINING_MARKS = /\p{M}+/gu;
const HAS_LETTER = /\p{L}/u;

/** Tokens of one text: `words` in reading order (stemmed parts), `wholes` = compound identifiers. */
export interface TextTokens {
  words: string[];
  wholes: string[];
  /** Stemmed word -> first spelling seen, when asked for (to explain matches in readable words). */
  surfaces?: Map<string, string>;
}

const NON_ASCII = /[^\p{ASCII}]/u;

function stripAccents(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFKD').replace(COMBINING_MARKS, '') : text;
}

function keepWord(word: string): boolean {
  return word.length > 1 && !STOP_WORDS.has(word);
}

function splitIdentifier(part: string, out: TextTokens): void {
  const pieces = part.split(/[_$]+/).filter((p) => p.length > 0);
  const subParts: string[] = [];
  for (const piece of pieces) {
    const camel = piece.match(CAMEL_PART) ?? [piece];
    for (const c of camel) subParts.push(c.toLowerCase());
  }
  if (subParts.length > 1) {
    const whole = part.toLowerCase();
    if (whole.length > 2) out.wholes.push(whole);
  }
  for (const s of subParts) {
    if (!keepWord(s)) continue;
    const stemmed = stem(s);
    out.words.push(stemmed);
    if (out.surfaces !== undefined && !out.surfaces.has(stemmed)) out.surfaces.set(stemmed, s);
  }
}

/**
 * Code-aware tokenizer for bug reports. Dotted names (org.apache.hive.ql.exec.Foo) yield the whole name
 * and every part; camelCase and snake_case identifiers (NullPointerException) yield the whole identifier
 * and its stemmed parts; plain words are case-folded, accent-stripped, stop-word filtered and stemmed.
 */
export function tokenizeText(text: string, withSurfaces = false): TextTokens {
  const out: TextTokens = withSurfaces
    ? { words: [], wholes: [], surfaces: new Map() }
    : { words: [], wholes: [] };
  for (const match of stripAccents(text).matchAll(RAW_TOKEN)) {
    const raw = match[0];
    const parts = raw.split('.');
    if (parts.length > 1) {
      const whole = raw.toLowerCase();
      out.wholes.push(whole);
      if (!HAS_LETTER.test(raw)) continue;
    }
    for (const part of parts) splitIdentifier(part, out);
  }
  return out;
}

/** Flat list of every index term of a text (words and compound identifiers). */
export function tokenize(text: string): string[] {
  const { words, wholes } = tokenizeText(text);
  return [...words, ...wholes];
}
