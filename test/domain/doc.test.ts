import { describe, expect, it } from 'vitest';
import {
  bold,
  bulletList,
  code,
  codeBlock,
  doc,
  docToPlainText,
  heading,
  isSafeHref,
  italic,
  link,
  orderedList,
  paragraph,
  rule,
  table,
} from '../../src/domain/doc.ts';

describe('docToPlainText: what audits and the console show of a comment', () => {
  it('one line per paragraph, list item and table row, each block in its own form', () => {
    const comment = doc(
      heading(3, 'Sprint 14 ', italic('summary')),
      paragraph(
        'Delivered ',
        bold('5'),
        ' of 7 items, see ',
        link('the board', 'https://jira.example/b/1'),
        '.',
      ),
      bulletList(['APP-1 Checkout', [code('APP-2'), { text: ' Refunds' }]]),
      orderedList(['Open the cart', 'Click Pay', 'Nothing happens']),
      table(
        ['Item', 'Points'],
        [
          ['APP-1', '3'],
          [[bold('APP-2')], '5'],
        ],
      ),
      codeBlock('npm run mutation\nnpm test'),
      rule(),
      paragraph(),
    );

    expect(docToPlainText(comment)).toBe(
      [
        'Sprint 14 summary',
        'Delivered 5 of 7 items, see the board.',
        '- APP-1 Checkout',
        '- APP-2 Refunds',
        '1. Open the cart',
        '2. Click Pay',
        '3. Nothing happens',
        'Item | Points',
        'APP-1 | 3',
        'APP-2 | 5',
        'npm run mutation\nnpm test',
        '---',
        '',
      ].join('\n'),
    );
  });

  it('an empty document is empty text; an empty list or table body adds no lines', () => {
    expect(docToPlainText(doc())).toBe('');
    expect(docToPlainText(doc(bulletList([]), orderedList([]), table(['Item'], [])))).toBe('Item');
  });
});

describe('document builders', () => {
  it('keep the formatting of each run, which the adapters render', () => {
    expect(
      paragraph('See ', bold('APP-1'), [italic('now'), code('x')], link('here', 'https://x.test/')),
    ).toEqual({
      type: 'paragraph',
      content: [
        { text: 'See ' },
        { text: 'APP-1', bold: true },
        { text: 'now', italic: true },
        { text: 'x', code: true },
        { text: 'here', href: 'https://x.test/' },
      ],
    });
    expect(heading(2, 'Title')).toEqual({ type: 'heading', level: 2, content: [{ text: 'Title' }] });
  });
});

describe('isSafeHref: tracker content never becomes a script link', () => {
  it.each([
    'https://jira.example/browse/APP-1',
    'http://intranet/wiki',
    'HTTPS://JIRA.EXAMPLE/',
    'mailto:support@example.com',
    '  https://padded.example/',
  ])('%s is a link', (href) => {
    expect(isSafeHref(href)).toBe(true);
  });

  it.each([
    'javascript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD4=',
    'vbscript:msgbox',
    '//evil.example/',
    'see https://jira.example/',
    'xhttps://jira.example/',
    '',
  ])('%j is plain text', (href) => {
    expect(isSafeHref(href)).toBe(false);
  });
});
