import { describe, expect, it } from 'vitest';
import { adfDescriptionText, adfToPlainText } from '../../../src/trackers/jira/adf-text.ts';
import type { AdfNode } from '../../../src/trackers/jira/adf-types.ts';

const t = (text: string) => ({ type: 'text', text });
const p = (...content: object[]) => ({ type: 'paragraph', content });
const li = (...content: object[]) => ({ type: 'listItem', content });
const d = (...content: object[]): AdfNode => ({ type: 'doc', content: content as AdfNode[] });

describe('adfToPlainText', () => {
  it.each([
    ['paragraphs as lines', d(p(t('Given a user')), p(t('When ...'))), 'Given a user\nWhen ...'],
    ['heading', d({ type: 'heading', attrs: { level: 3 }, content: [t('AC')] }), 'AC'],
    ['hard break', d(p(t('a'), { type: 'hardBreak' }, t('b'))), 'a\nb'],
    ['bullets', d({ type: 'bulletList', content: [li(p(t('x'))), li(p(t('y')))] }), '- x\n- y'],
    [
      'nested list',
      d({ type: 'bulletList', content: [li(p(t('x')), { type: 'orderedList', content: [li(p(t('y')))] })] }),
      '- x\n  1. y',
    ],
    ['ordered from 3', d({ type: 'orderedList', attrs: { order: 3 }, content: [li(p(t('x')))] }), '3. x'],
    ['mention', d(p({ type: 'mention', attrs: { id: 'abc', text: '@Dana' } }, t(' hi'))), '@Dana hi'],
    ['inline card', d(p({ type: 'inlineCard', attrs: { url: 'https://x.test/1' } })), 'https://x.test/1'],
    ['panel content', d({ type: 'panel', attrs: { panelType: 'info' }, content: [p(t('note'))] }), 'note'],
    [
      'action items, one line each whatever runs they hold',
      d({
        type: 'taskList',
        content: [
          {
            type: 'taskItem',
            content: [t('Given a '), { ...t('cart'), marks: [{ type: 'strong' }] }, t(', then')],
          },
          {
            type: 'taskItem',
            content: [{ type: 'emoji', attrs: { shortName: ':tada:', text: '🎉' } }, t(' done')],
          },
        ],
      }),
      'Given a cart, then\n🎉 done',
    ],
    [
      'decisions',
      d({ type: 'decisionList', content: [{ type: 'decisionItem', content: [t('Use '), t('Stripe')] }] }),
      'Use Stripe',
    ],
    [
      'expand with its title as a heading line',
      d({ type: 'expand', attrs: { title: 'Steps to reproduce' }, content: [p(t('Open the cart'))] }),
      'Steps to reproduce\nOpen the cart',
    ],
    ['expand without a title', d({ type: 'nestedExpand', attrs: { title: '' }, content: [p(t('x'))] }), 'x'],
    ['code block', d({ type: 'codeBlock', content: [t('a\nb')] }), 'a\nb'],
    ['rule', d({ type: 'rule' }), '---'],
    ['empty doc', d(), ''],
  ])('%s', (_, input, expected) => {
    expect(adfToPlainText(input)).toBe(expected);
  });

  it('answers empty text for a missing description', () => {
    expect(adfToPlainText(null)).toBe('');
  });

  it('marks the headings of a description with their level, one # deeper than Markdown', () => {
    const heading = (text: string) => ({ type: 'heading', attrs: { level: 1 }, content: [t(text)] });

    expect(adfDescriptionText(d(heading('Acceptance criteria'), p(t('Given x')), heading('Notes')))).toBe(
      '## Acceptance criteria\nGiven x\n## Notes',
    );
    expect(adfDescriptionText(d({ type: 'heading', attrs: { level: 3 }, content: [t('Happy path')] }))).toBe(
      '#### Happy path',
    );
    expect(adfDescriptionText(d({ type: 'heading', attrs: { level: 2 } }))).toBe('');
  });
});

describe('adfToPlainText on malformed nodes (issue 12, item 5)', () => {
  const date = (timestamp: unknown) => d(p(t('due '), { type: 'date', attrs: { timestamp } }));

  it.each([
    ['a date a person typed', date('next friday'), 'due next friday'],
    ['a date as a number', date(1_767_225_600_000), 'due 2026-01-01'],
    ['a date without timestamp', date(undefined), 'due '],
    ['a date of an object', date({}), 'due '],
    ['content that is not a list', d({ type: 'paragraph', content: 'text' } as unknown as AdfNode), ''],
    ['null and string nodes', d(p(null as unknown as AdfNode, 'x' as unknown as AdfNode, t('ok'))), 'ok'],
    ['attrs of null', d(p({ type: 'mention', attrs: null } as unknown as AdfNode, t('hi'))), 'hi'],
    ['text of a number', d(p({ type: 'text', text: 5 } as unknown as AdfNode)), ''],
    [
      'list order of a string',
      d({ type: 'orderedList', attrs: { order: 'x' }, content: [li(p(t('a')))] }),
      '1. a',
    ],
  ])('%s degrades to text', (_, input, expected) => {
    expect(adfToPlainText(input)).toBe(expected);
  });

  it('marks code and quotes for the command parser when asked', () => {
    const document = d(
      { type: 'codeBlock', content: [t('/score')] },
      { type: 'blockquote', content: [p(t('/link ABC-1'))] },
      p(t('/help')),
    );

    expect(adfToPlainText(document, { markCodeAndQuotes: true })).toBe(
      '```\n/score\n```\n> /link ABC-1\n/help',
    );
  });
});
