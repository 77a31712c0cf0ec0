import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bold,
  bulletList,
  code,
  codeBlock,
  type Doc,
  doc,
  docToPlainText,
  heading,
  italic,
  link,
  orderedList,
  paragraph,
  rule,
  table,
} from '../../../src/domain/doc.ts';
import { markdownToDoc } from '../../../src/trackers/markdown-doc.ts';
import { renderMarkdown } from '../../../src/trackers/trello/markdown-render.ts';

describe('renderMarkdown', () => {
  it.each<[string, Doc, string]>([
    ['heading levels', doc(heading(1, 'One'), heading(3, 'Three')), '# One\n\n### Three'],
    ['bold, italic, code', doc(paragraph(bold('b'), ' ', italic('i'), ' ', code('c'))), '**b** _i_ `c`'],
    [
      'bold italic link',
      doc(paragraph({ text: 'x', bold: true, italic: true, href: 'https://e.x' })),
      '[**_x_**](https://e.x)',
    ],
    ['link with parentheses', doc(paragraph(link('t', 'https://e.x/a(b)'))), '[t](https://e.x/a%28b%29)'],
    ['escapes markdown characters', doc(paragraph('a*b_c [d] `e`')), 'a\\*b\\_c \\[d\\] \\`e\\`'],
    ['code with a backtick', doc(paragraph(code('a`b'))), '``a`b``'],
    ['bullet list', doc(bulletList(['a', bold('b')])), '- a\n- **b**'],
    ['ordered list', doc(orderedList(['a', 'b'])), '1. a\n2. b'],
    ['code fence', doc(codeBlock('x = 1\ny = 2')), '```\nx = 1\ny = 2\n```'],
    ['code fence containing a fence', doc(codeBlock('```js\n```')), '````\n```js\n```\n````'],
    ['rule between paragraphs', doc(paragraph('a'), rule(), paragraph('b')), 'a\n\n---\n\nb'],
  ])('%s', (_name, input, expected) => {
    expect(renderMarkdown(input)).toBe(expected);
  });

  it.each<[string, Doc, string]>([
    [
      'header and rows',
      doc(
        table(
          ['Item', 'Score'],
          [
            ['ABC-1', '3'],
            [bold('ABC-2'), '5'],
          ],
        ),
      ),
      '| Item | Score |\n| --- | --- |\n| ABC-1 | 3 |\n| **ABC-2** | 5 |',
    ],
    ['pipes are escaped', doc(table(['a|b'], [['c|d']])), '| a\\|b |\n| --- |\n| c\\|d |'],
    ['short rows are padded', doc(table(['a', 'b'], [['only']])), '| a | b |\n| --- | --- |\n| only |  |'],
    ['newlines in cells become spaces', doc(table(['h'], [['x\ny']])), '| h |\n| --- |\n| x y |'],
  ])('table: %s', (_name, input, expected) => {
    expect(renderMarkdown(input)).toBe(expected);
  });
});

describe('renderMarkdown on hostile text (issue 12, item 6)', () => {
  const PHISH = '[Reset your Trello password](https://evil.example/login)';

  /** A code span ends at the first backtick run as long as its fence: none may sit inside. */
  function singleCodeSpan(markdown: string): boolean {
    const fence = /^`+/.exec(markdown)?.[0] ?? '';
    if (!fence || !markdown.endsWith(fence)) return false;
    const inside = markdown.slice(fence.length, -fence.length);
    return !(inside.match(/`+/g) ?? []).some((run) => run.length === fence.length);
  }

  it('a command argument with backticks cannot close the code span and put a live link in the reply', () => {
    const args = `\`\` ${PHISH} \`\``;
    const markdown = renderMarkdown(doc(heading(3, code(`/link ${args}`))));

    expect(markdown.startsWith('### ')).toBe(true);
    expect(singleCodeSpan(markdown.slice(4))).toBe(true);
  });

  it('text cannot become a link, an image, a heading or a quote', () => {
    const markdown = renderMarkdown(doc(paragraph(`${PHISH}\n# Pay here\n> quoted\n!${PHISH}\n1. step`)));

    expect(markdown).toBe(
      '\\[Reset your Trello password\\](https://evil.example/login)\n\\# Pay here\n\\> quoted\n\\!\\[Reset your Trello password\\](https://evil.example/login)\n1\\. step',
    );
  });

  // CommonMark escapes punctuation only: `\1. step` shows its backslash; `1\. step` is the text and no list.
  it('a line that starts like a numbered list reads as its text, with no backslash showing', () => {
    const markdown = renderMarkdown(doc(paragraph('1. step\n12) next')));

    expect(markdown).toBe('1\\. step\n12\\) next');
    expect(docToPlainText(markdownToDoc(markdown))).toBe('1. step\n12) next');
  });

  it('text the bot repeats pages nobody: @board, @card and @username are no mentions, addresses stay as they are', () => {
    const title = '@board URGENT: export broken (cc @ada, (@card)) — mail bob@customer.test';
    const markdown = renderMarkdown(doc(paragraph(title), paragraph(code(title)), codeBlock(title)));

    expect(markdown.match(/(^|[^\w.])@\w/gm)).toBeNull();
    expect(markdown.replaceAll('\u200B', '')).toContain('@board URGENT');
    expect(markdown).toContain('bob@customer.test');
  });

  it('a mention right after a full stop pages nobody either: no address has a dot before its @', () => {
    const markdown = renderMarkdown(
      doc(paragraph('Broken again.@board please look.@card'), codeBlock('end.@board')),
    );

    expect(markdown.match(/@(board|card)\b/g)).toBeNull();
    expect(markdown.replaceAll('\u200B', '')).toContain('again.@board please look.@card');
  });

  it('a right-to-left override or isolate left open in text ends with it, so the words after read as written', () => {
    const markdown = renderMarkdown(
      doc(paragraph('Linked ', code('Refund\u2067'), ' ', bold('Refund\u202E'), ' by Ada.')),
    );

    expect(markdown).toBe('Linked `Refund\u2067\u2069` **Refund\u202E\u202C** by Ada.');
  });

  it('a javascript: link target stays text', () => {
    expect(renderMarkdown(doc(paragraph(link('open', 'javascript:alert(1)'))))).toBe('open');
  });

  it('any text in a code span stays one code span (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('`', 'a', ' ', '[', ']', '(', ')', '\n') }), (text) => {
        fc.pre(text.trim() !== '');
        return singleCodeSpan(renderMarkdown(doc(paragraph(code(text)))));
      }),
    );
  });
});
