import { describe, expect, it } from 'vitest';
import {
  auroc,
  autoLinkFigures,
  type DevEvaluation,
  evaluateDevSet,
  formatDevReport,
  linkAsPeopleWould,
  sampleNoMatchTickets,
} from '../../../src/domain/linking/dev-report.ts';
import type { RankedQuery } from '../../../src/domain/linking/evaluate.ts';
import { createLinkIndex, type Match } from '../../../src/domain/linking/link-index.ts';

describe('auroc', () => {
  it.each([
    [[0.9, 0.8], [0.1, 0.2], 1],
    [[0.1, 0.2], [0.9, 0.8], 0],
    [[0.5], [0.5], 0.5],
    [[0.9, 0.3], [0.5], 0.5],
    [[0.9, 0.5], [0.5, 0.1], 0.875],
    [[0.2, 0.2, 0.9], [0.2, 0.1], (1 + 0.5 + 0.5 + 1 + 1 + 1) / 6],
    [[], [0.5], 0.5],
    [[0.5], [], 0.5],
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

describe('linkAsPeopleWould', () => {
  const match = (id: string, confidence: number) => ({ id, confidence }) as Match;
  const ticket = { id: 'T', title: '', description: '', relevant: ['B'] };

  it('teaches through the true item among the suggestions shown, never through an automatic link', () => {
    expect(linkAsPeopleWould(ticket, [match('X', 0.9), match('B', 0.1)])).toBe(undefined);
    expect(linkAsPeopleWould(ticket, [match('B', 0.9)])).toBe(undefined);
    expect(linkAsPeopleWould(ticket, [match('X', 0.2), match('Y', 0.1), match('B', 0.1)])).toBe('B');
    expect(
      linkAsPeopleWould(ticket, [match('X', 0.2), match('Y', 0.1), match('Z', 0.1), match('B', 0)]),
    ).toBe(undefined);
    expect(linkAsPeopleWould({ ...ticket, relevant: undefined }, [match('X', 0.2)])).toBe(undefined);
    expect(linkAsPeopleWould(ticket, [])).toBe(undefined);
  });
});

describe('evaluateDevSet: links learned', () => {
  const at = (day: number) => new Date(Date.UTC(2020, 0, day)).toISOString();
  const backlog = [
    { id: 'B-1', title: 'Broker journal lost', description: 'kahadb journal', created: at(1) },
    { id: 'B-2', title: 'Login cookie', description: 'cookie expires early', created: at(2) },
    { id: 'U-1', title: 'Printer margins', description: 'pdf margins', created: at(3) },
  ];
  const queries = [
    {
      id: 'Q-1',
      title: 'Broker journal lost',
      description: 'messages vanish from the queue after a restart of the server',
      created: at(10),
      relevant: ['B-1'],
    },
    {
      id: 'Q-2',
      title: 'Messages vanish',
      description: 'messages vanish from the queue after a restart of the server again',
      created: at(11),
      relevant: ['B-1'],
    },
  ];
  const set = { backlog, queries, unmatchedIds: new Set(['U-1']) };

  it('ranks a later ticket through the words of an earlier one linked to the same item', () => {
    // Confidence about 0: nothing is linked automatically, so people confirm the suggestions.
    const unsure = { intercept: -10, weights: [1] };
    const e = evaluateDevSet(set, { threshold: 0.4, calibration: unsure });
    const developer = e.wordings[0]!;
    expect(developer.all).toMatchObject({ queries: 2, recallAt1: 0.5 });
    expect(developer.withLinks.all).toMatchObject({ queries: 2, recallAt1: 1 });
    const index = createLinkIndex();
    for (const item of backlog) index.upsert(item);
    expect(index.query(queries[1]!)).toEqual([]);
    // Confident enough to be linked automatically, the first ticket teaches nothing.
    const sure = evaluateDevSet(set, { threshold: 0.4, calibration: { intercept: 10, weights: [1] } });
    expect(sure.wordings[0]!.withLinks.all).toMatchObject({ recallAt1: 0.5 });
  });
});

describe('autoLinkFigures', () => {
  // Confidence = sigmoid(score of the top match): a score of 2 is 0.88, 0 is 0.5, -2 is 0.12.
  const model = { intercept: 0, weights: [1] };
  const match = (id: string, score: number) => ({ id, score }) as Match;
  const ranked = (...matches: Match[]): RankedQuery => ({ id: 'q', matches });
  const runs = {
    matched: [
      { ranked: ranked(match('A', 2)), relevant: ['A'] },
      { ranked: ranked(match('X', 2), match('B', 0)), relevant: ['B'] },
      { ranked: ranked(match('C', -2)), relevant: ['C'] },
      { ranked: ranked(), relevant: ['D'] },
    ],
    withoutTruth: [ranked(match('X', 2)), ranked(match('Y', -2)), ranked(), ranked(match('Z', 0))],
    unmatched: [ranked(match('X', -2)), ranked(match('Y', 0))],
  };

  it('counts the true-match tickets linked right and wrong, and the no-match tickets linked at all', () => {
    expect(autoLinkFigures(model, 0.5, runs)).toEqual({
      threshold: 0.5,
      correct: 1 / 4,
      wrong: 1 / 4,
      falseLinkRate: 2 / 4,
      unmatchedFalseLinkRate: 1 / 2,
    });
    expect(autoLinkFigures(model, 0.6, runs)).toMatchObject({
      falseLinkRate: 1 / 4,
      unmatchedFalseLinkRate: 0,
    });
  });

  it('is all zeros for no tickets', () => {
    expect(autoLinkFigures(model, 0.5, { matched: [], withoutTruth: [], unmatched: [] })).toEqual({
      threshold: 0.5,
      correct: 0,
      wrong: 0,
      falseLinkRate: 0,
      unmatchedFalseLinkRate: 0,
    });
  });
});

describe('sampleNoMatchTickets', () => {
  const at = (day: number) => new Date(Date.UTC(2020, 0, day)).toISOString();
  const backlog = ['U1', 'U2', 'U3', 'M1', 'U4'].map((id, i) => ({
    id,
    title: id,
    description: '',
    created: at(i + 1),
  }));
  const set = {
    backlog: [...backlog, { id: 'U5', title: 'no date', description: '' }],
    queries: [],
    unmatchedIds: new Set(['U1', 'U2', 'U3', 'U4', 'U5']),
  };

  it('draws only unmatched items with a creation date, each once, the same for the same seed', () => {
    const sample = sampleNoMatchTickets(set, 10, 7).map((d) => d.id);
    expect([...sample].sort()).toEqual(['U1', 'U2', 'U3', 'U4']);
    expect(sampleNoMatchTickets(set, 2, 7).map((d) => d.id)).toEqual(sample.slice(0, 2));
    expect(sampleNoMatchTickets(set, 10, 7).map((d) => d.id)).toEqual(sample);
  });

  it('gives every item a chance at every place (an unbiased shuffle)', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      for (const [place, d] of sampleNoMatchTickets(set, 4, seed).entries()) seen.add(`${d.id}@${place}`);
    }
    expect(seen.size).toBe(16);
  });
});

describe('formatDevReport', () => {
  const metrics = (
    queries: number,
    recallAt1: number,
    recallAt5: number,
    recallAt10: number,
    mrr: number,
  ) => ({
    queries,
    recallAt1,
    recallAt5,
    recallAt10,
    mrr,
  });
  const linked = (
    threshold: number,
    correct: number,
    wrong: number,
    falseLinkRate: number,
    unmatched: number,
  ) => ({
    threshold,
    correct,
    wrong,
    falseLinkRate,
    unmatchedFalseLinkRate: unmatched,
  });
  const evaluation: DevEvaluation = {
    wordings: [
      {
        wording: 'developer',
        all: metrics(4, 0.5, 0.75, 1, 0.625),
        even: metrics(2, 1, 1, 1, 1),
        odd: metrics(2, 0, 0.5, 1, 0.25),
        auroc: { all: 0.875, odd: 0.75 },
        aurocUnmatched: { all: 0.9, odd: 0.8 },
        autoLink: { all: linked(0.4, 0.5, 0.25, 0.125, 0), odd: linked(0.4, 0.5, 0, 0, 0.0125) },
        withLinks: {
          all: metrics(4, 0.75, 1, 1, 0.8),
          even: metrics(2, 1, 1, 1, 1),
          odd: metrics(2, 0.5, 1, 1, 0.6),
          auroc: { all: 0.95, odd: 0.9 },
          aurocUnmatched: { all: 0.92, odd: 0.85 },
          autoLink: { all: linked(0.4, 0.75, 0, 0.125, 0), odd: linked(0.4, 0.5, 0, 0, 0) },
        },
      },
      {
        wording: 'customer',
        all: metrics(3, 1 / 3, 2 / 3, 1, 0.5),
        even: metrics(2, 0.5, 1, 1, 0.75),
        odd: metrics(1, 0, 0, 1, 0.1),
        auroc: { all: 0.6, odd: 0.5 },
        aurocUnmatched: { all: 0.7, odd: 0.55 },
        autoLink: { all: linked(0.4, 1 / 3, 0, 0, 0), odd: linked(0.4, 0, 0, 0, 0) },
        withLinks: {
          all: metrics(3, 2 / 3, 2 / 3, 1, 0.7),
          even: metrics(2, 1, 1, 1, 1),
          odd: metrics(1, 0, 0, 1, 0.1),
          auroc: { all: 0.65, odd: 0.5 },
          aurocUnmatched: { all: 0.75, odd: 0.55 },
          autoLink: { all: linked(0.4, 2 / 3, 0, 0, 0), odd: linked(0.4, 0, 0, 0, 0) },
        },
      },
    ],
    customerDropped: 1,
    noMatchTickets: 5,
    fitted: { intercept: -1.23456, weights: [0.5, -2] },
    calibration: { intercept: -5.954, weights: [1.302, 0.0004] },
    chosenThreshold: 0.35,
  };

  it('prints the ranking table, the auto-link table, the chosen threshold and both models', () => {
    expect(formatDevReport(evaluation, ['| reference BM25 | 4 | 0.250 | 0.500 | 0.750 | 0.400 |'])).toBe(
      [
        '| run | queries | Recall@1 | Recall@5 | Recall@10 | MRR | no-match AUROC | AUROC vs unmatched |',
        '|---|---|---|---|---|---|---|---|',
        '| developer, all | 4 | 0.500 | 0.750 | 1.000 | 0.625 | 0.875 | 0.900 |',
        '| developer, even (tuning half) | 2 | 1.000 | 1.000 | 1.000 | 1.000 |',
        '| developer, odd (held out) | 2 | 0.000 | 0.500 | 1.000 | 0.250 | 0.750 | 0.800 |',
        '| developer, all, links learned | 4 | 0.750 | 1.000 | 1.000 | 0.800 | 0.950 | 0.920 |',
        '| developer, even (tuning half), links learned | 2 | 1.000 | 1.000 | 1.000 | 1.000 |',
        '| developer, odd (held out), links learned | 2 | 0.500 | 1.000 | 1.000 | 0.600 | 0.900 | 0.850 |',
        '| customer, all | 3 | 0.333 | 0.667 | 1.000 | 0.500 | 0.600 | 0.700 |',
        '| customer, even (tuning half) | 2 | 0.500 | 1.000 | 1.000 | 0.750 |',
        '| customer, odd (held out) | 1 | 0.000 | 0.000 | 1.000 | 0.100 | 0.500 | 0.550 |',
        '| customer, all, links learned | 3 | 0.667 | 0.667 | 1.000 | 0.700 | 0.650 | 0.750 |',
        '| customer, even (tuning half), links learned | 2 | 1.000 | 1.000 | 1.000 | 1.000 |',
        '| customer, odd (held out), links learned | 1 | 0.000 | 0.000 | 1.000 | 0.100 | 0.500 | 0.550 |',
        '| reference BM25 | 4 | 0.250 | 0.500 | 0.750 | 0.400 |',
        '',
        "customer = the customer-worded proxy of each ticket (no title; the description's first words of prose, " +
          'without stack traces, code and log lines); 1 tickets without enough prose left out. No-match AUROC: top ' +
          'confidence of each ticket against that of the same ticket with its true item removed from the backlog; ' +
          'vs unmatched: against that of the unmatched items as tickets. "links learned": all tickets in one stream; ' +
          'a ticket whose true item is among the suggestions shown (and not linked automatically) is confirmed by a ' +
          'person, so its words count for that item when later tickets are ranked.',
        '',
        "Auto-link (top candidate's confidence >= threshold). No-match tickets: the same tickets without their true " +
          'items, and 5 unmatched backlog items, each searching only older items.',
        '',
        '| set | threshold | true-match tickets linked correctly | linked wrongly | no-match (true item removed) linked | unmatched items linked |',
        '|---|---|---|---|---|---|',
        '| developer, all | 0.40 | 50.0 % | 25.0 % | 12.5 % | 0.0 % |',
        '| developer, odd (held out) | 0.40 | 50.0 % | 0.0 % | 0.0 % | 1.3 % |',
        '| developer, all, links learned | 0.40 | 75.0 % | 0.0 % | 12.5 % | 0.0 % |',
        '| developer, odd (held out), links learned | 0.40 | 50.0 % | 0.0 % | 0.0 % | 0.0 % |',
        '| customer, all | 0.40 | 33.3 % | 0.0 % | 0.0 % | 0.0 % |',
        '| customer, odd (held out) | 0.40 | 0.0 % | 0.0 % | 0.0 % | 0.0 % |',
        '| customer, all, links learned | 0.40 | 66.7 % | 0.0 % | 0.0 % | 0.0 % |',
        '| customer, odd (held out), links learned | 0.40 | 0.0 % | 0.0 % | 0.0 % | 0.0 % |',
        '',
        'Threshold meeting <= 2.0 % false links and <= 5.0 % wrong links on the even halves of both wordings: 0.35.',
        'Calibration refit on the even halves: intercept -1.235, weights [0.500, -2.000]; evaluated: intercept -5.954, weights [1.302, 0.000].',
      ].join('\n'),
    );
  });
});

describe('evaluateDevSet: halves, sampling and the chosen threshold', () => {
  const at = (day: number) => new Date(Date.UTC(2020, 0, day)).toISOString();
  const topics = [
    ['kahadb journal corrupt', 'the kahadb journal file is corrupt after restart'],
    ['login cookie expired', 'the login cookie expired too early for every user'],
    ['csv export unicode', 'the csv export breaks unicode names in every column'],
    ['scheduler cron twice', 'the scheduler fires each cron job twice per night'],
  ] as const;
  const backlog = [
    ...topics.map(([title, description], i) => ({ id: `B-${i}`, title, description, created: at(1 + i) })),
    { id: 'U-1', title: 'dashboard colours', description: 'dark theme contrast', created: at(6) },
    { id: 'U-2', title: 'printer margins', description: 'pdf margins wrong', created: at(7) },
  ];
  const queries = topics.map(([title, description], i) => ({
    id: `Q-${i}`,
    title,
    description,
    created: at(20 + i),
    relevant: [`B-${i}`],
  }));
  const set = { backlog, queries, unmatchedIds: new Set(['U-1', 'U-2']) };
  // Confidence = sigmoid(10 * score): about 1 for a ticket worded like its item, 0 for an empty list.
  const sharp = { intercept: 0, weights: [10] };

  it('separates tickets with a match from those without, and picks the lowest threshold that links nothing falsely', () => {
    const e = evaluateDevSet(set, { calibration: sharp });
    expect(e).toMatchObject({
      chosenThreshold: 0.01,
      noMatchTickets: 2,
      customerDropped: 0,
      calibration: sharp,
    });
    const [developer, customer] = e.wordings;
    expect(developer).toMatchObject({
      wording: 'developer',
      all: { queries: 4, recallAt1: 1 },
      even: { queries: 2 },
      odd: { queries: 2 },
      auroc: { all: 1, odd: 1 },
      aurocUnmatched: { all: 1, odd: 1 },
      autoLink: {
        all: { threshold: 0.01, correct: 1, wrong: 0, falseLinkRate: 0, unmatchedFalseLinkRate: 0 },
        odd: { threshold: 0.01 },
      },
    });
    // The unmatched items are too short to have a customer-worded proxy.
    expect(customer).toMatchObject({
      wording: 'customer',
      all: { queries: 4 },
      aurocUnmatched: { all: 0.5 },
    });
  });

  it('evaluates every n-th ticket and reports the threshold asked for', () => {
    const e = evaluateDevSet(set, { calibration: sharp, every: 2, threshold: 0.5 });
    expect(e.noMatchTickets).toBe(1);
    expect(e.wordings[0]).toMatchObject({
      all: { queries: 2 },
      even: { queries: 1 },
      odd: { queries: 1 },
      autoLink: { all: { threshold: 0.5, correct: 1 }, odd: { threshold: 0.5 } },
    });
    expect(e.chosenThreshold).toBe(0.01);
  });

  it('chooses 1 (never link) when no threshold keeps wrong links rare', () => {
    const misled = {
      id: 'Q-x',
      title: 'kahadb journal',
      description: 'the kahadb journal again is corrupt today',
      created: at(30),
      relevant: ['U-1'],
    };
    const e = evaluateDevSet(
      { ...set, queries: [...queries, misled] },
      { calibration: { intercept: 20, weights: [] } },
    );
    expect(e.chosenThreshold).toBe(1);
    expect(e.wordings[0]).toMatchObject({
      all: { queries: 5, recallAt1: 0.8 },
      even: { queries: 3 },
      odd: { queries: 2 },
    });
  });
});
