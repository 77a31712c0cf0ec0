import { describe, expect, it } from 'vitest';
import { isSameScore, scoreFieldValues } from '../../../src/domain/scoring/field-values.ts';
import { resolveScoringRules } from '../../../src/domain/scoring/rules.ts';
import { scoreItem } from '../../../src/domain/scoring/score-item.ts';
import type { Evidence, Overrides } from '../../../src/domain/scoring/types.ts';
import { makeItem } from './make-item.ts';

const rules = resolveScoringRules({ fields: { score: 'RICE' } });
const item = makeItem({ priority: 'High', estimate: { storyPoints: 2 } });

describe('scoreFieldValues', () => {
  it('writes every RICE input under the configured field names, confidence in percent', () => {
    expect(scoreFieldValues(scoreItem({ item, evidence: [{ ticketRef: 'SUP-1' }] }, rules), rules)).toEqual({
      RICE: 2,
      Reach: 1,
      Impact: 4,
      Confidence: 100,
      Effort: 2,
    });
  });

  it('writes score and job size for WSJF', () => {
    const wsjf = { ...rules, model: 'wsjf' as const };
    expect(scoreFieldValues(scoreItem({ item }, wsjf), wsjf)).toEqual({ RICE: 3, Effort: 2 });
  });
});

describe('isSameScore', () => {
  const base = scoreItem({ item, evidence: [{ ticketRef: 'SUP-1' }] }, rules);
  it.each([
    [
      'an unrelated edit',
      { ...item, title: 'Renamed', updatedAt: '2025-02-02' },
      [{ ticketRef: 'SUP-1' }],
      true,
    ],
    ['a new ticket with the same reach', item, [{ ticketRef: 'SUP-1', customerId: 'a' }], false],
    ['a re-estimate', { ...item, estimate: { storyPoints: 3 } }, [{ ticketRef: 'SUP-1' }], false],
  ])('%s → %s', (_name, changed, evidence, same) => {
    expect(isSameScore(base, scoreItem({ item: changed, evidence }, rules))).toBe(same);
  });
});

describe('isSameScore: what the scorecard shows', () => {
  const ticket = {
    ticketRef: 'SUP-1',
    url: 'https://help.example/SUP-1',
    title: 'Cannot export',
    customerId: 'acme',
  };
  const ana = { impact: { value: 4, by: 'Ana', at: '2025-03-04T10:00:00.000Z' } };
  const scored = (evidence: Evidence[], overrides: Overrides = ana) =>
    scoreItem({ item, evidence, overrides }, rules);

  it.each<[string, Evidence[], Overrides, boolean]>([
    ['the same ticket read again', [{ ...ticket }], ana, true],
    ['a renamed ticket', [{ ...ticket, title: 'Cannot export CSV' }], ana, false],
    [
      'a ticket that lost its URL',
      [{ ticketRef: 'SUP-1', title: 'Cannot export', customerId: 'acme' }],
      ana,
      false,
    ],
    ['a ticket of another customer', [{ ...ticket, customerId: 'globex' }], ana, false],
    ['the same value set by someone else', [ticket], { impact: { ...ana.impact, by: 'Bo' } }, false],
    ['the same value from the priority instead of a person', [ticket], {}, false],
  ])('%s → %s', (_name, evidence, overrides, same) => {
    expect(isSameScore(scored([ticket]), scored(evidence, overrides))).toBe(same);
  });
});
