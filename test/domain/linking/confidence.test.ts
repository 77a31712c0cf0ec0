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
