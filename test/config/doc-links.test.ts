import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A newcomer follows the README into docs/: every relative link there must reach a file, and every #anchor a
// heading of it (as GitHub names headings), or the reader lands on nothing.
const root = fileURLToPath(new URL('../../', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Markdown without its fenced code blocks (and, for links, its inline code), where `[x](y)` is text. */
function withoutBlocks(text: string): string {
  return text.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
}

/** GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(path: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading = ''] of withoutBlocks(readFileSync(path, 'utf8')).matchAll(
    /^#{1,6}\s+(.+?)\s*#*$/gm,
  )) {
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  const text = withoutBlocks(readFileSync(join(root, page), 'utf8')).replace(/`[^`\n]*`/g, '');
  for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [file = '', anchor] = target.split('#');
    const path = file === '' ? join(root, page) : join(root, dirname(page), decodeURIComponent(file));
    if (!existsSync(path)) broken.push(`${target}: no file ${relative(root, path)}`);
    else if (anchor !== undefined && statSync(path).isFile() && path.endsWith('.md')) {
      if (!anchorsOf(path).has(decodeURIComponent(anchor)))
        broken.push(`${target}: no heading #${anchor} in ${relative(root, path)}`);
    }
  }
  return broken;
}

describe('relative links in README.md and docs/*.md', () => {
  it('finds the pages and their links', () => {
    expect(pages.length).toBeGreaterThan(10);
    expect(anchorsOf(join(root, 'docs/operations.md'))).toContain('running-in-production-redis-and-scaling');
  });

  it.each(pages)('%s: every link reaches a file, every #anchor a heading', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });
});
