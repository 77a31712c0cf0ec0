import { describe, expect, it } from 'vitest';
import { resolveScoringRules } from '../../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../../src/domain/scoring/score-item.ts';
import type { Evidence, Overrides, RiceResult } from '../../../src/domain/scoring/types.ts';
import type { TrackerItem } from '../../../src/trackers/tracker.ts';
import { makeItem } from './make-item.ts';

const rules = resolveScoringRules({});
const sized = makeItem({ estimate: { storyPoints: 2 }, priority: 'High' });

function rice(item: TrackerItem, evidence: Evidence[] = [], overrides: Overrides = {}): RiceResult {
  const result = scoreItem({ item, evidence, overrides }, rules);
  if (result.model !== 'rice') throw new Error('expected RICE');
  return result;
}

describe('RICE score', () => {
  it.each([
    ['no evidence, no estimate: defaults, low confidence', makeItem(), [], 1.5],
    ['one ticket, 2 points, High priority', sized, [{ ticketRef: 'SUP-1' }], 2],
    [
      'three tickets from two customers',
      sized,
      [
        { ticketRef: 'SUP-1', customerId: 'acme' },
        { ticketRef: 'SUP-2', customerId: 'ACME' },
        { ticketRef: 'SUP-3', customerId: 'globex' },
      ],
      4,
    ],
    ['a ticket listed twice counts once', sized, [{ ticketRef: 'SUP-1' }, { ticketRef: 'sup-1' }], 2],
    [
      'tickets without customer count individually',
      sized,
      [{ ticketRef: 'SUP-1' }, { ticketRef: 'SUP-2' }],
      4,
    ],
  ] as const)('%s → %d', (_name, item, evidence, expected) => {
    expect(rice(item, [...evidence]).score).toBe(expected);
  });
});

describe('reach', () => {
  it('says how it was counted', () => {
    const { reach } = rice(sized, [
      { ticketRef: 'SUP-1', customerId: 'acme' },
      { ticketRef: 'SUP-2', customerId: 'acme' },
      { ticketRef: 'SUP-3' },
    ]).inputs;
    expect(reach).toEqual({
      value: 2,
      source: 'evidence',
      detail: '3 linked tickets, 1 distinct customer, 1 without customer → 2',
    });
  });

  it('falls back to the rules default so an item without tickets still scores', () => {
    expect(rice(sized).inputs.reach).toEqual({
      value: 1,
      source: 'default',
      detail: 'no linked tickets → 1',
    });
  });

  it.each<[string, Evidence[], number, string]>([
    [
      'the same ticket linked twice, written differently',
      [{ ticketRef: 'SUP-1' }, { ticketRef: 'sup-1 ' }],
      1,
      '1 linked ticket → 1',
    ],
    [
      'tickets without customers',
      [{ ticketRef: 'SUP-1' }, { ticketRef: 'SUP-2' }],
      2,
      '2 linked tickets → 2',
    ],
    [
      'one customer however its id is written',
      [
        { ticketRef: 'SUP-1', customerId: 'Acme' },
        { ticketRef: 'SUP-2', customerId: ' acme' },
      ],
      1,
      '2 linked tickets, 1 distinct customer → 1',
    ],
  ])('%s', (_name, evidence, value, detail) => {
    expect(rice(sized, evidence).inputs.reach).toEqual({ value, source: 'evidence', detail });
  });
});

describe('impact', () => {
  it.each([
    ['priority', makeItem({ priority: 'High' }), 4, 'priority', 'priority High → 4'],
    ['priority, any case', makeItem({ priority: 'highest' }), 5, 'priority', 'priority highest → 5'],
    ['severity field', makeItem({ fields: { Severity: 'Critical' } }), 5, 'field', 'Severity Critical → 5'],
    ['issue type', makeItem({ type: 'Sub-task' }), 1, 'type', 'type Sub-task → 1'],
    ['label', makeItem({ labels: ['Security'] }), 5, 'label', 'label Security → 5'],
    [
      'keyword in title',
      makeItem({ title: 'Export causes data loss' }),
      5,
      'keyword',
      'keyword "data loss" → 5',
    ],
    ['keyword needs a whole word', makeItem({ title: 'Crashed build' }), 3, 'default', 'nothing mapped → 3'],
    ['nothing mapped', makeItem(), 3, 'default', 'nothing mapped → 3'],
    [
      'strongest signal wins over a default Medium priority',
      makeItem({ priority: 'Medium', labels: ['security'] }),
      5,
      'label',
      'label security → 5 (also: priority Medium → 3)',
    ],
    [
      'a tie goes to the explicit field',
      makeItem({ priority: 'High', fields: { Severity: 'Major' } }),
      4,
      'field',
      'Severity Major → 4 (also: priority High → 4)',
    ],
    [
      'every other signal named',
      makeItem({ priority: 'Medium', labels: ['security'], type: 'Bug' }),
      5,
      'label',
      'label security → 5 (also: priority Medium → 3, type Bug → 3)',
    ],
    [
      'a severity field that is not text is ignored',
      makeItem({ priority: 'Low', fields: { Severity: 4 } }),
      2,
      'priority',
      'priority Low → 2',
    ],
  ] as const)('%s', (_name, item, value, source, detail) => {
    expect(rice(item).inputs.impact).toEqual({ value, source, detail });
  });
});

describe('effort', () => {
  const longText = 'x'.repeat(1000);
  it.each([
    ['story points', makeItem({ estimate: { storyPoints: 5, originalEstimateHours: 4 } }), 5, 'estimate'],
    ['story-point field', makeItem({ fields: { 'Story points': 8 } }), 8, 'field'],
    ['original estimate in hours', makeItem({ estimate: { originalEstimateHours: 20 } }), 2.5, 'estimate'],
    ['t-shirt label', makeItem({ labels: ['size:L'] }), 5, 'label'],
    ['bare t-shirt label', makeItem({ labels: ['xs'] }), 1, 'label'],
    ['zero points count as unset', makeItem({ estimate: { storyPoints: 0 }, labels: ['M'] }), 3, 'label'],
    ['inferred: empty description', makeItem(), 1, 'inferred'],
    ['inferred: medium description', makeItem({ description: longText }), 3, 'inferred'],
    [
      'inferred: many criteria',
      makeItem({ description: Array.from({ length: 8 }, (_, i) => `- criterion ${i}`).join('\n') }),
      5,
      'inferred',
    ],
    ['inferred: huge description', makeItem({ description: 'y'.repeat(5000) }), 8, 'inferred'],
  ] as const)('%s → %d', (_name, item, value, source) => {
    expect(rice(item).inputs.effort).toMatchObject({ value, source });
  });

  it('explains an inferred size', () => {
    const item = makeItem({
      description: 'Given a user\nWhen they log in\nThen they see the dashboard',
      checklists: [{ name: 'AC', items: [{ text: 'works offline', checked: false }] }],
    });
    expect(rice(item).inputs.effort.detail).toBe(
      'no estimate; inferred from size (57 characters, 4 criteria) → M → 3',
    );
  });
});

describe('confidence', () => {
  it.each([
    ['everything set', sized, [{ ticketRef: 'SUP-1' }], 1, 'least certain input: reach from evidence → 100%'],
    ['reach defaulted', sized, [], 0.5, 'least certain input: reach from default → 50%'],
    [
      'impact from issue type',
      makeItem({ type: 'Story', estimate: { storyPoints: 1 } }),
      [{ ticketRef: 'SUP-1' }],
      0.8,
      'least certain input: impact from type → 80%',
    ],
  ] as const)('%s', (_name, item, evidence, value, detail) => {
    expect(rice(item, [...evidence]).inputs.confidence).toMatchObject({ value, detail });
  });
});

describe('overrides', () => {
  const by = { by: 'Ana Lima', at: '2025-03-04T10:00:00.000Z' };
  it('win over inferred values and say who set them', () => {
    const result = rice(makeItem({ priority: 'Low' }), [], {
      impact: { value: 5, ...by },
      effort: { value: 2, ...by },
      reach: { value: 10, ...by },
      confidence: { value: 0.9, ...by },
    });
    expect(result.inputs.impact).toEqual({
      value: 5,
      source: 'override',
      detail: 'set to 5 by Ana Lima on 2025-03-04',
      by: 'Ana Lima',
    });
    expect(result.inputs.confidence.detail).toBe('set to 90% by Ana Lima on 2025-03-04');
    expect(result.score).toBe(22.5);
  });

  it('count as trusted when confidence is computed', () => {
    const result = rice(makeItem({ priority: 'Low' }), [], {
      reach: { value: 3, ...by },
      effort: { value: 1, ...by },
    });
    expect(result.inputs.confidence).toMatchObject({ value: 1 });
  });
});

describe('WSJF', () => {
  const wsjf = resolveScoringRules({ model: 'wsjf' });
  it.each([
    [
      'defaults: impact as business value',
      makeItem({ priority: 'High', estimate: { storyPoints: 3 } }),
      2,
      4,
    ],
    [
      'fields and labels',
      makeItem({
        fields: { 'Business value': 8 },
        labels: ['deadline', 'enabler'],
        estimate: { storyPoints: 7 },
      }),
      3,
      8,
    ],
  ] as const)('%s', (_name, item, score, businessValue) => {
    const result = scoreItem({ item }, wsjf);
    expect(result).toMatchObject({
      model: 'wsjf',
      score,
      inputs: { businessValue: { value: businessValue } },
    });
  });

  it('takes overrides for its own inputs and effort as job size', () => {
    const by = { by: 'Bo', at: '2025-01-01' };
    const result = scoreItem(
      { item: makeItem(), overrides: { timeCriticality: { value: 13, ...by }, effort: { value: 5, ...by } } },
      wsjf,
    );
    expect(result.score).toBe(3.4);
    expect(result.inputs).toMatchObject({
      timeCriticality: { source: 'override' },
      jobSize: { source: 'override' },
    });
  });
});
