import { describe, expect, it } from 'vitest';
import { resolveScoringRules } from '../../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../../src/domain/scoring/score-item.ts';
import type { WsjfResult } from '../../../src/domain/scoring/types.ts';
import type { TrackerItem } from '../../../src/trackers/tracker.ts';
import { makeItem } from './make-item.ts';

const rules = resolveScoringRules({
  model: 'wsjf',
  wsjf: { businessValue: { labels: { 'key-account': 13, revenue: 8 } } },
});

function wsjf(item: TrackerItem): WsjfResult {
  const result = scoreItem({ item }, rules);
  if (result.model !== 'wsjf') throw new Error('expected WSJF');
  return result;
}

const sized = (patch: Parameters<typeof makeItem>[0]) => makeItem({ estimate: { storyPoints: 1 }, ...patch });

describe('WSJF components', () => {
  it.each([
    [
      'a number field wins over labels',
      { 'Time criticality': 3 },
      ['deadline'],
      3,
      'field',
      'Time criticality 3',
    ],
    [
      'zero in the field is a value',
      { 'Time criticality': 0 },
      ['deadline'],
      0,
      'field',
      'Time criticality 0',
    ],
    [
      'a negative field counts as unset',
      { 'Time criticality': -2 },
      ['urgent'],
      8,
      'label',
      'label urgent → 8',
    ],
    ['a text field counts as unset', { 'Time criticality': '5' }, [], 1, 'default', 'not set → 1'],
    [
      'an infinite field counts as unset',
      { 'Time criticality': Number.POSITIVE_INFINITY },
      [],
      1,
      'default',
      'not set → 1',
    ],
    ['a label in any case', {}, ['Time-Critical'], 8, 'label', 'label Time-Critical → 8'],
    ['neither field nor label', {}, ['frontend'], 1, 'default', 'not set → 1'],
  ] as const)('time criticality: %s', (_name, fields, labels, value, source, detail) => {
    expect(wsjf(sized({ fields, labels: [...labels] })).inputs.timeCriticality).toEqual({
      value,
      source,
      detail,
    });
  });

  it.each([
    [['tech-debt', 'security', 'enabler'], 8, 'label security → 8'],
    [['enabler', 'tech-debt'], 5, 'label enabler → 5'],
    [['tech-debt', 'enabler'], 5, 'label enabler → 5'],
  ])('risk reduction takes the highest of the labels %j', (labels, value, detail) => {
    expect(wsjf(sized({ labels })).inputs.riskReduction).toEqual({ value, source: 'label', detail });
  });

  it('a tie between labels goes to the first one', () => {
    const tied = resolveScoringRules({
      model: 'wsjf',
      wsjf: { riskReduction: { labels: { a1: 5, b2: 5 } } },
    });
    const result = scoreItem({ item: sized({ labels: ['b2', 'a1'] }) }, tied);
    expect(result.inputs).toMatchObject({ riskReduction: { detail: 'label b2 → 5' } });
  });

  it.each([
    ['its own field', { fields: { 'Business value': 21 } }, 21, 'field', 'Business value 21'],
    [
      'its own labels, the highest',
      { labels: ['revenue', 'key-account'] },
      13,
      'label',
      'label key-account → 13',
    ],
    ['else the impact', { priority: 'High' }, 4, 'priority', 'impact: priority High → 4'],
    ['else the default impact', {}, 3, 'default', 'impact: nothing mapped → 3'],
  ])('business value from %s', (_name, patch, value, source, detail) => {
    expect(wsjf(sized(patch)).inputs.businessValue).toEqual({ value, source, detail });
  });

  it('overrides of business value and risk reduction say who set them', () => {
    const by = { by: 'Bo', at: '2025-01-01T00:00:00.000Z' };
    const result = scoreItem(
      {
        item: sized({ fields: { 'Business value': 21 }, labels: ['security'] }),
        overrides: { businessValue: { value: 2, ...by }, riskReduction: { value: 3, ...by } },
      },
      rules,
    );
    expect(result.inputs).toMatchObject({
      businessValue: { value: 2, source: 'override', by: 'Bo' },
      riskReduction: { value: 3, source: 'override', by: 'Bo' },
    });
    expect(result.score).toBe(6);
  });
});
