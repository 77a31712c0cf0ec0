import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BacklogIndex } from '../../src/read-model/backlog-index.ts';
import { BACKLOG_SORT_KEYS, type BacklogQuery } from '../../src/read-model/read-model.ts';
import type { AcceptancePart, ScorePart } from '../../src/read-model/records.ts';

const CONTAINERS = ['jira:1', 'jira:2', 'trello:b1'] as const;

const item = fc.record({
  n: fc.integer({ min: 1, max: 60 }),
  project: fc.constantFrom('APP', 'WEB'),
  container: fc.constantFrom(...CONTAINERS),
  title: fc.constantFrom('Login fails', 'login slow', 'Export PDF', 'Dark mode', 'Ünïcode title', 'Zebra'),
  type: fc.option(fc.constantFrom('Story', 'Bug', 'bug'), { nil: undefined }),
  score: fc.integer({ min: 0, max: 5 }),
  wsjf: fc.boolean(),
  reach: fc.integer({ min: 1, max: 4 }),
  customers: fc.integer({ min: 0, max: 2 }),
  status: fc.option(fc.constantFrom('passes', 'fails', 'skipped'), { nil: undefined }),
  day: fc.integer({ min: 1, max: 9 }),
});
type Item = typeof item extends fc.Arbitrary<infer T> ? T : never;

function parts(value: Item, i: number): { field: string; score: ScorePart; acceptance?: AcceptancePart } {
  const key = `${value.project}-${value.n}`;
  const score: ScorePart = {
    tracker: value.container.startsWith('trello') ? 'trello' : 'jira',
    id: `${i}`,
    key,
    title: value.title,
    url: `https://example.test/${key}`,
    ...(value.type ? { type: value.type } : {}),
    container: value.container,
    containerKey: value.container,
    score: value.score,
    model: value.wsjf ? 'wsjf' : 'rice',
    inputs: value.wsjf
      ? { jobSize: { value: 3, source: 'estimate' } }
      : { reach: { value: value.reach, source: 'evidence' }, effort: { value: 2, source: 'default' } },
    customers: value.customers,
    at: `2026-01-0${value.day}T00:00:00.000Z`,
  };
  const acceptance: AcceptancePart | undefined = value.status
    ? {
        container: value.container,
        containerKey: value.container,
        status: value.status as AcceptancePart['status'],
        findings: value.status === 'fails' ? ['missing-role'] : [],
        at: score.at,
      }
    : undefined;
  return { field: `${score.tracker}:${i}`, score, ...(acceptance ? { acceptance } : {}) };
}

const query = fc.record(
  {
    container: fc.constantFrom(...CONTAINERS, 'jira:404'),
    type: fc.constantFrom('bug', 'Story'),
    failing: fc.boolean(),
    customers: fc.boolean(),
    q: fc.constantFrom('login', 'PDF', 'x'),
    sort: fc.constantFrom(...BACKLOG_SORT_KEYS),
    dir: fc.constantFrom('asc' as const, 'desc' as const),
  },
  { requiredKeys: [] },
);

describe('backlog index', () => {
  it('pages of any sort and filter are the slices of the whole sorted view, which holds exactly the matches', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 80 }),
        query,
        fc.integer({ min: 1, max: 7 }),
        (items, q, limit) => {
          const index = new BacklogIndex();
          const all = items.map(parts);
          for (const { field, score, acceptance } of all) {
            index.apply('score', field, JSON.stringify(score));
            if (acceptance) index.apply('acceptance', field, JSON.stringify(acceptance));
          }
          const view = index.sorted(q as BacklogQuery);
          const expected = all.filter(
            ({ score, acceptance }) =>
              (q.container === undefined || score.container === q.container) &&
              (q.type === undefined || score.type?.toLowerCase() === q.type.toLowerCase()) &&
              (q.failing === undefined || (acceptance?.status === 'fails') === q.failing) &&
              (q.customers === undefined || score.customers > 0 === q.customers) &&
              (q.q === undefined || score.title.toLowerCase().includes(q.q.toLowerCase())),
          );
          expect(view.map((entry) => entry.score.id).sort()).toEqual(expected.map((e) => e.score.id).sort());
          const paged: string[] = [];
          for (let offset = 0; offset < view.length + limit; offset += limit) {
            const { top, total } = index.select(q as BacklogQuery, offset + limit);
            expect(total).toBe(view.length);
            paged.push(...top.slice(offset).map((entry) => entry.score.id));
          }
          expect(paged).toEqual(view.map((entry) => entry.score.id));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('orders by the column, keeps items lacking it last, and breaks ties by score then key', () => {
    const index = new BacklogIndex();
    const add = (i: number, value: Partial<Item>) => {
      const { field, score } = parts(
        {
          n: i,
          project: 'APP',
          container: 'jira:1',
          title: 'Zebra',
          type: undefined,
          score: 1,
          wsjf: false,
          reach: 1,
          customers: 0,
          status: undefined,
          day: 1,
          ...value,
        },
        i,
      );
      index.apply('score', field, JSON.stringify(score));
    };
    add(10, { reach: 2 });
    add(9, { reach: 2, score: 3 });
    add(2, { wsjf: true });
    add(1, { reach: 4 });
    const keys = (q: BacklogQuery) => index.sorted(q).map((entry) => entry.score.key);
    expect(keys({ sort: 'reach' })).toEqual(['APP-1', 'APP-9', 'APP-10', 'APP-2']);
    expect(keys({ sort: 'reach', dir: 'asc' })).toEqual(['APP-9', 'APP-10', 'APP-1', 'APP-2']);
    expect(keys({ sort: 'key' })).toEqual(['APP-1', 'APP-2', 'APP-9', 'APP-10']);
  });

  it('forgets removed items and finds items by key or id', () => {
    const index = new BacklogIndex();
    const { field, score } = parts(
      {
        n: 5,
        project: 'APP',
        container: 'jira:1',
        title: 'Zebra',
        type: undefined,
        score: 1,
        wsjf: false,
        reach: 1,
        customers: 0,
        status: undefined,
        day: 1,
      },
      7,
    );
    index.apply('score', field, JSON.stringify(score));
    expect(index.find('jira', 'APP-5')?.score?.id).toBe('7');
    expect(index.find('jira', '7')?.score?.key).toBe('APP-5');
    index.apply('score', field, undefined);
    expect(index.find('jira', 'APP-5')).toBeUndefined();
    expect(index.size).toBe(0);
    expect(index.select({}, 10)).toEqual({ top: [], total: 0 });
  });
});
