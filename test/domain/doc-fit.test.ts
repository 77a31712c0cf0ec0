import { describe, expect, it } from 'vitest';
import {
  bulletList,
  type Doc,
  doc,
  docToPlainText,
  heading,
  orderedList,
  paragraph,
  table,
} from '../../src/domain/doc.ts';
import { endsCut, fitDoc, fitLines } from '../../src/domain/doc-fit.ts';
import { fitMarkdown } from '../../src/trackers/trello/markdown-render.ts';

const overflow = { url: 'https://jira.example/browse/APP-7', limit: 'Jira stops at 32,767 characters' };

/** A tracker whose limit is a number of plain-text lines (the notice is one of them). */
const maxLines = (limit: number) => (candidate: Doc) => docToPlainText(candidate).split('\n').length <= limit;

const summary = doc(
  heading(3, 'Sprint 14'),
  paragraph('Delivered 5 of 7 items.'),
  bulletList(['APP-1 Checkout', 'APP-2 Refunds', 'APP-3 Invoices', 'APP-4 Search']),
  table(
    ['Item', 'Points'],
    [
      ['APP-5', '3'],
      ['APP-6', '5'],
      ['APP-7', '8'],
    ],
  ),
  orderedList(['Carry over APP-8', 'Split APP-9']),
  paragraph('Next review on Friday.'),
);

const fitted = (limit: number) => docToPlainText(fitDoc(summary, maxLines(limit), overflow)).split('\n');
const notice = (hidden: number) =>
  `… ${hidden} more ${hidden === 1 ? 'line' : 'lines'} not shown (Jira stops at 32,767 characters). Read the full text.`;

describe('fitDoc: a post longer than the tracker takes', () => {
  it('is sent whole when it fits', () => {
    expect(fitDoc(summary, () => true, overflow)).toBe(summary);
  });

  it('keeps the longest head that fits, cut inside a list, and says how much is hidden and where', () => {
    const cut = fitDoc(summary, maxLines(5), overflow);

    expect(docToPlainText(cut).split('\n')).toEqual([
      'Sprint 14',
      'Delivered 5 of 7 items.',
      '- APP-1 Checkout',
      '- APP-2 Refunds',
      notice(8),
    ]);
    expect(cut.blocks.map((block) => block.type)).toEqual([
      'heading',
      'paragraph',
      'bulletList',
      'paragraph',
    ]);
    expect(cut.blocks.at(-1)).toMatchObject({
      type: 'paragraph',
      content: expect.arrayContaining([
        { text: 'Read the full text', href: 'https://jira.example/browse/APP-7' },
      ]),
    });
  });

  it('cuts a table row by row, under its header', () => {
    expect(fitted(9)).toEqual([
      'Sprint 14',
      'Delivered 5 of 7 items.',
      '- APP-1 Checkout',
      '- APP-2 Refunds',
      '- APP-3 Invoices',
      '- APP-4 Search',
      'Item | Points',
      'APP-5 | 3',
      notice(5),
    ]);
  });

  it('cuts a numbered list item by item, and drops whatever follows the cut', () => {
    expect(fitted(12)).toEqual([
      'Sprint 14',
      'Delivered 5 of 7 items.',
      '- APP-1 Checkout',
      '- APP-2 Refunds',
      '- APP-3 Invoices',
      '- APP-4 Search',
      'Item | Points',
      'APP-5 | 3',
      'APP-6 | 5',
      'APP-7 | 8',
      '1. Carry over APP-8',
      notice(2),
    ]);
  });

  it('a cut right after a whole block starts nothing of the next one', () => {
    expect(fitted(7)).toEqual([
      'Sprint 14',
      'Delivered 5 of 7 items.',
      '- APP-1 Checkout',
      '- APP-2 Refunds',
      '- APP-3 Invoices',
      '- APP-4 Search',
      notice(6),
    ]);
    expect(fitted(3)).toEqual(['Sprint 14', 'Delivered 5 of 7 items.', notice(10)]);
  });

  it('one hidden line is "1 more line"', () => {
    const withoutLastLine = (candidate: Doc) => !docToPlainText(candidate).includes('Next review');

    expect(
      docToPlainText(fitDoc(summary, withoutLastLine, overflow))
        .split('\n')
        .slice(-2),
    ).toEqual(['2. Split APP-9', notice(1)]);
  });

  it('cut again (a comment renamed in place), says in one notice how many lines both cuts hid', () => {
    const once = fitDoc(summary, maxLines(7), overflow);

    expect(docToPlainText(fitDoc(once, maxLines(4), overflow)).split('\n')).toEqual([
      'Sprint 14',
      'Delivered 5 of 7 items.',
      '- APP-1 Checkout',
      notice(9),
    ]);
  });

  it('when nothing but the notice fits, the notice alone', () => {
    expect(fitted(1)).toEqual([notice(12)]);
    expect(docToPlainText(fitDoc(summary, () => false, overflow))).toBe(notice(12));
  });
});

describe('fitLines: a Markdown description cut line by line', () => {
  const text = ['## Acceptance criteria', '- Given a cart', '- When I pay', '- Then I get an invoice'].join(
    '\n',
  );
  const hiddenNotice = (hidden: number) => `+${hidden}`;
  const within = (limit: number) => (candidate: string) => candidate.length <= limit;

  it('is kept whole when it fits', () => {
    expect(fitLines(text, within(74), hiddenNotice)).toBe(text);
  });

  it('keeps the longest head of lines that fits, then a blank line and the notice', () => {
    expect(fitLines(text, within(45), hiddenNotice)).toBe('## Acceptance criteria\n- Given a cart\n\n+2');
    expect(fitLines(text, within(60), hiddenNotice)).toBe(
      '## Acceptance criteria\n- Given a cart\n- When I pay\n\n+1',
    );
  });

  it('counts no blank line as hidden; cut again, says in one notice how many lines both cuts hid', () => {
    const notes = `${text}\n\n## Notes\n- Ship it`;
    const lines = (limit: number) => (candidate: string) => candidate.split('\n').length <= limit;
    const once = fitLines(notes, lines(6), notice);

    expect(once.split('\n')).toEqual([...text.split('\n'), '', notice(2)]);
    expect(fitLines(once, lines(4), notice).split('\n')).toEqual([
      '## Acceptance criteria',
      '- Given a cart',
      '',
      notice(4),
    ]);
  });

  // An author's own last line may read like a notice: a count of 400 digits is no count the service wrote.
  it('takes a notice-like last line with an unbounded count for text, not for the lines an earlier cut hid', () => {
    const fake = `… ${'9'.repeat(400)} more lines not shown (`;
    const lines = (limit: number) => (candidate: string) => candidate.split('\n').length <= limit;

    expect(fitLines(`${text}\n${fake}`, lines(4), hiddenNotice).split('\n')).toEqual([
      '## Acceptance criteria',
      '- Given a cart',
      '',
      '+3',
    ]);
  });

  it('when no line fits, the notice alone', () => {
    expect(fitLines(text, () => false, hiddenNotice)).toBe('\n+4');
  });
});

describe('endsCut: a text the service cut before, as a tracker gives it back', () => {
  it('is one that ends with the notice, rendered as Markdown or not, and no other', () => {
    const long = Array.from({ length: 3000 }, (_, n) => `- Step ${n + 1}: move the invoices`).join('\n');
    const cut = fitMarkdown(long, 'https://trello.com/c/AbCd1234');
    expect(endsCut(cut)).toBe(true);
    expect(endsCut(`${cut}\n\n`)).toBe(true);
    expect(endsCut(docToPlainText(fitDoc(summary, maxLines(4), overflow)))).toBe(true);
    expect(endsCut(`${cut}\n\n## Notes`)).toBe(false);
    expect(endsCut(long)).toBe(false);
    expect(endsCut('')).toBe(false);
  });
});
