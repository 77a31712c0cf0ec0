import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.ts';

/**
 * Deeper JSON than this is refused before anything walks it: validators, normalisers and renderers recurse,
 * and a 100k-deep `[[[…` body would otherwise end in a stack overflow (a 500). Real deliveries nest < 20.
 */
export const MAX_JSON_DEPTH = 128;

export const TOO_DEEP = `Body nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels`;

/** How many times `char` occurs, stopping once past `limit` (native search, no per-character JavaScript). */
function occurrencesUpTo(text: string, char: string, limit: number): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1 && count <= limit; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/** One linear pass over the text, skipping strings; no recursion, so any input is safe to measure. */
export function nestsDeeperThan(text: string, max: number): boolean {
  // Nesting deeper than `max` needs more than `max` openers; real deliveries have far fewer, so the
  // character-by-character walk below runs only for bodies that could be too deep.
  const openers = occurrencesUpTo(text, '{', max);
  if (openers + occurrencesUpTo(text, '[', max - openers) <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Fastify's own safe JSON parser (`__proto__`/`constructor` refused), behind the depth bound. */
export function useBoundedJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) done(new HttpError(400, TOO_DEEP), undefined);
    else parse(request, body as string, done);
  });
}
