import { describe, expect, it } from 'vitest';
import { rankingMetrics, rankTimeAware } from '../../../src/domain/linking/evaluate.ts';
import { createLinkIndex } from '../../../src/domain/linking/link-index.ts';

describe('rankingMetrics', () => {
  it.each([
    [[{ ranked: ['a', 'b'], relevant: ['a'] }], { recallAt1: 1, recallAt5: 1, recallAt10: 1, mrr: 1 }],
    [
      [{ ranked: ['x', 'y', 'a'], relevant: ['a'] }],
      { recallAt1: 0, recallAt5: 1, recallAt10: 1, mrr: 1 / 3 },
    ],
    [[{ ranked: ['x'], relevant: ['a'] }], { recallAt1: 0, recallAt5: 0, recallAt10: 0, mrr: 0 }],
    [
      [
        { ranked: ['a'], relevant: ['a'] },
        { ranked: [...'bcdefg'], relevant: ['g'] },
      ],
      { recallAt1: 0.5, recallAt5: 0.5, recallAt10: 1, mrr: (1 + 1 / 6) / 2 },
    ],
  ])('scores %j', (rows, expected) => {
    expect(rankingMetrics(rows)).toMatchObject(expected);
  });
});

describe('rankTimeAware', () => {
  const backlog = [
    { id: 'old', title: 'cache eviction bug', description: '', created: '2020-01-01T00:00:00Z' },
    { id: 'new', title: 'cache eviction bug', description: '', created: '2022-01-01T00:00:00Z' },
  ];

  it('lets each query see only items created before it and returns results in input order', () => {
    const queries = [
      { id: 'late', title: 'cache eviction', description: '', created: '2023-01-01T00:00:00Z' },
      { id: 'early', title: 'cache eviction', description: '', created: '2021-01-01T00:00:00Z' },
      { id: 'first', title: 'cache eviction', description: '', created: '2019-01-01T00:00:00Z' },
    ];
    const ranked = rankTimeAware(createLinkIndex(), backlog, queries, 5);
    expect(ranked.map((r) => [r.id, r.matches.map((m) => m.id)])).toEqual([
      ['late', ['new', 'old']],
      ['early', ['old']],
      ['first', []],
    ]);
  });

  it('with link outcomes, lets later tickets find an item through the words of tickets linked to it', () => {
    const queries = [
      { id: 'T2', title: '', description: 'stale entries stay forever', created: '2023-02-01T00:00:00Z' },
      { id: 'T1', title: '', description: 'stale entries stay in memory', created: '2023-01-01T00:00:00Z' },
    ];
    const linkedTo: Record<string, string> = { T1: 'old' };
    const seen: string[] = [];
    const ranked = rankTimeAware(createLinkIndex(), backlog, queries, 5, (query, matches) => {
      seen.push(`${query.id}:${matches.length}`);
      return linkedTo[query.id];
    });
    expect(seen).toEqual(['T1:0', 'T2:1']);
    expect(ranked.map((r) => [r.id, r.matches.map((m) => [m.id, m.via])])).toEqual([
      ['T2', [['old', 'T1']]],
      ['T1', []],
    ]);
    const alone = rankTimeAware(createLinkIndex(), backlog, queries, 5);
    expect(alone.map((r) => r.matches.length)).toEqual([0, 0]);
  });

  it('never matches a query to itself when the query is also a backlog item', () => {
    const ranked = rankTimeAware(createLinkIndex(), backlog, [backlog[1]!], 5);
    expect(ranked[0]!.matches.map((m) => m.id)).toEqual(['old']);
  });
});

describe('rankTimeAware: tickets without a time and unsorted input', () => {
  it('answers a ticket without a creation time against the whole backlog, in any input order', () => {
    const backlog = [
      { id: 'late', title: 'cache eviction bug', description: '', created: '2022-01-01T00:00:00Z' },
      { id: 'undated', title: 'cache eviction bug', description: '' },
      { id: 'early', title: 'cache eviction bug', description: '', created: '2020-01-01T00:00:00Z' },
    ];
    const queries = [
      { id: 'mid', title: 'cache eviction', description: '', created: '2021-01-01T00:00:00Z' },
      { id: 'anytime', title: 'cache eviction', description: '' },
    ];
    const ranked = rankTimeAware(createLinkIndex(), backlog, queries, 5);
    expect(ranked.map((r) => [r.id, r.matches.map((m) => m.id).sort()])).toEqual([
      ['mid', ['early', 'undated']],
      ['anytime', ['early', 'late', 'undated']],
    ]);
  });
});

describe('rankingMetrics of nothing', () => {
  it('is zero over zero queries', () => {
    expect(rankingMetrics([])).toEqual({ queries: 0, recallAt1: 0, recallAt5: 0, recallAt10: 0, mrr: 0 });
  });

  it('counts a relevant item at rank 2 for Recall@5, not Recall@1, and at rank 11 for none', () => {
    expect(rankingMetrics([{ ranked: ['x', 'a'], relevant: ['a'] }])).toMatchObject({
      recallAt1: 0,
      recallAt5: 1,
    });
    expect(rankingMetrics([{ ranked: [...'bcdefghijka'], relevant: ['a'] }])).toMatchObject({
      recallAt10: 0,
      mrr: 1 / 11,
    });
  });

  it('counts a relevant item at rank 10 for Recall@10 only, and at rank 5 for Recall@5', () => {
    expect(rankingMetrics([{ ranked: [...'abcdefghij'], relevant: ['j'] }])).toMatchObject({
      recallAt5: 0,
      recallAt10: 1,
      mrr: 0.1,
    });
    expect(rankingMetrics([{ ranked: [...'abcde'], relevant: ['e'] }])).toMatchObject({
      recallAt1: 0,
      recallAt5: 1,
    });
  });
});
