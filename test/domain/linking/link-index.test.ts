import { describe, expect, it } from 'vitest';
import { createLinkIndex, type LinkDoc } from '../../../src/domain/linking/link-index.ts';

const BACKLOG: LinkDoc[] = [
  {
    id: 'a',
    title: 'Login page times out behind proxy',
    description: 'Users see a blank page after the login form is submitted.',
    created: '2024-01-01T00:00:00Z',
  },
  {
    id: 'b',
    title: 'Export to CSV drops unicode columns',
    description: 'Login required first. The exported file loses accented names.',
    created: '2024-02-01T00:00:00Z',
  },
  {
    id: 'c',
    title: 'Scheduler crashes with NullPointerException',
    description: 'java.lang.NullPointerException at org.acme.sched.JobRunner.run(JobRunner.java:42)',
    created: '2024-03-01T00:00:00Z',
  },
  {
    id: 'd',
    title: 'Dashboard is slow',
    description: 'Charts render slowly; the login page and the export are fine.',
    created: '2024-04-01T00:00:00Z',
  },
];

function indexOf(docs: readonly LinkDoc[]) {
  const index = createLinkIndex();
  for (const doc of docs) index.upsert(doc);
  return index;
}

const ids = (matches: { id: string }[]) => matches.map((m) => m.id);

describe('createLinkIndex', () => {
  it('ranks the item whose title carries the query words above items that mention them in passing', () => {
    const matches = indexOf(BACKLOG).query({ title: 'login times out', description: '' });
    expect(ids(matches)[0]).toBe('a');
  });

  it('matches stack traces through class and exception names', () => {
    const matches = indexOf(BACKLOG).query({
      title: 'Job runner fails',
      description: 'NPE in JobRunner.run, see org.acme.sched.JobRunner',
    });
    expect(ids(matches)[0]).toBe('c');
    expect(matches[0]!.sharedTerms).toEqual(expect.arrayContaining(['jobrunner']));
  });

  it('only returns items created strictly before createdBefore', () => {
    const index = indexOf(BACKLOG);
    const query = { title: 'login page', description: '' };
    expect(ids(index.query(query, { createdBefore: '2024-03-15T00:00:00Z' }))).not.toContain('d');
    expect(ids(index.query(query, { createdBefore: '2024-01-01T00:00:00Z' }))).toEqual([]);
    expect(ids(index.query(query))).toContain('d');
  });

  it('excludes the given id and honours the limit', () => {
    const index = indexOf(BACKLOG);
    const matches = index.query(
      { title: 'login page export', description: '' },
      { excludeId: 'a', limit: 1 },
    );
    expect(matches).toHaveLength(1);
    expect(matches[0]!.id).not.toBe('a');
  });

  it('forgets removed items and reflects updates', () => {
    const index = indexOf(BACKLOG);
    expect(index.remove('c')).toBe(true);
    expect(index.remove('c')).toBe(false);
    expect(index.size).toBe(3);
    expect(ids(index.query({ title: 'NullPointerException', description: '' }))).toEqual([]);
    index.upsert({ id: 'd', title: 'Scheduler NullPointerException on startup', description: '' });
    expect(index.size).toBe(3);
    expect(ids(index.query({ title: 'NullPointerException', description: '' }))).toEqual(['d']);
    expect(ids(index.query({ title: 'dashboard slow charts', description: '' }))).toEqual([]);
  });

  it('keeps ranking correctly after many removals compact the index', () => {
    const index = createLinkIndex();
    for (let i = 0; i < 40; i++)
      index.upsert({ id: `n${i}`, title: `noise item ${i}`, description: 'filler words' });
    for (const doc of BACKLOG) index.upsert(doc);
    for (let i = 0; i < 40; i++) index.remove(`n${i}`);
    expect(index.size).toBe(4);
    expect(ids(index.query({ title: 'export unicode csv', description: '' }))[0]).toBe('b');
  });

  it('returns scores in descending order with confidences in [0, 1] and readable shared words', () => {
    const matches = indexOf(BACKLOG).query({ title: 'Exporting CSV loses unicode', description: 'login' });
    expect(matches[0]!.id).toBe('b');
    expect(matches[0]!.sharedTerms).toEqual(expect.arrayContaining(['csv', 'unicode']));
    for (let i = 1; i < matches.length; i++)
      expect(matches[i]!.score).toBeLessThanOrEqual(matches[i - 1]!.score);
    for (const m of matches) expect(m.confidence).toBeGreaterThanOrEqual(0);
    for (const m of matches) expect(m.confidence).toBeLessThanOrEqual(1);
  });

  it('tells how much of the ticket each match covers and how much of the ticket the backlog knows', () => {
    const matches = indexOf(BACKLOG).query({
      title: '',
      description: 'Exporting a CSV file loses the unicode names, frobnicated',
    });
    const [top] = matches;
    expect(top!.id).toBe('b');
    expect(top!.evidence.ticket).toEqual({ terms: 6, knownShare: 6 / 7, hasTitle: false });
    expect(top!.evidence.ticketCoverage).toBe(1);
    for (const m of matches.slice(1)) {
      expect(m.evidence.ticket).toEqual(top!.evidence.ticket);
      expect(m.evidence.ticketCoverage).toBeLessThan(1);
    }
  });

  it('rejects an unparseable created time', () => {
    expect(() => createLinkIndex().upsert({ id: 'x', title: 't', description: '', created: 'soon' })).toThrow(
      /invalid created time/,
    );
  });

  it('returns nothing for a query without known words', () => {
    expect(indexOf(BACKLOG).query({ title: 'the of and', description: 'zzzunknown' })).toEqual([]);
  });

  it('with the bigram channel on, prefers items that use the words as a phrase', () => {
    const docs = [
      { id: 'apart', title: 'Pool of workers leaks a connection', description: '' },
      { id: 'phrase', title: 'Connection pool leaks workers', description: '' },
    ];
    const index = createLinkIndex({ tuning: { bigramWeight: 1 } });
    for (const doc of docs) index.upsert(doc);
    const matches = index.query({ title: 'connection pool leak', description: '' });
    expect(ids(matches)).toEqual(['phrase', 'apart']);
    expect(matches[0]!.sharedTerms).toContain('connection pool');
  });
});

describe('createLinkIndex: limits, times and explanations', () => {
  const many = (n: number, make: (i: number) => LinkDoc) => Array.from({ length: n }, (_, i) => make(i));

  it('returns ten matches unless asked for another number', () => {
    const index = indexOf(many(14, (i) => ({ id: `i${i}`, title: `cache eviction ${i}`, description: '' })));
    expect(index.query({ title: 'cache eviction', description: '' })).toHaveLength(10);
    expect(index.query({ title: 'cache eviction', description: '' }, { limit: 12 })).toHaveLength(12);
  });

  it('shows at most five shared words, in the ticket’s own spelling', () => {
    const index = indexOf([
      {
        id: 'a',
        title: 'Exporter crashes writing unicode columns',
        description: 'scheduler timeouts proxy login',
      },
      { id: 'b', title: 'Dashboard charts', description: '' },
    ]);
    const [top] = index.query({
      title: 'Exporting crashed',
      description: 'writes Unicode column, scheduler timeout behind proxy, login',
    });
    expect(top!.id).toBe('a');
    expect(top!.sharedTerms).toHaveLength(5);
    for (const word of top!.sharedTerms)
      expect(['crashed', 'writes', 'unicode', 'column', 'scheduler', 'timeout', 'proxy', 'login']).toContain(
        word,
      );
  });

  it('takes creation times as epoch milliseconds too', () => {
    const index = indexOf([
      { id: 'old', title: 'cache eviction bug', description: '', created: Date.UTC(2020, 0, 1) },
      { id: 'new', title: 'cache eviction bug', description: '', created: Date.UTC(2022, 0, 1) },
    ]);
    const query = { title: 'cache eviction', description: '' };
    expect(ids(index.query(query, { createdBefore: Date.UTC(2021, 0, 1) }))).toEqual(['old']);
    expect(ids(index.query(query, { createdBefore: Date.UTC(2023, 0, 1) }))).toEqual(['new', 'old']);
  });

  it('ranks the newer of two equal items first, by a margin that fades with age', () => {
    const at = (day: number) => Date.UTC(2024, 0, day);
    const index = indexOf([
      { id: 'older', title: 'cache eviction bug', description: '', created: at(1) },
      { id: 'newer', title: 'cache eviction bug', description: '', created: at(20) },
    ]);
    const query = { title: 'cache eviction', description: '' };
    const soon = index.query(query, { createdBefore: at(21) });
    const later = index.query(query, { createdBefore: at(21) + 3 * 365 * 86_400_000 });
    expect(ids(soon)).toEqual(['newer', 'older']);
    expect(ids(later)).toEqual(['newer', 'older']);
    expect(later[0]!.score - later[1]!.score).toBeLessThan(soon[0]!.score - soon[1]!.score);
    expect(later[0]!.score).toBeLessThan(soon[0]!.score);
  });

  it('ignores the rest of a description beyond the token cap', () => {
    const index = createLinkIndex({ tuning: { maxDescriptionTokens: 3 } });
    index.upsert({ id: 'a', title: 'Report', description: 'alpha beta gamma delta epsilon' });
    index.upsert({ id: 'b', title: 'Other', description: 'zeta' });
    expect(ids(index.query({ title: '', description: 'gamma' }))).toEqual(['a']);
    expect(ids(index.query({ title: '', description: 'epsilon' }))).toEqual([]);
  });

  it('does not score a word most of a large backlog uses', () => {
    const index = indexOf(
      many(150, (i) => ({ id: `w${i}`, title: `widget report ${i}`, description: i < 2 ? 'overflow' : '' })),
    );
    expect(ids(index.query({ title: 'widget', description: '' }))).toEqual([]);
    expect(ids(index.query({ title: 'widget overflow', description: '' })).sort()).toEqual(['w0', 'w1']);
  });

  it('estimates its memory: nothing when empty, growing with the items, shrinking once removals compact it', () => {
    const index = createLinkIndex();
    expect(index.memoryEstimate()).toBe(0);
    const docs = many(200, (i) => ({
      id: `m${i}`,
      title: `item ${i} title${i}`,
      description: `words${i} more${i}`,
    }));
    for (const doc of docs.slice(0, 100)) index.upsert(doc);
    const half = index.memoryEstimate();
    for (const doc of docs.slice(100)) index.upsert(doc);
    const full = index.memoryEstimate();
    expect(full / half).toBeGreaterThan(1.8);
    expect(full / half).toBeLessThan(2.2);
    for (const doc of docs.slice(0, 150)) index.remove(doc.id);
    expect(index.memoryEstimate()).toBeLessThan(full / 2);
  });
});

describe('createLinkIndex: scores and evidence', () => {
  const plain = { recencyWeight: 0, itemTitleCoverageWeight: 0 };
  const words = [
    'cache',
    'eviction',
    'stale',
    'login',
    'proxy',
    'export',
    'unicode',
    'scheduler',
    'timeout',
    'broker',
  ];
  const docs: LinkDoc[] = Array.from({ length: 80 }, (_, i) => ({
    id: `d${i}`,
    title: `${words[i % 10]} ${words[(i * 3) % 10]} report`,
    description: `${words[(i * 7) % 10]} ${words[(i + 4) % 10]} ${'detail '.repeat(i % 5)}`,
    created: Date.UTC(2024, 0, 1) + i * 86_400_000,
  }));
  const ticket = { title: 'stale cache behind proxy', description: 'cache eviction timeout' };

  it.each([
    ['with the defaults', {}],
    ['without priors', plain],
  ])('gives a shorter list that is the head of a longer one, %s', (_name, tuning) => {
    const index = createLinkIndex({ tuning });
    for (const doc of docs) index.upsert(doc);
    const long = index.query(ticket, { limit: 60 });
    expect(long.length).toBeGreaterThan(40);
    for (const limit of [1, 3, 10]) {
      expect(ids(index.query(ticket, { limit }))).toEqual(ids(long).slice(0, limit));
    }
    for (let i = 1; i < long.length; i++) expect(long[i]!.score).toBeLessThanOrEqual(long[i - 1]!.score);
  });

  it('scores an item worded exactly like the ticket 1 (items of equal length), and one sharing part of it less', () => {
    const index = createLinkIndex({ tuning: plain });
    index.upsert({ id: 'same', title: 'Proxy drops login', description: 'session cookie lost' });
    index.upsert({ id: 'part', title: 'Proxy config reload', description: 'upstream timeout error' });
    const matches = index.query({ title: 'Proxy drops login', description: 'session cookie lost' });
    expect(ids(matches)).toEqual(['same', 'part']);
    expect(matches[0]!.score).toBeCloseTo(1, 10);
    expect(matches[1]!.score).toBeGreaterThan(0);
    expect(matches[1]!.score).toBeLessThan(0.5);
  });

  it('tells how much of the ticket title the item title has, and how much of the item title the ticket has', () => {
    const index = createLinkIndex();
    index.upsert({ id: 'full', title: 'Proxy drops login', description: '' });
    index.upsert({ id: 'half', title: 'Proxy config', description: 'login' });
    index.upsert({ id: 'body', title: 'Unrelated', description: 'proxy drops login' });
    const matches = index.query({ title: 'proxy drops login', description: '' });
    const of = (id: string) => matches.find((m) => m.id === id)!.evidence;
    expect(of('full')).toMatchObject({ titleOverlap: 1, itemTitleCoverage: 1, ticketCoverage: 1 });
    expect(of('body')).toMatchObject({ titleOverlap: 0, itemTitleCoverage: 0, ticketCoverage: 1 });
    expect(of('half').titleOverlap).toBeGreaterThan(0);
    expect(of('half').titleOverlap).toBeLessThan(1);
    expect(of('half').itemTitleCoverage).toBeGreaterThan(0);
    expect(of('half').itemTitleCoverage).toBeLessThan(1);
    expect(ids(matches)[0]).toBe('full');
  });

  it('scores only the most telling query words when asked to keep few', () => {
    const index = createLinkIndex({ tuning: { ...plain, maxQueryTerms: 1 } });
    index.upsert({ id: 'rare', title: 'Kahadb journal', description: '' });
    for (let i = 0; i < 5; i++) index.upsert({ id: `c${i}`, title: `Broker item ${i}`, description: '' });
    expect(ids(index.query({ title: 'broker kahadb', description: '' }))).toEqual(['rare']);
  });
});

describe('createLinkIndex: removals and updates', () => {
  const topics = ['cache eviction', 'login proxy', 'csv export', 'scheduler timeout', 'broker journal'];
  const docs: LinkDoc[] = Array.from({ length: 100 }, (_, i) => ({
    id: `d${i}`,
    title: `${topics[i % 5]} ${i % 7 === 0 ? 'crash' : 'issue'} ${'word '.repeat(i % 3)}`,
    description: `${topics[(i + 2) % 5]} seen ${'again '.repeat(i % 4)}`,
  }));
  const ticket = { title: 'cache eviction crash', description: 'proxy timeout' };
  const scores = (index: ReturnType<typeof createLinkIndex>) =>
    Object.fromEntries(index.query(ticket, { limit: 100 }).map((m) => [m.id, m.score]));

  it('once compacted, ranks exactly like an index built without the removed and replaced items', () => {
    const index = indexOf(docs);
    // 26 of 100 tombstones pass the quarter that compacts the index.
    for (let i = 0; i < 25; i++) index.remove(`d${i * 2}`);
    index.upsert({ ...docs[51]!, title: 'broker journal lost', description: 'nothing else' });
    const kept = docs
      .filter((_, i) => !(i < 50 && i % 2 === 0) && i !== 51)
      .concat({ ...docs[51]!, title: 'broker journal lost', description: 'nothing else' });
    expect(index.size).toBe(75);
    const expected = scores(indexOf(kept));
    const actual = scores(index);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, score] of Object.entries(expected)) expect(actual[id]).toBeCloseTo(score, 10);
  });

  it('once compacted, still filters by each item’s own creation time', () => {
    const index = createLinkIndex();
    for (let i = 0; i < 40; i++)
      index.upsert({
        id: `n${i}`,
        title: `noise item ${i}`,
        description: 'filler words '.repeat(30),
        created: '2030-01-01T00:00:00Z',
      });
    for (const doc of BACKLOG) index.upsert(doc);
    const before = index.query({ title: 'login page export', description: '' });
    for (let i = 0; i < 40; i++) index.remove(`n${i}`);
    const query = { title: 'login page', description: '' };
    expect(ids(index.query(query, { createdBefore: '2024-03-15T00:00:00Z' }))).toEqual(['a', 'b']);
    expect(ids(index.query(query, { createdBefore: '2024-01-01T00:00:00Z' }))).toEqual([]);
    expect(ids(index.query({ title: 'login page export', description: '' }))).toEqual(ids(before));
  });

  it('ranks a short title with the word above a long title with it', () => {
    const index = createLinkIndex({ tuning: { recencyWeight: 0 } });
    index.upsert({
      id: 'long',
      title: 'Eviction of entries from the shared cache layer under heavy load',
      description: '',
    });
    index.upsert({ id: 'short', title: 'Cache eviction', description: '' });
    index.upsert({ id: 'other', title: 'Login page', description: 'proxy' });
    expect(ids(index.query({ title: 'cache eviction', description: '' }))).toEqual(['short', 'long']);
  });
});

describe('createLinkIndex: words of linked tickets', () => {
  const customer = { title: '', description: 'the app freezes when I rotate my tablet' };
  const linkedTicket = {
    id: 'SUP-1',
    itemId: 'd',
    title: '',
    description: 'whole app freezes after I rotate the tablet',
    created: '2024-05-01T00:00:00Z',
  };

  it('finds an item through the words of a ticket linked to it, and says through which', () => {
    const index = indexOf(BACKLOG);
    expect(ids(index.query(customer))).toEqual([]);
    index.upsertLinked(linkedTicket);
    const matches = index.query(customer);
    expect(ids(matches)).toEqual(['d']);
    expect(matches[0]!.via).toBe('SUP-1');
    expect(matches[0]!.sharedTerms).toEqual(expect.arrayContaining(['freezes', 'rotate', 'tablet']));
    expect(index.size).toBe(4);
  });

  it('names each item once, through whichever of its texts matches best', () => {
    const index = indexOf(BACKLOG);
    index.upsertLinked(linkedTicket);
    index.upsertLinked({ ...linkedTicket, id: 'SUP-2', description: 'tablet app slow' });
    const matches = index.query({ title: '', description: 'dashboard slow, app freezes on rotate' });
    expect(ids(matches).filter((id) => id === 'd')).toHaveLength(1);
    const viaTicket = matches.find((m) => m.id === 'd')!;
    expect(viaTicket.via).toBe('SUP-1');
    // The item's title still counts: the ticket names all of it ("dashboard", "slow").
    expect(viaTicket.evidence.itemTitleCoverage).toBeCloseTo(1);
    const own = index.query({ title: 'Dashboard is slow', description: 'charts render slowly' });
    expect(own[0]!.id).toBe('d');
    expect(own[0]!.via).toBeUndefined();
  });

  it('forgets the words when the link goes, and ignores them while the item is not indexed', () => {
    const index = indexOf(BACKLOG);
    index.upsertLinked(linkedTicket);
    index.remove('d');
    expect(ids(index.query(customer))).toEqual([]);
    index.upsert(BACKLOG[3]!);
    expect(ids(index.query(customer))).toEqual(['d']);
    expect(index.removeLinked('SUP-1', 'd')).toBe(true);
    expect(index.removeLinked('SUP-1', 'd')).toBe(false);
    expect(ids(index.query(customer))).toEqual([]);
  });

  it('removes a link’s words once: a second removal finds nothing, the item’s other links stay', () => {
    // Enough items that neither removal compacts the index (which would hide a stale entry).
    const index = indexOf([
      ...BACKLOG,
      ...Array.from({ length: 20 }, (_, i) => ({ id: `n${i}`, title: `noise ${i}`, description: '' })),
    ]);
    index.upsertLinked(linkedTicket);
    index.upsertLinked({ ...linkedTicket, id: 'SUP-2', description: 'tablet rotation freezes' });
    expect(index.removeLinked('SUP-1', 'd')).toBe(true);
    expect(index.removeLinked('SUP-1', 'd')).toBe(false);
    expect(index.removeLinked('SUP-2', 'a')).toBe(false);
    expect(index.query(customer).map((m) => [m.id, m.via])).toEqual([['d', 'SUP-2']]);
  });

  it('keeps a ticket linked to two items as evidence for both, replaced per link', () => {
    const index = indexOf(BACKLOG);
    index.upsertLinked(linkedTicket);
    index.upsertLinked({ ...linkedTicket, itemId: 'a' });
    expect(ids(index.query(customer)).sort()).toEqual(['a', 'd']);
    index.upsertLinked({ ...linkedTicket, itemId: 'a', description: 'nothing alike' });
    expect(ids(index.query(customer))).toEqual(['d']);
  });

  it('lets a ticket find neither itself nor, through its own words, the item it is linked to', () => {
    const index = indexOf(BACKLOG);
    index.upsertLinked(linkedTicket);
    expect(ids(index.query(customer, { excludeId: 'SUP-1' }))).toEqual([]);
    expect(ids(index.query(customer, { excludeId: 'd' }))).toEqual([]);
  });

  it('uses the words only for tickets that arrive after the linked one, and only for older items', () => {
    const index = indexOf(BACKLOG);
    index.upsertLinked(linkedTicket);
    expect(ids(index.query(customer, { createdBefore: '2024-04-15T00:00:00Z' }))).toEqual([]);
    expect(ids(index.query(customer, { createdBefore: '2024-06-01T00:00:00Z' }))).toEqual(['d']);
    index.upsertLinked({ ...linkedTicket, id: 'SUP-0', itemId: 'd', created: '2024-01-15T00:00:00Z' });
    expect(ids(index.query(customer, { createdBefore: '2024-03-01T00:00:00Z' }))).toEqual([]);
  });

  it('once compacted, ranks exactly like an index built with only the links still standing', () => {
    const index = indexOf(BACKLOG);
    const tickets = Array.from({ length: 20 }, (_, i) => ({
      ...linkedTicket,
      id: `SUP-${i}`,
      itemId: BACKLOG[i % 4]!.id,
      description: `${i % 2 ? 'tablet' : 'proxy'} freezes ${'again '.repeat(i % 3)}`,
    }));
    for (const t of tickets) index.upsertLinked(t);
    // 24 slots: the 7th removal compacts (7 × 4 > 24), the 12th again (5 × 4 > 17), leaving no tombstone.
    for (const t of tickets.slice(0, 12)) index.removeLinked(t.id, t.itemId);
    const fresh = indexOf(BACKLOG);
    for (const t of tickets.slice(12)) fresh.upsertLinked(t);
    const query = { title: '', description: 'tablet proxy freezes' };
    const view = (i: ReturnType<typeof createLinkIndex>) =>
      i.query(query).map((m) => [m.id, m.via, m.score.toFixed(10)]);
    expect(view(index)).toEqual(view(fresh));
    expect(view(index).length).toBeGreaterThan(0);
  });
});
