import { describe, expect, it } from 'vitest';
import { rankReferenceBm25 } from '../../../src/domain/linking/reference-bm25.ts';

const at = (day: number) => new Date(Date.UTC(2020, 0, day)).toISOString();
const backlog = [
  {
    id: 'long',
    title: 'Cache problems',
    description:
      'the cache cache keeps many stale entries in memory for a very long time after restart of the node',
    created: at(1),
  },
  { id: 'short', title: 'Cache', description: 'stale', created: at(2) },
  { id: 'rare', title: 'Journal corrupt', description: 'kahadb journal', created: at(3) },
  { id: 'common', title: 'Node restart', description: 'node node node', created: at(4) },
  { id: 'later', title: 'Cache stale', description: '', created: at(10) },
  { id: 'undated', title: 'Undated cache', description: '' },
];
const query = (id: string, title: string, created?: string) => ({
  id,
  title,
  description: '',
  ...(created === undefined ? {} : { created }),
});

describe('rankReferenceBm25: the textbook baseline of the dev-set figures', () => {
  const ranked = rankReferenceBm25(
    backlog,
    [
      query('cache, early', 'cache', at(5)),
      query('stale cache', 'stale cache', at(20)),
      query('rare and common word', 'journal node', at(20)),
      query('a repeated query word', 'node restart restart', at(20)),
      query('cache, undated', 'CACHE'),
      { ...backlog[1]!, created: at(20) },
      query('no shared word', 'unrelated words', at(20)),
    ],
    10,
  );

  it.each([
    [
      'short items before long ones; only older items and undated ones',
      'cache, early',
      ['short', 'undated', 'long'],
    ],
    ['items with both words first', 'stale cache', ['short', 'later', 'long', 'undated']],
    ['the rare word outweighs the repeated common one', 'rare and common word', ['rare', 'common', 'long']],
    ['a repeated query word weighs more', 'a repeated query word', ['common', 'long']],
    [
      'a ticket without a time sees every item, in any case',
      'cache, undated',
      ['short', 'later', 'undated', 'long'],
    ],
    ['an item never matches itself', 'short', ['later', 'long', 'undated']],
    ['nothing without a shared word', 'no shared word', []],
  ])('%s', (_name, id, expected) => {
    expect(ranked.find((r) => r.id === id)?.ranked).toEqual(expected);
  });

  it('returns one list per query, in query order, cut to the limit', () => {
    const top = rankReferenceBm25(backlog, [query('a', 'cache'), query('b', 'journal')], 2);
    expect(top).toEqual([
      { id: 'a', ranked: ['short', 'later'] },
      { id: 'b', ranked: ['rare'] },
    ]);
  });

  it('ranks nothing in an empty backlog', () => {
    expect(rankReferenceBm25([], [query('a', 'cache')], 5)).toEqual([{ id: 'a', ranked: [] }]);
  });
});
