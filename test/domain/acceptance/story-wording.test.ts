import { describe, expect, it } from 'vitest';
import { checkItem, parseAcceptanceRules, resolveTemplate } from '../../../src/domain/acceptance/index.ts';

const template = resolveTemplate(parseAcceptanceRules({}), { type: 'Story' });
const AC = '\nAC: the export lists 3 rows';
const verdictOf = (description: string, title = '') =>
  checkItem({ title, description: `${description}${AC}` }, template);
const names = (description: string, title = '') =>
  verdictOf(description, title).findings.map((f) => f.name);
const extra = (story: string) =>
  verdictOf(story).findings.find((f) => f.name === 'not-minimal')?.excerpt;

describe('sentences after the story sentence', () => {
  it.each([
    [
      'Excel is out of scope.',
      'As a clerk, I want to export invoices, so that I can file them. Excel is out of scope. Thanks!',
    ],
    [
      'Excel is out of scope.',
      'As a clerk, I want to export invoices, so that I can file them. Thanks! Excel is out of scope.',
    ],
    ['PDF only.', 'As a clerk, I want to export invoices, so that I can file them. PDF only.'],
    [
      'Excel is out of scope',
      'As a clerk, I want to export invoices, so that I can file them. Excel is out of scope',
    ],
    [
      'Excel is out of scope.',
      'As a clerk, I want to export invoices, so that I can file them. Excel is out of scope. 🙂',
    ],
  ])('quotes "%s"', (sentence, story) => {
    expect(extra(story)).toBe(sentence);
  });

  it('a story that ends in closing words of one word each has no extra', () => {
    expect(names('As a clerk, I want to export invoices, so that I can file them. Thanks! Cheers!')).toEqual(
      [],
    );
  });
});
