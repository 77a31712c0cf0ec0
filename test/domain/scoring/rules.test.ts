import { describe, expect, it } from 'vitest';
import { resolveScoringRules } from '../../../src/domain/scoring/rules.ts';

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('resolveScoringRules', () => {
  it('makes an empty rules file complete', () => {
    const rules = resolveScoringRules({});
    expect(rules).toMatchObject({
      model: 'rice',
      fields: {
        impact: 'Impact',
        effort: 'Effort',
        score: 'Priority score',
        reach: 'Reach',
        confidence: 'Confidence',
      },
      defaultReach: 1,
      createMissingTrelloFields: false,
    });
    expect(rules.tshirtSizes).toEqual({ XS: 1, S: 2, M: 3, L: 5, XL: 8 });
    expect(rules.triggerFields).toEqual([]);
    expect(rules.customerFields).toEqual(['Organizations', 'Organization', 'Customer']);
  });

  it('keeps what the file sets and fills the rest', () => {
    const rules = resolveScoringRules({ model: 'wsjf', fields: { score: 'WSJF' }, labelImpact: { vip: 5 } });
    expect(rules.fields).toMatchObject({ score: 'WSJF', impact: 'Impact' });
    expect(rules.labelImpact).toEqual({ vip: 5 });
    expect(rules.model).toBe('wsjf');
  });

  it.each([
    [{ model: 'ice' }, /model/],
    [{ priorityImpact: { High: 7 } }, /priorityImpact/],
    [{ wsjf: { timeCriticality: { labels: { deadline: -8 } } } }, /wsjf\/timeCriticality\/labels/],
    [{ wsjf: { businessValue: { labels: { vip: -1 } } } }, /wsjf\/businessValue\/labels/],
    [{ tshirtSizes: { XS: 0 } }, /tshirtSizes/],
    [{ inferredSizes: [{ maxChars: -1, maxCriteria: 1, size: 'XS' }] }, /inferredSizes\/0\/maxChars/],
    [{ inferredSizes: [{ maxChars: 100, maxCriteria: -1, size: 'XS' }] }, /inferredSizes\/0\/maxCriteria/],
    [{ triggerFields: [''] }, /triggerFields/],
    [{ customerFields: [''] }, /customerFields/],
  ])('rejects %j', (input, path) => {
    expect(JSON.stringify(errorOf(() => resolveScoringRules(input)).cause)).toMatch(path);
  });
});
