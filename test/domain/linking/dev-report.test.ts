import { describe, expect, it } from 'vitest';
import { auroc, evaluateDevSet, formatDevReport } from '../../../src/domain/linking/dev-report.ts';

describe('auroc', () => {
  it.each([
    [[0.9, 0.8], [0.1, 0.2], 1],
    [[0.1, 0.2], [0.9, 0.8], 0],
    [[0.5], [0.5], 0.5],
    [[0.9, 0.3], [0.5], 0.5],
    [[0.9, 0.5], [0.5, 0.1], 0.875],
  ])('of %j against %j is %d', (positives, negatives, expected) => {
    expect(auroc(positives, negatives)).toBeCloseTo(expected, 10);
  });
});

describe('evaluateDevSet', () => {
  const at = (day: number) => new Date(Date.UTC(2020, 0, day)).toISOString();
  const backlog = [
    {
      id: 'B-1',
      title: 'Broker drops messages on restart',
      description: 'KahaDB journal loses messages',
      created: at(1),
    },
    {
      id: 'B-2',
      title: 'Web console login fails',
      description: 'HTTP 500 on the login page',
      created: at(2),
    },
    {
      id: 'B-3',
      title: 'Scheduler runs jobs twice',
      description: 'cron jobs fire two times',
      created: at(3),
    },
  ];
  const queries = [
    {
      id: 'Q-1',
      title: 'Messages lost after restart',
      description: 'After a broker restart the journal has lost messages for every queue.',
      created: at(10),
      relevant: ['B-1'],
    },
    {
      id: 'Q-2',
      title: 'Login error',
      description: 'See http://example.org/1',
      created: at(11),
      relevant: ['B-2'],
    },
  ];

  it('ranks both wordings, with and without the true items, and leaves out tickets without prose', () => {
    const e = evaluateDevSet({ backlog, queries, unmatchedIds: new Set(['B-3']) }, { threshold: 0.5 });
    expect(e.wordings.map((w) => [w.wording, w.all.queries, w.all.recallAt1])).toEqual([
      ['developer', 2, 1],
      ['customer', 1, 1],
    ]);
    expect(e.customerDropped).toBe(1);
    expect(e.noMatchTickets).toBe(1);
    for (const w of e.wordings) {
      expect(w.auroc.all).toBeGreaterThanOrEqual(0.5);
      expect(w.aurocUnmatched.all).toBeGreaterThanOrEqual(0.5);
      expect(w.autoLink.all.threshold).toBe(0.5);
    }
    expect(formatDevReport(e, ['| extra row |'])).toMatch(
      /\| customer, all \| 1 \|[^\n]*\n[\s\S]*\| extra row \|/,
    );
  });
});
