import { describe, expect, it } from 'vitest';
import { adfToPlainText } from '../../../src/trackers/jira/adf-text.ts';
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
    ['code block', d({ type: 'codeBlock', content: [t('a\nb')] }), 'a\nb'],
    ['rule', d({ type: 'rule' }), '---'],
    ['empty doc', d(), ''],
  ])('%s', (_, input, expected) => {
    expect(adfToPlainText(input)).toBe(expected);
  });

  it('answers empty text for a missing description', () => {
    expect(adfToPlainText(null)).toBe('');
  });
});
