import { describe, expect, it } from 'vitest';
import { docToPlainText } from '../../../src/domain/doc.ts';
import { renderExplanation, renderScorecard } from '../../../src/domain/scoring/render.ts';
import { resolveScoringRules } from '../../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../../src/domain/scoring/score-item.ts';
import { makeItem } from './make-item.ts';

const rules = resolveScoringRules({});
const item = makeItem({ priority: 'High', estimate: { storyPoints: 3 } });
const evidence = [
  {
    ticketRef: 'SUP-7',
    url: 'https://help.example.com/tickets/7',
    title: 'Export fails',
    customerId: 'acme',
  },
  { ticketRef: 'SUP-9', customerId: 'globex' },
];
const result = scoreItem(
  { item, evidence, overrides: { confidence: { value: 0.8, by: 'Ana', at: '2025-05-06T08:00:00Z' } } },
  rules,
);

describe('renderScorecard', () => {
  it('shows the score, each input with its source, and the evidence', () => {
    expect(docToPlainText(renderScorecard(result, { itemUrl: item.url }))).toBe(
      [
        'Priority score: 2.1 (RICE)',
        'Item: https://example.atlassian.net/browse/ABC-1',
        'Input | Value | Source | How',
        'Reach | 2 | evidence | 2 linked tickets, 2 distinct customers → 2',
        'Impact | 4 | priority | priority High → 4',
        'Confidence | 80% | override | set to 80% by Ana on 2025-05-06',
        'Effort | 3 | estimate | 3 story points',
        'Evidence',
        '- SUP-7 (customer 1)',
        '- SUP-9 (customer 2)',
        'Set an input with /score impact=4 effort=3, see the formula with /score explain, drop overrides with /score clear.',
      ].join('\n'),
    );
  });

  it('links evidence tickets that have a URL', () => {
    const list = renderScorecard(result).blocks.find((block) => block.type === 'bulletList');
    expect(list?.type === 'bulletList' && list.items[0]?.[0]).toEqual({
      text: 'SUP-7',
      href: 'https://help.example.com/tickets/7',
    });
  });

  it('numbers customers in order, one number per customer whatever its case, and names no ticket title', () => {
    const shared = scoreItem(
      {
        item,
        evidence: [
          { ticketRef: 'SUP-1', title: 'Payroll leaks', customerId: 'Acme ' },
          { ticketRef: 'SUP-2' },
          { ticketRef: 'SUP-3', customerId: 'globex' },
          { ticketRef: 'SUP-4', customerId: 'acme' },
        ],
      },
      rules,
    );
    expect(
      docToPlainText(renderScorecard(shared))
        .split('\n')
        .filter((line) => line.startsWith('- ')),
    ).toEqual(['- SUP-1 (customer 1)', '- SUP-2', '- SUP-3 (customer 2)', '- SUP-4 (customer 1)']);
  });

  it('says that reach grows with tickets when there are none', () => {
    expect(docToPlainText(renderScorecard(scoreItem({ item }, rules)))).toContain(
      'No linked support tickets yet: reach grows as tickets are linked.',
    );
  });
});

describe('renderScorecard of a WSJF item', () => {
  it('names every input and says how each was found', () => {
    const wsjf = scoreItem(
      {
        item: makeItem({ labels: ['deadline'], estimate: { storyPoints: 2 } }),
        evidence: [{ ticketRef: 'SUP-3' }],
      },
      { ...rules, model: 'wsjf' },
    );
    const scorecard = renderScorecard(wsjf);
    expect(docToPlainText(scorecard).split('\n').slice(0, 8)).toEqual([
      'Priority score: 6 (WSJF)',
      'Input | Value | Source | How',
      expect.stringMatching(/^Business value \| 3 \| /),
      expect.stringMatching(/^Time criticality \| 8 \| label \| /),
      expect.stringMatching(/^Risk reduction \| 1 \| /),
      expect.stringMatching(/^Job size \| 2 \| estimate \| /),
      'Evidence',
      '- SUP-3',
    ]);
    expect(scorecard.blocks.map((block) => block.type)).toEqual([
      'heading',
      'table',
      'paragraph',
      'bulletList',
      'paragraph',
    ]);
  });
});

describe('renderExplanation', () => {
  it('shows the formula with the numbers, then where each came from', () => {
    expect(docToPlainText(renderExplanation(result))).toBe(
      [
        'How the RICE score of 2.1 is computed',
        'Score = Reach × Impact × Confidence ÷ Effort',
        '      = 2 × 4 × 80% ÷ 3 ≈ 2.1',
        '- Reach 2: 2 linked tickets, 2 distinct customers → 2',
        '- Impact 4: priority High → 4',
        '- Confidence 80%: set to 80% by Ana on 2025-05-06',
        '- Effort 3: 3 story points',
        'The score depends only on this item and its linked tickets, rounded to one decimal.',
      ].join('\n'),
    );
  });

  it('substitutes the numbers into the RICE formula', () => {
    const text = docToPlainText(renderExplanation(result));
    expect(text).toContain('Score = Reach × Impact × Confidence ÷ Effort\n      = 2 × 4 × 80% ÷ 3 ≈ 2.1');
    expect(text).toContain('- Impact 4: priority High → 4');
  });

  it('substitutes the numbers into the WSJF formula', () => {
    const wsjf = scoreItem(
      { item: makeItem({ labels: ['deadline'], estimate: { storyPoints: 2 } }) },
      {
        ...rules,
        model: 'wsjf',
      },
    );
    expect(docToPlainText(renderExplanation(wsjf))).toContain(
      'Score = (Business value + Time criticality + Risk reduction) ÷ Job size\n      = (3 + 8 + 1) ÷ 2 ≈ 6',
    );
  });
});
