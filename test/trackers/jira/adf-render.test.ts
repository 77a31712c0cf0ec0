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
import { docToAdf } from '../../../src/trackers/jira/adf-render.ts';
import { adfToPlainText } from '../../../src/trackers/jira/adf-text.ts';

const text = (t: string, ...marks: object[]) =>
  marks.length ? { type: 'text', text: t, marks } : { type: 'text', text: t };
const para = (...content: object[]) => ({ type: 'paragraph', content });

describe('docToAdf', () => {
  it.each<[string, Doc, object[]]>([
    [
      'heading',
      doc(heading(2, 'Score')),
      [{ type: 'heading', attrs: { level: 2 }, content: [text('Score')] }],
    ],
    [
      'marks',
      doc(paragraph('a ', bold('b'), italic('c'), code('d'), link('e', 'https://x.test'))),
      [
        para(
          text('a '),
          text('b', { type: 'strong' }),
          text('c', { type: 'em' }),
          text('d', { type: 'code' }),
          text('e', { type: 'link', attrs: { href: 'https://x.test' } }),
        ),
      ],
    ],
    ['empty paragraph', doc(paragraph('')), [{ type: 'paragraph' }]],
    [
      'bullet list',
      doc(bulletList(['one'])),
      [{ type: 'bulletList', content: [{ type: 'listItem', content: [para(text('one'))] }] }],
    ],
    [
      'ordered list',
      doc(orderedList(['one'])),
      [
        {
          type: 'orderedList',
          attrs: { order: 1 },
          content: [{ type: 'listItem', content: [para(text('one'))] }],
        },
      ],
    ],
    [
      'table',
      doc(table(['Item', 'Score'], [['BR-1', '4']])),
      [
        {
          type: 'table',
          attrs: { isNumberColumnEnabled: false, layout: 'default' },
          content: [
            {
              type: 'tableRow',
              content: [
                { type: 'tableHeader', attrs: {}, content: [para(text('Item'))] },
                { type: 'tableHeader', attrs: {}, content: [para(text('Score'))] },
              ],
            },
            {
              type: 'tableRow',
              content: [
                { type: 'tableCell', attrs: {}, content: [para(text('BR-1'))] },
                { type: 'tableCell', attrs: {}, content: [para(text('4'))] },
              ],
            },
          ],
        },
      ],
    ],
    ['code block', doc(codeBlock('x = 1')), [{ type: 'codeBlock', attrs: {}, content: [text('x = 1')] }]],
    ['rule', doc(rule()), [{ type: 'rule' }]],
  ])('renders %s', (_, input, content) => {
    expect(docToAdf(input)).toEqual({ type: 'doc', version: 1, content });
  });

  it.each<[string, Doc]>([
    [
      'mixed blocks',
      doc(heading(1, 'T'), paragraph('p ', bold('b')), bulletList(['a', 'b']), orderedList(['x'])),
    ],
    ['table and code', doc(table(['h1', 'h2'], [['c1', 'c2']]), codeBlock('l1\nl2'), rule())],
  ])('keeps the plain text of %s through ADF', (_, input) => {
    expect(adfToPlainText(docToAdf(input))).toBe(docToPlainText(input));
  });
});

describe('docToAdf on hostile links (issue 12, item 6)', () => {
  it('a javascript: link target stays text; text with Markdown stays one text node', () => {
    const adf = docToAdf(
      doc(paragraph(link('open', 'javascript:alert(1)'), ' [Reset](https://evil.example/login)')),
    );

    expect(adf.content[0]).toEqual({
      type: 'paragraph',
      content: [
        { type: 'text', text: 'open' },
        { type: 'text', text: ' [Reset](https://evil.example/login)' },
      ],
    });
  });
});

describe('docToAdf on text that turns the direction of what follows', () => {
  // "Linked HELP-1 → APP-2 <title> by Ada." with a title ending in a right-to-left override (U+202E) or isolate
  // (U+2067) left open: Jira would show the service's own " by Ada." mirrored, ".adA yb".
  it.each([
    ['an override', 'Refund\u202E', 'Refund\u202E\u202C'],
    ['an isolate', 'Refund\u2067', 'Refund\u2067\u2069'],
    ['an override inside an isolate', '\u2067a\u202Eb', '\u2067a\u202Eb\u202C\u2069'],
    ['a closed one', 'a\u202Eb\u202Cc', 'a\u202Eb\u202Cc'],
  ])('%s left open ends with the text it came with', (_label, title, closed) => {
    const adf = docToAdf(doc(paragraph('Linked ', code('APP-2'), ' ', title, ' by Ada.')));

    expect(adf.content[0]).toEqual(
      para(text('Linked '), text('APP-2', { type: 'code' }), text(' '), text(closed), text(' by Ada.')),
    );
  });
});
