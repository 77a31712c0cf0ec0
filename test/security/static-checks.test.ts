import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
// src/sandbox is the fake tracker used by tests and the demo, not the service.
const SCANNED = ['src', 'workers', 'bin'];
const EXCLUDED = /^src\/sandbox\//;

function sources(): { path: string; text: string }[] {
  return SCANNED.flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(ROOT, dir, file))
      .map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }))
      .filter(({ path }) => !EXCLUDED.test(path)),
  );
}

const CREDENTIAL = /secret|token|signature|api_?key|password|hmac|digest|authorization|bearer/i;
const OPERAND = String.raw`\x60[^\x60]*\x60|[\w.$?!]+(?:\([^()]*\))?(?:\[[^\]]*\])?`;
const COMPARISON = new RegExp(`(${OPERAND})\\s*(?:===|!==|==|!=)\\s*(${OPERAND})`, 'g');
// Lock ownership tokens are random values the process made itself, not secrets: `GET lock === token`.
const LOCK_RELEASE = /redis\.get\([^)]*\)\)\s*===\s*token\)/;

/** Lines that compare something credential-like with ==/=== (a timing oracle), as `path:line: text`. */
function credentialComparisons(path: string, text: string): string[] {
  return text.split('\n').flatMap((line, index) => {
    if (LOCK_RELEASE.test(line) || /^\s*(\/\/|\*)/.test(line)) return [];
    // Comparing lengths leaks nothing the length check before timingSafeEqual does not.
    const suspect = (operand = '') => CREDENTIAL.test(operand) && !operand.endsWith('.length');
    const hits = [...line.matchAll(COMPARISON)].filter((match) => suspect(match[1]) || suspect(match[2]));
    return hits.length > 0 ? [`${path}:${index + 1}: ${line.trim()}`] : [];
  });
}

describe('S2 signatures and tokens are compared in constant time', () => {
  it.each(['src/trackers/jira/jira-signature.ts', 'src/trackers/trello/trello-signature.ts'])(
    '%s compares bytes with timingSafeEqual after a length check',
    (path) => {
      const text = readFileSync(join(ROOT, path), 'utf8');

      expect(text).toMatch(/expected\.length === received\.length && timingSafeEqual\(expected, received\)/);
    },
  );

  it('the admin token check compares fixed-length digests with timingSafeEqual', () => {
    const text = readFileSync(join(ROOT, 'src/http/admin/admin-auth.ts'), 'utf8');

    expect(text).toMatch(/timingSafeEqual\(digest\(/);
  });

  it('no ==/=== on secrets, tokens, signatures or digests anywhere in the service', () => {
    const files = sources();

    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(({ path, text }) => credentialComparisons(path, text))).toEqual([]);
  });

  it.each([
    'if (header === config.adminToken) return true;',
    "return received.toString('hex') == expectedDigest;",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the sample is source text containing a template literal.
    'if (request.headers.authorization !== `Bearer ${token}`) deny();',
    'const ok = sig === signJiraBody(raw, secret);',
  ])('the check would catch %s', (line) => {
    expect(credentialComparisons('sample.ts', line)).toHaveLength(1);
  });
});
