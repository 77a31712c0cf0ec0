import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container } from '../../src/domain/events.ts';
import { createIndexReplica, createLinkIndexStore } from '../../src/linking/index.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import { indexItem, linkTicket, summaryOfItem, unlinkTicket } from '../../workers/capabilities/linking.ts';
import { linkByHand, unlinkByHand } from '../../workers/capabilities/linking-manual.ts';
import { learnLink, matchTicket } from '../../workers/capabilities/linking-match.ts';
import { notifyResolution } from '../../workers/capabilities/linking-resolution.ts';
import { backfillIndex } from '../../workers/handlers/backfill-index.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';

const redis: Redis = testRedis();
afterAll(() => redis.disconnect());

const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };
const LATER = '2025-02-01T00:00:00.000Z';
let tracker: MemoryTracker;
let context: JobContext;
let progress: unknown[];

beforeEach(() => {
  tracker = createMemoryTracker([
    memoryItem('APP-1', { title: 'Password reset email never arrives' }),
    memoryItem('APP-2', { title: 'Dark mode for the settings page' }),
    memoryItem('HELP-1', { title: 'Reset email not arriving', container: HELP, createdAt: LATER }),
    memoryItem('HELP-2', { title: 'Still no reset email', container: HELP, createdAt: LATER }),
  ]);
  progress = [];
  context = {
    log: createLogger({ level: 'silent' }),
    jobId: 'job-1',
    config: testConfig(),
    rules: defaultRules,
    tracker: () => tracker,
    selfId: () => 'bot',
    redis,
    keyPrefix: uniquePrefix('linking'),
    now: () => new Date('2025-06-01T00:00:00Z'),
    progress: async (value) => {
      progress.push(value);
    },
  };
});

const item = (key: string) => [...tracker.items.values()].find((candidate) => candidate.ref.key === key)!;

/**
 * APP-3 says "card declined"; customers say "the bank refuses my purchase". HELP-5 was filed first, HELP-6 is
 * worded like it and shares no word with APP-3's text.
 */
async function customersWordItDifferently(): Promise<void> {
  const add = (key: string, overrides: Parameters<typeof memoryItem>[1]) =>
    tracker.items.set(`id-${key}`, memoryItem(key, overrides));
  add('APP-3', { title: 'Card declined at checkout payment', description: 'Payment fails for some cards' });
  add('HELP-5', {
    title: 'Bank refuses my purchase',
    description: 'Every purchase I try is refused by the bank.',
    container: HELP,
    createdAt: LATER,
  });
  add('HELP-6', {
    title: 'Purchase refused',
    description: 'The bank refused my purchase again.',
    container: HELP,
    createdAt: '2025-03-01T00:00:00.000Z',
  });
  for (const key of ['APP-1', 'APP-2', 'APP-3']) await indexItem(item(key).ref, context);
}
const linkComment = (key: string) => tracker.comments.get(`id-${key}/link`)?.text ?? '';
/** What matching HELP-6 offers: the item linked, the first suggestion, or nothing. */
async function matchedForHelp6(): Promise<string | undefined> {
  const result: { linked?: string; suggested?: string[]; skipped?: string } = await matchTicket(
    item('HELP-6').ref,
    context,
  );
  return result.linked ?? result.skipped ?? result.suggested?.[0] ?? 'nothing';
}
/** The items the ticket's words stand for, as a fresh worker process reads them from Redis. */
async function wordsOf(key: string): Promise<string[]> {
  const replica = createIndexReplica(redis, context.keyPrefix);
  await replica.sync();
  return replica.wordsOf(item(key).ref).map((ref) => ref.key);
}
const notices = () => [...tracker.comments.keys()].filter((key) => key.includes('/resolution')).sort();

describe('linking use cases', () => {
  it('indexes backlog items only, and drops deleted ones', async () => {
    expect(await indexItem(item('APP-1').ref, context)).toEqual({ indexed: 'written' });
    expect(await indexItem(item('APP-1').ref, context)).toEqual({ indexed: 'unchanged' });
    expect(await indexItem(item('HELP-1').ref, context)).toEqual({ indexed: 'absent' });
    const gone = item('APP-1').ref;
    tracker.items.delete(gone.id);
    expect(await indexItem(gone, context)).toEqual({ indexed: 'removed' });
  });

  it('tells every linked ticket once per resolution, and again after a reopen', async () => {
    const resolved = summaryOfItem(item('APP-1'));
    await linkTicket(item('HELP-1'), resolved, context, { how: 'auto', confidence: 0.9 });
    await linkTicket(item('HELP-2'), resolved, context, { how: 'command' });
    const done = () => {
      item('APP-1').status = { name: 'Done', category: 'done' };
    };

    done();
    expect(await notifyResolution(resolved.ref, context)).toEqual({
      resolution: 1,
      notified: ['HELP-1', 'HELP-2'],
    });
    expect(await notifyResolution(resolved.ref, context)).toEqual({ resolution: 1, notified: [] });
    item('APP-1').status = { name: 'In Progress', category: 'in_progress' };
    await notifyResolution(resolved.ref, context);
    done();
    expect(await notifyResolution(resolved.ref, context)).toEqual({
      resolution: 2,
      notified: ['HELP-1', 'HELP-2'],
    });
    expect(notices()).toEqual([
      'id-HELP-1/resolution 1 of APP-1',
      'id-HELP-1/resolution 2 of APP-1',
      'id-HELP-2/resolution 1 of APP-1',
      'id-HELP-2/resolution 2 of APP-1',
    ]);
  });

  it('tells the tickets it told of a resolution, once, that the item was reopened', async () => {
    const resolved = summaryOfItem(item('APP-1'));
    await linkTicket(item('HELP-1'), resolved, context, { how: 'command' });
    item('APP-1').status = { name: 'Done', category: 'done' };
    await notifyResolution(resolved.ref, context);

    // The fix did not hold: APP-1 is reopened, then moves on while open.
    item('APP-1').status = { name: 'In Progress', category: 'in_progress' };
    expect(await notifyResolution(resolved.ref, context)).toEqual({ reopened: 1, notified: ['HELP-1'] });
    item('APP-1').status = { name: 'In Review', category: 'in_progress' };
    expect(await notifyResolution(resolved.ref, context)).toEqual({ skipped: 'status In Review' });

    const told = [...tracker.comments.entries()].filter(([key]) => key.startsWith('id-HELP-1/reopen'));
    expect(told).toHaveLength(1);
    expect(told[0]![1].text).toContain('APP-1 Password reset email never arrives is In Progress again');
    // An item never resolved tells nobody when its status changes.
    item('APP-2').status = { name: 'In Progress', category: 'in_progress' };
    await linkTicket(item('HELP-2'), summaryOfItem(item('APP-2')), context, { how: 'command' });
    expect(await notifyResolution(item('APP-2').ref, context)).toEqual({ skipped: 'status In Progress' });
  });

  it('with notifyCustomers, also tells the customer of a service-desk ticket, publicly and once', async () => {
    const rules = defaultRules();
    context = {
      ...context,
      rules: () => ({ ...rules, linking: { ...rules.linking, notifyCustomers: true } }),
    };
    const resolved = summaryOfItem(item('APP-1'));
    await linkTicket(item('HELP-1'), resolved, context, { how: 'auto', confidence: 0.9 });
    item('APP-1').status = { name: 'Done', category: 'done' };

    expect(await notifyResolution(resolved.ref, context)).toEqual({
      resolution: 1,
      notified: ['HELP-1'],
      customersTold: ['HELP-1'],
    });
    expect(await notifyResolution(resolved.ref, context)).toMatchObject({ customersTold: [] });
    expect(tracker.writes.filter((w) => w.includes('customer notice'))).toEqual([
      'upsertComment HELP-1 customer notice 1 of APP-1 (public)',
      'upsertComment HELP-1 customer notice 1 of APP-1 (public)',
    ]);
    expect(tracker.comments.get(`${item('HELP-1').ref.id}/customer notice 1 of APP-1`)?.text).toBe(
      'Update on your request: the problem behind it has been fixed.\nThis message was posted automatically; the team will follow up if anything else is needed.',
    );
  });

  it('with notifyCustomers, tells the customer only once every item the ticket is linked to is resolved', async () => {
    const rules = defaultRules();
    context = {
      ...context,
      rules: () => ({ ...rules, linking: { ...rules.linking, notifyCustomers: true } }),
    };
    // The request has two causes: agents link it to both items.
    await linkTicket(item('HELP-1'), summaryOfItem(item('APP-1')), context, { how: 'command' });
    await linkTicket(item('HELP-1'), summaryOfItem(item('APP-2')), context, { how: 'command' });

    item('APP-1').status = { name: 'Done', category: 'done' };
    expect(await notifyResolution(item('APP-1').ref, context)).toEqual({
      resolution: 1,
      notified: ['HELP-1'],
      customersTold: [],
    });
    item('APP-2').status = { name: 'Done', category: 'done' };
    expect(await notifyResolution(item('APP-2').ref, context)).toEqual({
      resolution: 1,
      notified: ['HELP-1'],
      customersTold: ['HELP-1'],
    });
    const publicComments = [...tracker.comments.keys()].filter((key) => key.includes('customer notice'));
    expect(publicComments).toEqual(['id-HELP-1/customer notice 1 of APP-2']);
  });

  it('an automatic link to an item already resolved says so in the ticket’s comment', async () => {
    item('APP-1').status = { name: 'Done', category: 'done' };
    await indexItem(item('APP-1').ref, context);
    await indexItem(item('APP-2').ref, context);

    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });
    expect(linkComment('HELP-1')).toContain('APP-1 is already Done');
  });

  it('links a confident match once, and never again automatically after a person unlinked it', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);

    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });
    // The ticket's next job (an edit): another job than the one that linked it.
    expect(await matchTicket(item('HELP-1').ref, { ...context, jobId: 'job-2' })).toEqual({
      skipped: 'already linked',
    });
    // An automatic link teaches nothing: the service's guesses would feed on themselves.
    expect(await wordsOf('HELP-1')).toEqual([]);
    await unlinkTicket(item('HELP-1'), summaryOfItem(item('APP-1')), context);

    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ suggested: ['APP-2'] });
    expect(item('HELP-1').links).toEqual([]);
    expect(tracker.comments.get('id-HELP-1/link')?.text).not.toContain('APP-1');
  });

  it('backfills the backlog items of a container and reports progress', async () => {
    const result = await backfillIndex(
      { targets: [{ tracker: 'jira', containerId: 'APP' }], requestedBy: { id: 'ada', displayName: 'Ada' } },
      context,
    );
    expect(result).toEqual({ seen: 4, indexed: 2, learned: 0, removed: 0, size: 2 });
    const counts = { targets: 1, seen: 4, indexed: 2, learned: 0, removed: 0, listed: 4 };
    expect(progress).toEqual([
      { target: 'jira:APP', targetsDone: 0, ...counts },
      { target: 'jira:APP', targetsDone: 1, ...counts },
    ]);
    expect(await createLinkIndexStore(redis, context.keyPrefix).get(item('APP-2').ref)).toMatchObject({
      title: 'Dark mode for the settings page',
    });
  });

  it('reports out of how many items and the seconds left, as the re-score does, where the tracker counts them', async () => {
    // Jira counts the project (approximately) when the job begins; its pages hold two issues each; a page takes 10 s.
    tracker.countItems = async () => 4;
    tracker.listItems = async (_scope, cursor) => {
      const all = [...tracker.items.values()];
      const start = Number(cursor ?? 0);
      return {
        items: all.slice(start, start + 2),
        next: start + 2 < all.length ? String(start + 2) : undefined,
      };
    };
    let clock = Date.parse('2025-06-01T00:00:00Z');
    context.now = () => {
      clock += 5_000;
      return new Date(clock);
    };

    await backfillIndex(
      { targets: [{ tracker: 'jira', containerId: 'APP' }], requestedBy: { id: 'ada', displayName: 'Ada' } },
      context,
    );
    expect(progress[0]).toMatchObject({ listed: 2, total: 4 });
    expect((progress[0] as { etaSeconds: number }).etaSeconds).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ listed: 4, total: 4, etaSeconds: 0 });
  });

  it('reports how many items it listed where the tracker cannot count them (as on Trello)', async () => {
    await backfillIndex(
      { targets: [{ tracker: 'jira', containerId: 'APP' }], requestedBy: { id: 'ada', displayName: 'Ada' } },
      context,
    );
    expect(progress.at(-1)).toMatchObject({ listed: 4 });
    expect(progress.at(-1)).not.toHaveProperty('total');
  });

  it("learns customers' words from a link: the next ticket worded alike gets the item, and is told why", async () => {
    await customersWordItDifferently();
    await linkTicket(item('HELP-5'), summaryOfItem(item('APP-3')), context, { how: 'command' });

    expect(await matchedForHelp6()).toBe('APP-3');
    expect(linkComment('HELP-6')).toContain('worded like HELP-5, already linked to it');
    expect(linkComment('HELP-6')).not.toContain('Every purchase I try');
  });

  it('forgets the words once the link is undone, learns nothing in a dry run, and nothing from a deleted ticket', async () => {
    await customersWordItDifferently();
    const learnt = () =>
      linkTicket(item('HELP-5'), summaryOfItem(item('APP-3')), context, { how: 'command' });
    await learnt();
    await unlinkTicket(item('HELP-5'), summaryOfItem(item('APP-3')), context);
    expect(await matchedForHelp6()).toBe('nothing');
    expect(linkComment('HELP-6')).not.toContain('worded like');

    await linkTicket(
      item('HELP-5'),
      summaryOfItem(item('APP-3')),
      { ...context, dryRun: true },
      { how: 'auto' },
    );
    expect(await matchedForHelp6()).toBe('nothing');

    await learnt();
    const deleted = item('HELP-5').ref;
    tracker.items.delete(deleted.id);
    expect(await indexItem(deleted, context)).toEqual({ indexed: 'absent', wordsForgotten: 1 });
    expect(await matchedForHelp6()).toBe('nothing');
  });

  it('backfills the words of tickets people linked in the tracker before, and forgets them when one is deleted', async () => {
    await customersWordItDifferently();
    const linkTo = (key: string, target: string) =>
      item(key).links.push({
        target: { kind: 'item', ref: item(target).ref, url: `https://x/${target}`, title: target },
        type: 'Relates',
        direction: 'outward',
      });
    linkTo('HELP-5', 'APP-3');
    // A link to another ticket (not indexed) teaches nothing.
    linkTo('HELP-1', 'HELP-2');
    const backfill = () =>
      backfillIndex(
        {
          targets: [{ tracker: 'jira', containerId: 'APP' }],
          requestedBy: { id: 'ada', displayName: 'Ada' },
        },
        context,
      );

    expect(await backfill()).toMatchObject({ indexed: 3, learned: 1 });
    // In a dry run the service remembers no link; with the tracker's undone, HELP-6 can be matched again.
    context = { ...context, dryRun: true };
    expect(await matchedForHelp6()).toBe('APP-3');
    expect(linkComment('HELP-6')).toContain('worded like HELP-5, already linked to it');
    item('HELP-6').links = [];

    await linkTicket(
      item('HELP-1'),
      summaryOfItem(item('APP-1')),
      { ...context, dryRun: false },
      {
        how: 'command',
      },
    );
    const deleted = item('HELP-5').ref;
    tracker.items.delete(deleted.id);
    // The deletions are real (a dry run forgets nothing); the matching around them stays a dry run.
    const live = { ...context, dryRun: false };
    expect(await indexItem(deleted, live)).toEqual({ indexed: 'absent', wordsForgotten: 1 });
    expect(await matchedForHelp6()).toBe('nothing');
    // Only the deleted ticket's words went.
    const other = item('HELP-1').ref;
    tracker.items.delete(other.id);
    expect(await indexItem(other, live)).toEqual({ indexed: 'absent', wordsForgotten: 1 });
  });

  it('learns from a link a person makes in the tracker, either way round, and forgets when they remove it', async () => {
    await customersWordItDifferently();
    context = { ...context, dryRun: true };
    const link = (kind: 'link.created' | 'link.deleted', from: string, to: string) =>
      learnLink(
        {
          deliveryId: 'd1',
          tracker: 'jira',
          actor: { id: 'ada', displayName: 'Ada' },
          occurredAt: LATER,
          kind,
          item: { tracker: 'jira', id: item(from).ref.id, key: item(from).ref.id },
          container: { id: 'unknown', key: 'unknown' },
          target: { tracker: 'jira', id: item(to).ref.id, key: item(to).ref.id },
        },
        { ...context, dryRun: false },
      );
    // The link is gone already when the job runs: nothing to learn.
    expect(await link('link.created', 'APP-3', 'HELP-5')).toEqual({ 'HELP-5': { linkedTo: [] } });
    item('HELP-5').links.push({
      target: { kind: 'item', ref: item('APP-3').ref, url: 'https://x/APP-3', title: 'APP-3' },
      type: 'Relates',
      direction: 'outward',
    });
    expect(await link('link.created', 'APP-3', 'HELP-5')).toEqual({
      'HELP-5': { linkedTo: ['APP-3'], wordsRefreshed: 1 },
    });
    expect(await matchedForHelp6()).toBe('APP-3');
    expect(linkComment('HELP-6')).toContain('worded like HELP-5, already linked to it');
    item('HELP-6').links = [];

    item('HELP-5').links = [];
    expect(await link('link.deleted', 'HELP-5', 'APP-3')).toEqual({
      'HELP-5': { suggested: [], comment: 'created', unlinkedInTracker: ['APP-3'] },
    });
    expect(linkComment('HELP-5')).toContain('The link to APP-3 was removed in the tracker');
    expect(await matchedForHelp6()).toBe('nothing');
    expect(await link('link.created', 'APP-1', 'APP-2')).toEqual({
      skipped: 'no support ticket at either end',
    });
  });

  it("keeps a linked ticket's words current when it is edited, and stores them when a link was recorded without", async () => {
    await customersWordItDifferently();
    const help5 = item('HELP-5');
    await linkTicket(help5, summaryOfItem(item('APP-3')), context, { how: 'command' });
    const store = createLinkIndexStore(redis, context.keyPrefix);
    // A crash between the link record and the words: the next run of the ticket's job stores them.
    await store.deleteLinked(help5.ref, item('APP-3').ref);
    expect(await matchTicket(help5.ref, context)).toEqual({ skipped: 'already linked', wordsRefreshed: 1 });
    expect(await matchTicket(help5.ref, context)).toEqual({ skipped: 'already linked' });

    help5.title = 'Shop rejects my voucher';
    help5.description = 'Every voucher I enter is rejected by the shop.';
    expect(await matchTicket(help5.ref, context)).toEqual({ skipped: 'already linked', wordsRefreshed: 1 });
    context = { ...context, dryRun: true };
    expect(await matchedForHelp6()).toBe('nothing');
    item('HELP-6').description = 'The shop rejected my voucher again.';
    item('HELP-6').title = 'Voucher rejected';
    expect(await matchedForHelp6()).toBe('APP-3');
  });

  it('follows the links a person adds or removes in the tracker, even one naming the item by key', async () => {
    await customersWordItDifferently();
    const help5 = item('HELP-5');
    // As a Trello attachment names a Jira issue: by its key, not its id.
    help5.links.push({
      target: {
        kind: 'item',
        ref: { tracker: 'jira', id: 'APP-3', key: 'APP-3' },
        url: 'https://acme.atlassian.net/browse/APP-3',
        title: 'APP-3',
      },
      type: 'attachment',
      direction: 'outward',
    });
    expect(await matchTicket(help5.ref, context)).toEqual({ skipped: 'already linked', wordsRefreshed: 1 });
    const live = context;
    context = { ...live, dryRun: true };
    expect(await matchedForHelp6()).toBe('APP-3');
    item('HELP-6').links = [];

    help5.links = [];
    expect(await matchTicket(help5.ref, live)).toMatchObject({ unlinkedInTracker: ['APP-3'] });
    expect(await matchedForHelp6()).toBe('nothing');
  });

  it('forgets a /link a person removes in the tracker, with the link back from a card; the ticket keeps the rest', async () => {
    await customersWordItDifferently();
    const help5 = item('HELP-5');
    await linkTicket(help5, summaryOfItem(item('APP-3')), context, { how: 'command' });
    const board: Container = { id: 'board-1', key: 'board-1' };
    const card = memoryItem('card', {
      ref: { tracker: 'trello', id: 'card-1', key: 'Ab12Cd34' },
      container: board,
    });
    const other = memoryItem('other', {
      ref: { tracker: 'trello', id: 'card-2', key: 'Ef56Gh78' },
      container: board,
    });
    tracker.items.set('card-1', card);
    tracker.items.set('card-2', other);
    for (const indexed of [card, other]) {
      await indexItem(indexed.ref, context);
      await linkTicket(help5, summaryOfItem(indexed), context, { how: 'command' });
    }
    expect((await wordsOf('HELP-5')).sort()).toEqual(['APP-3', 'Ab12Cd34', 'Ef56Gh78']);
    expect(card.links.map((link) => link.target.kind === 'item' && link.target.ref.key)).toEqual(['HELP-5']);

    // A person removes the issue link to APP-3 and the remote link to the first card; the second stays.
    help5.links = help5.links.filter(
      (link) => link.target.kind === 'item' && link.target.ref.key === 'Ef56Gh78',
    );
    expect(await matchTicket(help5.ref, context)).toEqual({
      skipped: 'already linked',
      unlinkedInTracker: ['APP-3', 'Ab12Cd34'],
    });
    expect(await wordsOf('HELP-5')).toEqual(['Ef56Gh78']);
    expect(card.links).toEqual([]);
    expect(other.links).toHaveLength(1);
    expect(linkComment('HELP-5')).toBe(
      'The links to APP-3 and Ab12Cd34 were removed in the tracker; the service no longer links this ticket automatically.\nStill linked to Ef56Gh78; support hears here when it is resolved.',
    );
    expect(await matchTicket(help5.ref, context)).toEqual({ skipped: 'already linked' });
  });

  it('takes an automatic link a person removes in the tracker as an /unlink: no notice, no new guess; re-made by hand it teaches', async () => {
    await customersWordItDifferently();
    const help5 = item('HELP-5');
    await linkTicket(help5, summaryOfItem(item('APP-3')), context, { how: 'auto', confidence: 0.8 });
    expect(await wordsOf('HELP-5')).toEqual([]);

    help5.links = [];
    expect(await matchTicket(help5.ref, context)).toMatchObject({ unlinkedInTracker: ['APP-3'] });
    expect(linkComment('HELP-5')).toContain('The link to APP-3 was removed in the tracker');
    item('APP-3').status = { name: 'Done', category: 'done' };
    expect(await notifyResolution(item('APP-3').ref, context)).toEqual({ resolution: 1, notified: [] });
    item('APP-3').status = { name: 'To Do', category: 'todo' };
    await notifyResolution(item('APP-3').ref, context);

    // The person links the same item again by hand: now it is theirs, and it teaches.
    help5.links.push({
      target: { kind: 'item', ref: item('APP-3').ref, url: item('APP-3').url, title: 'APP-3' },
      type: 'Relates',
      direction: 'outward',
    });
    expect(await matchTicket(help5.ref, context)).toEqual({ skipped: 'already linked', wordsRefreshed: 1 });
    expect(await wordsOf('HELP-5')).toEqual(['APP-3']);
    item('APP-3').status = { name: 'Done', category: 'done' };
    expect(await notifyResolution(item('APP-3').ref, context)).toEqual({
      resolution: 2,
      notified: ['HELP-5'],
    });
  });

  it('does not take a link recorded while the ticket was read for one a person removed', async () => {
    await customersWordItDifferently();
    const help5 = item('HELP-5');
    const read = tracker.getItem.bind(tracker);
    // The tracker answers with the ticket as it was, while a /link on the item lands meanwhile.
    tracker.getItem = async (ref) => {
      const before = await read(ref);
      tracker.getItem = read;
      await linkTicket(await read(ref), summaryOfItem(item('APP-3')), context, { how: 'command' });
      return before;
    };
    expect(await matchTicket(help5.ref, context)).toEqual({ skipped: 'already linked' });
    expect(await matchTicket(help5.ref, context)).toEqual({ skipped: 'already linked' });
    expect(help5.links.map((link) => link.target.kind === 'item' && link.target.ref.key)).toEqual(['APP-3']);
    expect(await wordsOf('HELP-5')).toEqual(['APP-3']);
  });

  it('after a person unlinked a ticket, suggests even a confident match instead of linking it', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    await linkTicket(item('HELP-1'), summaryOfItem(item('APP-2')), context, { how: 'command' });
    await unlinkTicket(item('HELP-1'), summaryOfItem(item('APP-2')), context);

    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ suggested: ['APP-1'] });
    expect(item('HELP-1').links).toEqual([]);
  });

  it('forgets the words a deleted item was taught, and those a ticket taught once it leaves support', async () => {
    await customersWordItDifferently();
    await linkTicket(item('HELP-5'), summaryOfItem(item('APP-3')), context, { how: 'command' });
    await linkTicket(item('HELP-1'), summaryOfItem(item('APP-1')), context, { how: 'command' });
    expect(await wordsOf('HELP-5')).toEqual(['APP-3']);

    const deleted = item('APP-3').ref;
    tracker.items.delete(deleted.id);
    expect(await indexItem(deleted, context)).toEqual({ indexed: 'removed', wordsForgotten: 1 });
    expect(await wordsOf('HELP-5')).toEqual([]);

    // HELP-1 is moved into the backlog project: it is an item now, and teaches nothing.
    item('HELP-1').container = { id: '10000', key: 'APP' };
    expect(await indexItem(item('HELP-1').ref, context)).toEqual({ indexed: 'written', wordsForgotten: 1 });
    expect(await wordsOf('HELP-1')).toEqual([]);
    expect(await indexItem(item('HELP-1').ref, context)).toEqual({ indexed: 'unchanged' });
  });

  it('a ticket’s link comment names every link that stands after a /link or /unlink of another item', async () => {
    await indexItem(item('APP-1').ref, context);
    await indexItem(item('APP-2').ref, context);
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });
    const acting = {
      ...context,
      permissions: { permitted: async (refs: readonly { id: string }[]) => new Set(refs.map((r) => r.id)) },
    };
    const ada = { id: 'ada', displayName: 'Ada' };

    // The agent links the ticket to a second item; the automatic link stays, and the comment must say so.
    await linkByHand(item('HELP-1').ref, 'APP-2', ada, acting);
    expect(linkComment('HELP-1')).toContain('APP-2');
    expect(linkComment('HELP-1')).toContain('APP-1');
    // Then removes the automatic one: APP-2 still stands.
    await unlinkByHand(item('HELP-1').ref, 'APP-1', ada, acting);
    expect(linkComment('HELP-1')).toContain('Unlinked from APP-1');
    expect(linkComment('HELP-1')).toContain('Still linked to APP-2');
  });

  it('lets /unlink remove what a ticket taught an item that has left the backlog since', async () => {
    await customersWordItDifferently();
    await linkTicket(item('HELP-5'), summaryOfItem(item('APP-3')), context, { how: 'command' });
    item('APP-3').container = HELP;
    expect(await indexItem(item('APP-3').ref, context)).toEqual({ indexed: 'removed' });
    const acting = {
      ...context,
      permissions: { permitted: async (refs: readonly { id: string }[]) => new Set(refs.map((r) => r.id)) },
    };
    const reply = JSON.stringify(
      await unlinkByHand(item('HELP-5').ref, 'APP-3', { id: 'ada', displayName: 'Ada' }, acting),
    );
    expect(reply).toContain('Unlinked');
    expect(await wordsOf('HELP-5')).toEqual([]);
  });

  it('stops teaching a card that left the index, and a backfill forgets what a former ticket taught', async () => {
    await customersWordItDifferently();
    const card = memoryItem('card', {
      ref: { tracker: 'trello', id: 'card-1', key: 'Ab12Cd34' },
      container: { id: 'board-1', key: 'board-1' },
    });
    tracker.items.set('card-1', card);
    await indexItem(card.ref, context);
    await linkTicket(item('HELP-5'), summaryOfItem(card), context, { how: 'command' });
    await linkTicket(item('HELP-1'), summaryOfItem(item('APP-1')), context, { how: 'command' });
    tracker.items.delete('card-1');
    await indexItem(card.ref, context);
    // Jira shows the link to the card only as a remote link: the record stands, but the card is not indexed.
    expect(await matchTicket(item('HELP-5').ref, context)).toEqual({ skipped: 'already linked' });
    expect(await wordsOf('HELP-5')).toEqual([]);

    // HELP-1 moved into the backlog while webhooks were lost: the backfill finds it there.
    item('HELP-1').container = { id: '10000', key: 'APP' };
    const result = await backfillIndex(
      { targets: [{ tracker: 'jira', containerId: 'APP' }], requestedBy: { id: 'ada', displayName: 'Ada' } },
      context,
    );
    expect(result).toMatchObject({ learned: 0 });
    expect(await wordsOf('HELP-1')).toEqual([]);
  });
});
