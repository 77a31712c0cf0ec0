import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALIBRATION } from '../../../src/domain/linking/calibration-model.ts';
import { calibrate, confidenceFeatures, confidenceOf } from '../../../src/domain/linking/confidence.ts';

import { seededRandom } from '../../../src/domain/linking/prng.ts';

const ticket = { terms: 12, knownShare: 0.9, hasTitle: true };
const ranked = (
  scores: readonly number[],
  titleOverlap = 0.5,
  itemTitleCoverage = 0.5,
  ticketCoverage = 0.5,
  about = ticket,
) =>
  scores.map((score) => ({
    score,
    evidence: { titleOverlap, itemTitleCoverage, ticketCoverage, ticket: about },
  }));

describe('confidence', () => {
  it('stays in [0, 1] for any ranked score list', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 1, maxLength: 12 }),
        (raw) => {
          const scores = [...raw].sort((a, b) => b - a);
          for (let rank = 0; rank < scores.length; rank++) {
            const c = confidenceOf(DEFAULT_CALIBRATION, confidenceFeatures(ranked(scores), rank));
            expect(c).toBeGreaterThanOrEqual(0);
            expect(c).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it('grows with the top score and with its margin over the runner-up', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (second, gap, raise) => {
          const top = second + gap;
          const base = confidenceOf(DEFAULT_CALIBRATION, confidenceFeatures(ranked([top, second]), 0));
          const higher = confidenceOf(
            DEFAULT_CALIBRATION,
            confidenceFeatures(ranked([top + raise, second]), 0),
          );
          expect(higher).toBeGreaterThanOrEqual(base);
        },
      ),
    );
  });

  it.each([
    ['ticket title words found in the item title', [0.2, 0.5], [0.9, 0.5]],
    ['item title words found in the ticket', [0.5, 0.2], [0.5, 0.9]],
  ])('grows with the share of %s', (_, [lowTicket, lowItem], [highTicket, highItem]) => {
    const low = confidenceOf(
      DEFAULT_CALIBRATION,
      confidenceFeatures(ranked([0.6, 0.3], lowTicket, lowItem), 0),
    );
    const high = confidenceOf(
      DEFAULT_CALIBRATION,
      confidenceFeatures(ranked([0.6, 0.3], highTicket, highItem), 0),
    );
    expect(high).toBeGreaterThan(low);
  });

  it('grows with the share of the ticket the item covers', () => {
    const confidence = (coverage: number) =>
      confidenceOf(DEFAULT_CALIBRATION, confidenceFeatures(ranked([0.6, 0.3], 0.5, 0.5, coverage), 0));
    expect(confidence(0.9)).toBeGreaterThan(confidence(0.3));
  });

  it('trusts the same scores less for a ticket that says little in words the backlog knows', () => {
    const confidence = (about: typeof ticket) =>
      confidenceOf(DEFAULT_CALIBRATION, confidenceFeatures(ranked([0.6, 0.3], 0, 0.5, 0.6, about), 0));
    const terse = confidence({ terms: 2, knownShare: 0.5, hasTitle: false });
    expect(terse).toBeLessThan(confidence({ terms: 20, knownShare: 0.95, hasTitle: false }));
    expect(terse).toBeLessThan(confidence({ terms: 2, knownShare: 0.5, hasTitle: true }));
  });

  it('gives a lower-ranked candidate less confidence than the top one', () => {
    const scores = [0.9, 0.5, 0.4];
    const top = confidenceOf(DEFAULT_CALIBRATION, confidenceFeatures(ranked(scores), 0));
    expect(confidenceOf(DEFAULT_CALIBRATION, confidenceFeatures(ranked(scores), 1))).toBeLessThan(top);
  });
});

describe('calibrate', () => {
  it('recovers a known logistic relation from samples', () => {
    const random = seededRandom(1);
    const samples = Array.from({ length: 4000 }, () => {
      const x = random() * 4 - 2;
      return { features: [x], label: random() < 1 / (1 + Math.exp(-(0.5 + 2 * x))) };
    });
    const model = calibrate(samples, { l2: 0 });
    expect(model.intercept).toBeCloseTo(0.5, 0);
    expect(model.weights[0]).toBeCloseTo(2, 0);
  });

  it('produces probabilities that follow the observed match rate', () => {
    const samples = [
      ...Array.from({ length: 90 }, () => ({ features: [1], label: true })),
      ...Array.from({ length: 10 }, () => ({ features: [1], label: false })),
      ...Array.from({ length: 10 }, () => ({ features: [0], label: true })),
      ...Array.from({ length: 90 }, () => ({ features: [0], label: false })),
    ];
    const model = calibrate(samples, { l2: 0 });
    expect(confidenceOf(model, [1])).toBeCloseTo(0.9, 2);
    expect(confidenceOf(model, [0])).toBeCloseTo(0.1, 2);
  });
});

describe('calibrate: regularisation and steps', () => {
  // x = 1: 90 of 100 are matches; x = 0: 30 of 300. Overall 120 of 400 (logit -0.847).
  const samples = [
    ...Array.from({ length: 100 }, (_, i) => ({ features: [1], label: i < 90 })),
    ...Array.from({ length: 300 }, (_, i) => ({ features: [0], label: i < 30 })),
  ];

  it('shrinks the weights but not the intercept towards zero', () => {
    const free = calibrate(samples, { l2: 0 });
    const strong = calibrate(samples, { l2: 100 });
    expect(free.weights[0]).toBeCloseTo(Math.log(9) + Math.log(9), 2);
    expect(Math.abs(strong.weights[0]!)).toBeLessThan(0.05);
    expect(strong.intercept).toBeCloseTo(Math.log(120 / 280), 1);
  });

  it('regularises a little by default', () => {
    const byDefault = calibrate(samples);
    expect(byDefault.weights[0]).toBeLessThan(calibrate(samples, { l2: 0 }).weights[0]!);
    expect(byDefault.weights[0]).toBeGreaterThan(calibrate(samples, { l2: 0.01 }).weights[0]!);
  });

  it('stops after the number of Newton steps asked for', () => {
    // From zero: gradient (80, -40), Hessian 0.25 * ((400, 100), (100, 100)); one full Newton step.
    const oneStep = calibrate(samples, { l2: 0, iterations: 1 });
    expect(oneStep.intercept).toBeCloseTo(-1.6, 10);
    expect(oneStep.weights[0]).toBeCloseTo(3.2, 10);
  });

  it('fits an intercept alone without features', () => {
    const model = calibrate(samples.map((s) => ({ features: [], label: s.label })));
    expect(model.weights).toEqual([]);
    expect(confidenceOf(model, [])).toBeCloseTo(0.3, 3);
  });
});

describe('confidenceFeatures at the edges of the list', () => {
  it('reads the missing runner-up of the last candidate as a zero score', () => {
    const [only] = ranked([0.8], 0.25, 0.5, 0.75, { terms: 3, knownShare: 0.5, hasTitle: false });
    expect(confidenceFeatures([only!], 0)).toEqual([0.8, 0.8, 0, 0, 0.25, 0.5, 0.75, Math.log1p(3), 0.5, 0]);
  });

  it('is all zeros past the end of the list', () => {
    expect(confidenceFeatures([], 0)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
