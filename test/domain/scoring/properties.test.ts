import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSameScore } from '../../../src/domain/scoring/field-values.ts';
import { resolveScoringRules } from '../../../src/domain/scoring/rules.ts';
import { scoreItem, scoreItems } from '../../../src/domain/scoring/score-item.ts';
import type { Evidence, OverrideName, ScoreInput, ScoreRequest } from '../../../src/domain/scoring/types.ts';
import { makeItem } from './make-item.ts';

const models = [resolveScoringRules({ model: 'rice' }), resolveScoringRules({ model: 'wsjf' })];
const runs = { numRuns: 200 };

const item = fc
  .record({
    key: fc.integer({ min: 1, max: 999 }).map((n) => `ABC-${n}`),
    priority: fc.option(fc.constantFrom('Highest', 'High', 'Medium', 'Low', 'Trivia'), { nil: undefined }),
    type: fc.option(fc.constantFrom('Bug', 'Story', 'Task', 'Epic'), { nil: undefined }),
    labels: fc.subarray(['security', 'size:M', 'XL', 'deadline', 'enabler', 'ux']),
    title: fc.constantFrom('Login crash', 'Improve export', 'Data loss on save', 'Typo'),
    description: fc.string({ maxLength: 400 }),
    estimate: fc.record(
      {
        storyPoints: fc.integer({ min: 0, max: 13 }),
        originalEstimateHours: fc.integer({ min: 1, max: 80 }),
      },
      { requiredKeys: [] },
    ),
  })
  .map((patch) => makeItem(patch));

const ticket: fc.Arbitrary<Evidence> = fc.record(
  {
    ticketRef: fc.integer({ min: 1, max: 30 }).map((n) => `SUP-${n}`),
    customerId: fc.constantFrom('acme', 'globex', 'initech', 'umbrella'),
  },
  { requiredKeys: ['ticketRef'] },
);
const evidence = fc.array(ticket, { maxLength: 8 });
const rules = fc.constantFrom(...models);

describe('score properties', () => {
  it('more evidence never lowers the score', () => {
    fc.assert(
      fc.property(rules, item, evidence, evidence, (r, i, some, more) => {
        const before = scoreItem({ item: i, evidence: some }, r).score;
        expect(scoreItem({ item: i, evidence: [...some, ...more] }, r).score).toBeGreaterThanOrEqual(before);
      }),
      runs,
    );
  });

  it('more effort never raises the score', () => {
    const effort = fc.double({ min: 0.1, max: 100, noNaN: true });
    fc.assert(
      fc.property(rules, item, evidence, effort, effort, (r, i, e, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const at = (value: number) =>
          scoreItem({ item: i, evidence: e, overrides: { effort: { value, by: 'p', at: '2025-01-01' } } }, r)
            .score;
        expect(at(high)).toBeLessThanOrEqual(at(low));
      }),
      runs,
    );
  });

  it('more story points never raise the score', () => {
    fc.assert(
      fc.property(
        rules,
        item,
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (r, i, p, extra) => {
          const at = (storyPoints: number) =>
            scoreItem({ item: { ...i, estimate: { storyPoints } } }, r).score;
          expect(at(p + extra)).toBeLessThanOrEqual(at(p));
        },
      ),
      runs,
    );
  });

  const overrideValues = fc.record(
    {
      reach: fc.integer({ min: 0, max: 50 }),
      impact: fc.integer({ min: 1, max: 5 }),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      effort: fc.double({ min: 0.5, max: 40, noNaN: true }),
      timeCriticality: fc.integer({ min: 0, max: 20 }),
    },
    { requiredKeys: [] },
  );

  it('overrides always win and name who set them', () => {
    fc.assert(
      fc.property(rules, item, evidence, overrideValues, (r, i, e, values) => {
        const overrides = Object.fromEntries(
          Object.entries(values).map(([name, value]) => [name, { value, by: 'Ana', at: '2025-02-03' }]),
        );
        const result = scoreItem({ item: i, evidence: e, overrides }, r);
        const inputs: Record<string, ScoreInput> = { ...result.inputs };
        for (const [name, value] of Object.entries(values) as [OverrideName, number][]) {
          const input = result.model === 'wsjf' && name === 'effort' ? inputs.jobSize : inputs[name];
          if (input === undefined) continue;
          expect(input).toMatchObject({ value, source: 'override', by: 'Ana' });
        }
      }),
      runs,
    );
  });

  it('an item scores the same alone and among others', () => {
    const request: fc.Arbitrary<ScoreRequest> = fc.record({ item, evidence });
    fc.assert(
      fc.property(rules, fc.array(request, { minLength: 1, maxLength: 6 }), (r, requests) => {
        const together = scoreItems(requests, r);
        requests.forEach((req, index) => {
          expect(together[index]).toEqual(scoreItem(req, r));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic, also for a copy of the input', () => {
    fc.assert(
      fc.property(rules, item, evidence, (r, i, e) => {
        const first = scoreItem({ item: i, evidence: e }, r);
        const again = scoreItem(structuredClone({ item: i, evidence: e }), r);
        expect(isSameScore(first, again)).toBe(true);
        expect(again).toEqual(first);
      }),
      runs,
    );
  });
});
