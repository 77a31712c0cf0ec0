import { describe, expect, it } from 'vitest';
import { resolveScoringRules, type ScoringRules } from '../../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../../src/domain/scoring/score-item.ts';
import type { TrackerItem } from '../../../src/trackers/tracker.ts';
import { makeItem } from './make-item.ts';

const rules = resolveScoringRules({});
function effortOf(item: TrackerItem, r: ScoringRules = rules) {
  const result = scoreItem({ item }, r);
  if (result.model !== 'rice') throw new Error('expected RICE');
  return result.inputs.effort;
}
const lines = (n: number, make: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => make(i)).join('\n');

describe('effort from estimates', () => {
  it.each([
    [
      'story points win',
      { estimate: { storyPoints: 5, originalEstimateHours: 4 } },
      5,
      'estimate',
      '5 story points',
    ],
    [
      'story-point field when the board has no estimate',
      { estimate: { storyPoints: 0 }, fields: { 'Story points': 8 } },
      8,
      'field',
      'Story points 8',
    ],
    [
      'hours over hours per point',
      { fields: { 'Story points': -1 }, estimate: { originalEstimateHours: 12 } },
      1.5,
      'estimate',
      'original estimate 12h ÷ 8h per point → 1.5',
    ],
    [
      'a tiny estimate is at least a tenth of a point',
      { estimate: { originalEstimateHours: 0.25 } },
      0.1,
      'estimate',
      'original estimate 0.25h ÷ 8h per point → 0.1',
    ],
    [
      'a text story-point field counts as unset',
      { fields: { 'Story points': '3' }, labels: ['size:S'] },
      2,
      'label',
      'label size:S → 2',
    ],
    [
      'negative hours count as unset',
      { estimate: { originalEstimateHours: -4 }, labels: ['XL'] },
      8,
      'label',
      'label XL → 8',
    ],
  ] as const)('%s', (_name, patch, value, source, detail) => {
    expect(effortOf(makeItem(patch as Parameters<typeof makeItem>[0]))).toEqual({ value, source, detail });
  });

  it('uses the rules file’s story-point field and hours per point', () => {
    const custom = resolveScoringRules({ storyPointField: 'Points', hoursPerPoint: 4 });
    expect(effortOf(makeItem({ fields: { Points: 2 } }), custom)).toMatchObject({
      value: 2,
      detail: 'Points 2',
    });
    expect(effortOf(makeItem({ estimate: { originalEstimateHours: 6 } }), custom)).toMatchObject({
      value: 1.5,
    });
  });
});

describe('effort from t-shirt labels', () => {
  it.each([
    [['size-M'], 3, 'label size-M → 3'],
    [['Size/xl'], 8, 'label Size/xl → 8'],
    [[' size:L '], 5, 'label  size:L  → 5'],
    [['frontend', 'S'], 2, 'label S → 2'],
  ])('%j', (labels, value, detail) => {
    expect(effortOf(makeItem({ labels }))).toEqual({ value, source: 'label', detail });
  });

  it('ignores labels that only start like a size', () => {
    expect(effortOf(makeItem({ labels: ['size:huge', 'small'] }))).toMatchObject({ source: 'inferred' });
  });

  it('ignores a size behind a prefix the rules do not name', () => {
    expect(effortOf(makeItem({ labels: ['team:S', 'area-L'] }))).toMatchObject({ source: 'inferred' });
  });

  it('reads a prefix the rules file adds, in any case', () => {
    const custom = resolveScoringRules({ tshirtLabelPrefixes: ['T-Shirt '] });
    expect(effortOf(makeItem({ labels: ['t-shirt m'] }), custom)).toMatchObject({
      value: 3,
      source: 'label',
    });
    expect(effortOf(makeItem({ labels: ['M'] }), custom)).toMatchObject({ source: 'inferred' });
  });
});

describe('effort inferred from the text', () => {
  it.each([
    [
      '200 characters and 1 criterion still fit XS',
      `- one\n${'x'.repeat(194)}`,
      1,
      '200 characters, 1 criteria',
      'XS',
    ],
    ['201 characters are S', 'x'.repeat(201), 2, '201 characters, 0 criteria', 'S'],
    ['2 criteria are S', '- a\n- b', 2, '7 characters, 2 criteria', 'S'],
    [
      'numbered and Gherkin lines count',
      '1. a\n2) b\n  and c\nthen d\nGIVEN e',
      3,
      '32 characters, 5 criteria',
      'M',
    ],
    ['numbered lines past 9 count', '10. a\n11) b', 2, '11 characters, 2 criteria', 'S'],
    ['a dash inside a line is no bullet', 'a - b\nsee 1. c', 1, '14 characters, 0 criteria', 'XS'],
    ['bullets need a blank after them', '-a\n*b\n•c\n1.d\nthenx', 1, '18 characters, 0 criteria', 'XS'],
    [
      '11 criteria are beyond the last step',
      lines(11, (i) => `* c${i}`),
      8,
      '55 characters, 11 criteria',
      'XL',
    ],
  ])('%s', (_name, description, value, counts, size) => {
    expect(effortOf(makeItem({ description }))).toEqual({
      value,
      source: 'inferred',
      detail: `no estimate; inferred from size (${counts}) → ${size} → ${value}`,
    });
  });

  it('counts surrounding blanks out of the size', () => {
    expect(effortOf(makeItem({ description: `  ${'x'.repeat(200)}\n\n ` }))).toMatchObject({ value: 1 });
  });

  it('counts checklist items as criteria', () => {
    const checklists = [
      {
        name: 'AC',
        items: [
          { text: 'a', checked: false },
          { text: 'b', checked: true },
        ],
      },
      { name: 'QA', items: [{ text: 'c', checked: false }] },
    ];
    expect(effortOf(makeItem({ checklists })).detail).toContain('(0 characters, 3 criteria) → S');
  });

  it('takes the largest size when a size the steps name is not in the size table', () => {
    const custom = resolveScoringRules({ tshirtSizes: { S: 2, XXL: 13 }, largestSize: 'XXL' });
    expect(effortOf(makeItem(), custom)).toMatchObject({
      value: 13,
      detail: expect.stringContaining('→ XS → 13'),
    });
  });
});
