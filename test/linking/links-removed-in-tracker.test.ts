/**
 * Links removed in the tracker (docs/linking.md, "Links people change in the tracker count as theirs"): retries
 * and catch-ups that finish the automatic link they began, half-made links, deleted items, races, dry runs, links
 * back the service may no longer change or read, backfills (a lagging Jira search). Each test was written in one
 * of three reviews and failed on the version before.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container, ItemRef } from '../../src/domain/events.ts';
import { TrackerError } from '../../src/errors.ts';
import { createIndexReplica, createLinkRecords } from '../../src/linking/index.ts';
import { createLogger } from '../../src/logger.ts';
import { readModelKeys } from '../../src/read-model/keys.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import { indexItem, linkTicket, summaryOfItem } from '../../workers/capabilities/linking.ts';
import { unlinkByHand } from '../../workers/capabilities/linking-manual.ts';
import { learnLink, matchTicket } from '../../workers/capabilities/linking-match.ts';
import { notifyResolution } from '../../workers/capabilities/linking-resolution.ts';
import { backfillIndex } from '../../workers/handlers/backfill-index.ts';
import { createCatchUp } from '../../workers/handlers/catch-up.ts';
import { HANDLERS } from '../../workers/handlers/index.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';

const redis: Redis = testRedis();
afterAll(() => redis.disconnect());

const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };
const BOARD: Container = { id: 'board-1', key: 'board-1' };
const LATER = '2025-02-01T00:00:00.000Z';
let tracker: MemoryTracker;
let context: JobContext;

beforeEach(() => {
  tracker = createMemoryTracker([
    memoryItem('APP-1', { title: 'Password reset email never arrives' }),
    memoryItem('APP-2', { title: 'Dark mode for the settings page' }),
    memoryItem('HELP-1', {
      title: 'Reset email not arriving',
      container: HELP,
      createdAt: LATER,
      updatedAt: LATER,
    }),
  ]);
  context = {
    log: createLogger({ level: 'silent' }),
    jobId: 'link-ticket.delivery-1',
    config: testConfig(),
    rules: defaultRules,
    tracker: () => tracker,
    selfId: () => 'bot',
    redis,
    keyPrefix: uniquePrefix('links-removed'),
    now: () => new Date('2025-06-01T00:00:00Z'),
  };
});

/** A Trello backlog card about what HELP-1 says, in the tracker (not indexed yet). */
function backlogCard() {
  const card = memoryItem('card', {
    ref: { tracker: 'trello', id: 'card-1', key: 'Ab12Cd34' },
    url: 'https://trello.com/c/Ab12Cd34',
    title: 'Password reset email never arrives',
    container: BOARD,
  });
  tracker.items.set('card-1', card);
  return card;
}
const item = (key: string) => [...tracker.items.values()].find((candidate) => candidate.ref.key === key)!;
const linkComment = (key: string) => tracker.comments.get(`${item(key).ref.id}/link`)?.text ?? '';
const linkEvent = (kind: 'link.created' | 'link.deleted', from: string, to: string) => ({
  deliveryId: 'd1',
  tracker: 'jira' as const,
  actor: { id: 'ada', displayName: 'Ada' },
  occurredAt: LATER,
  kind,
  item: { tracker: 'jira' as const, id: item(from).ref.id, key: item(from).ref.id },
  container: { id: 'unknown', key: 'unknown' },
  target: { tracker: 'jira' as const, id: item(to).ref.id, key: item(to).ref.id },
});
const linkedKeys = (key: string) =>
  item(key).links.map((link) => (link.target.kind === 'item' ? link.target.ref.key : link.target.url));
const recordedKeys = async (key: string) =>
  (await createLinkRecords(redis, context.keyPrefix).itemsOf(item(key).ref)).map((record) => record.item.key);

/** Makes the tracker's next call of `method` on a matching item fail as a flaky tracker would (then a retry). */
function failOnce(method: 'upsertComment' | 'addLink' | 'getItem', when: (key: string) => boolean) {
  const original = tracker[method].bind(tracker) as (ref: ItemRef, ...rest: unknown[]) => Promise<unknown>;
  (tracker as unknown as Record<string, unknown>)[method] = async (ref: ItemRef, ...rest: unknown[]) => {
    if (when(ref.key)) {
      (tracker as unknown as Record<string, unknown>)[method] = original;
      throw new TrackerError('server', 'jira', 'Service unavailable', { status: 503 });
    }
    return original(ref, ...rest);
  };
}

describe('links people remove in the tracker', () => {
  it('a retried learn-link job still tells the ticket that its link was removed (the comment failed the first time)', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });
    expect(linkComment('HELP-1')).toContain('Linked to APP-1');

    // An agent removes the wrong automatic link in Jira; the comment write of the link event's job fails once.
    item('HELP-1').links = [];
    failOnce('upsertComment', (key) => key === 'HELP-1');
    await expect(learnLink(linkEvent('link.deleted', 'HELP-1', 'APP-1'), context)).rejects.toThrow();

    // BullMQ retries the job: it must finish what the first attempt started.
    await learnLink(linkEvent('link.deleted', 'HELP-1', 'APP-1'), context);
    expect(linkComment('HELP-1')).not.toContain('Linked to APP-1');
    expect(linkComment('HELP-1')).toContain('The link to APP-1 was removed in the tracker');
  });

  it('a retried link-ticket job whose automatic link was half made records it as automatic, with its link back', async () => {
    const card = backlogCard();
    for (const ref of [card.ref, item('APP-2').ref]) await indexItem(ref, context);

    // The ticket's remote link is made; the card's link back meets a Trello 5xx/429: the job fails, is retried.
    failOnce('addLink', (key) => key === 'Ab12Cd34');
    await expect(matchTicket(item('HELP-1').ref, context)).rejects.toThrow();
    await matchTicket(item('HELP-1').ref, context);

    const records = await createLinkRecords(redis, context.keyPrefix).itemsOf(item('HELP-1').ref);
    expect(records.map((record) => record.how)).toEqual(['auto']);
    expect(card.links.map((link) => link.target.kind === 'item' && link.target.ref.key)).toEqual(['HELP-1']);
    expect(linkComment('HELP-1')).toContain('Linked to Ab12Cd34');
    // "The service's automatic links teach nothing, so a wrong guess cannot teach the next one."
    const replica = createIndexReplica(redis, context.keyPrefix);
    await replica.sync();
    expect(replica.wordsOf(item('HELP-1').ref)).toEqual([]);
  });

  it('a retried link-ticket job does not make again an automatic link a person removed before the retry', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    failOnce('upsertComment', (key) => key === 'HELP-1');
    await expect(matchTicket(item('HELP-1').ref, context)).rejects.toThrow();
    expect(item('HELP-1').links).toHaveLength(1);

    item('HELP-1').links = [];
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ unlinkedInTracker: ['APP-1'] });
    expect(item('HELP-1').links).toEqual([]);
    expect(linkComment('HELP-1')).toContain('The link to APP-1 was removed in the tracker');
  });

  it('a deleted backlog item is not a person unlinking the ticket: the ticket is matched automatically again', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });

    // APP-1 was a duplicate: it is deleted (Jira removes its issue links along), APP-9 stays.
    const deleted = item('APP-1').ref;
    tracker.items.delete(deleted.id);
    await indexItem(deleted, context);
    item('HELP-1').links = [];
    tracker.items.set('id-APP-9', memoryItem('APP-9', { title: 'Reset email not arriving' }));
    await indexItem(item('APP-9').ref, context);

    // The ticket's next job (an edit, or Jira's link event) finds the link gone.
    await matchTicket(item('HELP-1').ref, context);
    expect(linkComment('HELP-1')).not.toContain('was removed in the tracker');
    expect(linkComment('HELP-1')).toContain('Linked to APP-9');
  });

  it('keeps a /link re-made while the ticket was read after an /unlink on the item (records compared by item only)', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    const help1 = item('HELP-1');
    const app2 = summaryOfItem(item('APP-2'));
    // A clock that moves, as a real one does: the /link made again is a record of another moment.
    let tick = Date.parse('2025-06-01T00:00:00Z');
    context = {
      ...context,
      now: () => {
        tick += 1;
        return new Date(tick);
      },
    };
    await linkTicket(help1, app2, context, { how: 'command' });
    const read = tracker.getItem.bind(tracker);
    // Typed on APP-2 (its job locks APP-2 only): `/unlink HELP-1` lands while HELP-1's job reads HELP-1, and the
    // person's `/link HELP-1` right after, before HELP-1's job looks at the records again.
    tracker.getItem = async (ref) => {
      if (ref.id !== help1.ref.id) return read(ref);
      tracker.getItem = read;
      help1.links = [];
      const gone = await read(ref);
      await createLinkRecords(redis, context.keyPrefix).remove(help1.ref, app2.ref);
      await linkTicket(await read(ref), app2, context, { how: 'command' });
      return gone;
    };
    await matchTicket(help1.ref, context);

    expect(help1.links.map((link) => link.target.kind === 'item' && link.target.ref.key)).toEqual(['APP-2']);
    const records = await createLinkRecords(redis, context.keyPrefix).itemsOf(help1.ref);
    expect(records.map((record) => [record.item.key, record.how])).toEqual([['APP-2', 'command']]);
    expect(linkComment('HELP-1')).not.toContain('was removed in the tracker');
    // docs/linking.md: words are kept "for as long as the link exists"; `/link` teaches.
    const replica = createIndexReplica(redis, context.keyPrefix);
    await replica.sync();
    expect(replica.wordsOf(help1.ref).map((ref) => ref.key)).toEqual(['APP-2']);
  });
  it('a dry run plans what the real run does after a link removed in the tracker: suggestions, no next guess linked', async () => {
    tracker.items.set('id-APP-9', memoryItem('APP-9', { title: 'Reset email not arriving' }));
    for (const key of ['APP-1', 'APP-2', 'APP-9']) await indexItem(item(key).ref, context);
    await linkTicket(item('HELP-1'), summaryOfItem(item('APP-1')), context, { how: 'auto', confidence: 0.5 });
    item('HELP-1').links = [];

    const planned = await learnLink(linkEvent('link.deleted', 'HELP-1', 'APP-1'), {
      ...context,
      dryRun: true,
    });
    const applied = await learnLink(linkEvent('link.deleted', 'HELP-1', 'APP-1'), context);
    expect(applied).toMatchObject({ 'HELP-1': { suggested: ['APP-9', 'APP-2'] } });
    expect(planned).toEqual({
      'HELP-1': { suggested: ['APP-9', 'APP-2'], comment: 'created', unlinkedInTracker: ['APP-1'] },
    });
  });
  it("a link removed in the tracker whose item's link back cannot be removed any more does not fail every job of the ticket", async () => {
    const card = backlogCard();
    await indexItem(card.ref, context);
    await linkTicket(item('HELP-1'), summaryOfItem(card), context, { how: 'command' });
    // The service lost its rights on the card's board; a person removes the Jira ticket's remote link to it.
    const remove = tracker.removeLink.bind(tracker);
    tracker.removeLink = async (from, to) => {
      if (from.id === card.ref.id)
        throw new TrackerError('auth', 'trello', 'unauthorized card permission requested', {
          status: 401,
        });
      return remove(from, to);
    };
    item('HELP-1').links = [];

    // The ticket's job (an edit) runs into the card; a failure would be permanent (not retryable) and recur.
    await expect(matchTicket(item('HELP-1').ref, context)).resolves.toMatchObject({
      unlinkedInTracker: ['Ab12Cd34'],
    });
    expect(linkComment('HELP-1')).toContain('The link to Ab12Cd34 was removed in the tracker');
    await expect(matchTicket(item('HELP-1').ref, context)).resolves.not.toHaveProperty('unlinkedInTracker');
  });
  it('a Jira issue link a person made and removed while webhooks were lost stops the notices after a backfill', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    // A person links HELP-1 to APP-2 in Jira; the ticket's job records it (how: 'tracker').
    item('HELP-1').links.push({
      target: { kind: 'item', ref: item('APP-2').ref, url: item('APP-2').url, title: 'APP-2' },
      type: 'Relates',
      direction: 'outward',
    });
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ skipped: 'already linked' });

    // They remove it while the service misses Jira's webhooks; the operator runs the backfill, as docs/operations.md says.
    item('HELP-1').links = [];
    await backfillIndex(
      { targets: [{ tracker: 'jira', containerId: 'HELP' }], requestedBy: { id: 'ops', displayName: 'Ops' } },
      context,
    );
    item('APP-2').status = { name: 'Done', category: 'done' };
    expect(await notifyResolution(item('APP-2').ref, context)).toEqual({ resolution: 1, notified: [] });
  });
});

/** A backlog item better worded for HELP-1 than APP-1, created (and indexed) while a job waits for its retry. */
async function betterMatchArrives() {
  tracker.items.set('id-APP-9', memoryItem('APP-9', { title: 'Reset email not arriving' }));
  await indexItem(item('APP-9').ref, context);
}

describe('the job rule of a half-made automatic link', () => {
  it('a retried link-ticket job finishes the automatic link it made; it does not link the ticket to a second item', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    // The link is made (and recorded with this job's id); the ticket's comment then meets a 503: the job fails.
    failOnce('upsertComment', (key) => key === 'HELP-1');
    await expect(matchTicket(item('HELP-1').ref, context)).rejects.toThrow();
    expect(linkedKeys('HELP-1')).toEqual(['APP-1']);

    // BullMQ's backoff (or a 429's Retry-After) leaves time for the backlog to change before the retry.
    await betterMatchArrives();
    await matchTicket(item('HELP-1').ref, context);

    // One automatic link, the one the comment explains: "Wrong item? Remove the link" must remove the only one.
    expect(linkedKeys('HELP-1')).toEqual(['APP-1']);
    expect(await recordedKeys('HELP-1')).toEqual(['APP-1']);
    expect(linkComment('HELP-1')).toContain('Linked to APP-1');
  });

  it('a retried link-ticket job does not auto-link an edited ticket to a second item, next to the first', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    failOnce('upsertComment', (key) => key === 'HELP-1');
    await expect(matchTicket(item('HELP-1').ref, context)).rejects.toThrow();
    expect(linkedKeys('HELP-1')).toEqual(['APP-1']);

    // Before the retry, an agent rewrites the ticket: it was about the settings page all along. The edit's own job
    // (another job id) finds the ticket linked and leaves it to people.
    Object.assign(item('HELP-1'), {
      title: 'Dark mode for the settings page',
      description: 'The settings page is too bright at night, please add a dark mode',
    });
    await expect(
      matchTicket(item('HELP-1').ref, { ...context, jobId: 'link-ticket.delivery-2' }),
    ).resolves.toMatchObject({ skipped: 'already linked' });
    await matchTicket(item('HELP-1').ref, context);

    expect(linkedKeys('HELP-1')).toHaveLength(1);
    expect(await recordedKeys('HELP-1')).toHaveLength(1);
  });

  it('a catch-up retried part way does not take the automatic link it finished on that page for an unfinished one', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    tracker.items.set(
      'id-HELP-2',
      memoryItem('HELP-2', { title: 'Cannot log in', container: HELP, createdAt: LATER, updatedAt: LATER }),
    );
    const catchUp = createCatchUp(() => HANDLERS);
    const data = {
      tracker: 'jira' as const,
      containerId: 'HELP',
      since: '2025-01-15T00:00:00.000Z',
      requestedBy: { id: 'ops', displayName: 'Ops' },
    };
    const catchUpContext = { ...context, jobId: 'catch-up.admin-1' };
    // HELP-1 is linked and told; HELP-2, on the same page, meets a 503: the catch-up job fails and is retried.
    failOnce('getItem', (key) => key === 'HELP-2');
    await expect(catchUp(data, catchUpContext)).rejects.toThrow();
    expect(linkedKeys('HELP-1')).toEqual(['APP-1']);
    expect(linkComment('HELP-1')).toContain('Linked to APP-1');

    await betterMatchArrives();
    await catchUp(data, catchUpContext);

    expect(linkedKeys('HELP-1')).toEqual(['APP-1']);
    expect(await recordedKeys('HELP-1')).toEqual(['APP-1']);
    expect(linkComment('HELP-1')).toContain('Linked to APP-1');
  });
});

/** A Trello backlog card about what HELP-1 says, indexed, and linked to HELP-1 by `/link` (a link back on the card). */
async function linkedCard() {
  const card = backlogCard();
  await indexItem(card.ref, context);
  await linkTicket(item('HELP-1'), summaryOfItem(card), context, { how: 'command' });
  expect(linkedKeys('Ab12Cd34')).toEqual(['HELP-1']);
  return card;
}

/** Trello refuses the service on the card's board: `reads` too when the token lost the board. */
function refuseCard(card: { ref: ItemRef }, methods: readonly ('getItem' | 'removeLink' | 'addLink')[]) {
  for (const method of methods) {
    const original = tracker[method].bind(tracker) as (ref: ItemRef, ...rest: unknown[]) => Promise<unknown>;
    (tracker as unknown as Record<string, unknown>)[method] = async (ref: ItemRef, ...rest: unknown[]) => {
      if (ref.id === card.ref.id)
        throw new TrackerError('auth', 'trello', 'unauthorized permission requested', { status: 401 });
      return original(ref, ...rest);
    };
  }
}

describe('a link back the service may no longer change', () => {
  it("a ticket's link to a card on a board the token lost, removed by a person, does not fail every job of the ticket", async () => {
    const card = await linkedCard();
    // The service's Trello token loses the board (the bot is removed from it): Trello refuses reads and writes.
    refuseCard(card, ['getItem', 'removeLink', 'addLink']);
    // An agent removes HELP-1's remote link to the card in Jira; the ticket's next job is an edit.
    item('HELP-1').links = [];

    // docs/linking.md: "left with a warning in the log, and the rest is forgotten, so the ticket's jobs do not fail on it".
    await expect(matchTicket(item('HELP-1').ref, context)).resolves.toMatchObject({
      unlinkedInTracker: ['Ab12Cd34'],
    });
    expect(linkComment('HELP-1')).toContain('The link to Ab12Cd34 was removed in the tracker');
  });

  it('a card whose link back the service may not remove (read-only on its board) no longer tells the ticket a person unlinked', async () => {
    const card = await linkedCard();
    // The bot was made an observer of the board: it still reads the card, Trello refuses its writes there.
    refuseCard(card, ['removeLink', 'addLink']);
    item('HELP-1').links = [];
    await expect(matchTicket(item('HELP-1').ref, context)).resolves.toMatchObject({
      unlinkedInTracker: ['Ab12Cd34'],
    });

    // "the item ... no longer tells the ticket when it is resolved"
    card.status = { name: 'Done', category: 'done' };
    expect(await notifyResolution(card.ref, context)).toEqual({ resolution: 1, notified: [] });
  });
});

describe("the backfill's reconcile", () => {
  it('does not take a link a lagging Jira search leaves out for a removal: the ticket holds it', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });
    // docs/tracker-facts.md 2.5: /search/jql is eventually consistent ("Recent updates might not be immediately
    // visible"); the listing shows HELP-1 as it was before its link, the issue itself holds the link.
    const stale = structuredClone(item('HELP-1'));
    stale.links = [];
    tracker.listItems = async () => ({ items: [stale] });

    await backfillIndex(
      { targets: [{ tracker: 'jira', containerId: 'HELP' }], requestedBy: { id: 'ops', displayName: 'Ops' } },
      context,
    );

    expect(linkedKeys('HELP-1')).toEqual(['APP-1']);
    expect(await recordedKeys('HELP-1')).toEqual(['APP-1']);
    expect(linkComment('HELP-1')).not.toContain('was removed in the tracker');
  });
});

describe('review3: the unfinished automatic link', () => {
  it('a retried link-ticket job finishes its automatic link although a person linked the ticket to another item meanwhile', async () => {
    const card = backlogCard();
    for (const ref of [card.ref, item('APP-2').ref]) await indexItem(ref, context);
    // The ticket's remote link to the card is made; the card's link back meets a Trello 503: the job fails.
    failOnce('addLink', (key) => key === 'Ab12Cd34');
    await expect(matchTicket(item('HELP-1').ref, context)).rejects.toThrow();
    expect(linkedKeys('HELP-1')).toEqual(['Ab12Cd34']);

    // Before BullMQ's retry, an agent also links HELP-1 to APP-2 in Jira.
    item('HELP-1').links.push({
      target: { kind: 'item', ref: item('APP-2').ref, url: item('APP-2').url, title: 'APP-2' },
      type: 'Relates',
      direction: 'outward',
    });
    await matchTicket(item('HELP-1').ref, context);

    // docs/linking.md: "that job's retry ... finishes that link, with its link back and comment".
    expect(linkedKeys('Ab12Cd34')).toEqual(['HELP-1']);
    expect(linkComment('HELP-1')).toContain('Linked to Ab12Cd34');
    const records = await createLinkRecords(redis, context.keyPrefix).itemsOf(item('HELP-1').ref);
    expect(records.find((record) => record.item.key === 'Ab12Cd34')).not.toHaveProperty('job');
  });
});

describe('review3: the rejected-set check of the notices', () => {
  it('a ticket linked again by a person to a card whose link back stayed is told when the card is resolved', async () => {
    const card = await linkedCard();
    // Read-only on the card's board: the link back stays when a person removes HELP-1's remote link to the card.
    refuseCard(card, ['removeLink', 'addLink']);
    const link = item('HELP-1').links[0]!;
    item('HELP-1').links = [];
    await expect(matchTicket(item('HELP-1').ref, context)).resolves.toMatchObject({
      unlinkedInTracker: ['Ab12Cd34'],
    });

    // The agent changes their mind and links HELP-1 to the card again in Jira (a remote link: no ticket job has run
    // since); the card is done right after.
    item('HELP-1').links = [link];
    card.status = { name: 'Done', category: 'done' };
    // The ticket holds the link (and the card its link back): it is linked, so it hears of the resolution.
    expect(await notifyResolution(card.ref, context)).toEqual({ resolution: 1, notified: ['HELP-1'] });
  });
});

describe('review3: an automatic link whose link back the service may not make', () => {
  it('an automatic link to a card on a read-only board is explained on the ticket, not left half made', async () => {
    const card = backlogCard();
    for (const ref of [card.ref, item('APP-2').ref]) await indexItem(ref, context);
    // The bot is an observer of the card's board: it reads the card, Trello refuses its attachment there.
    refuseCard(card, ['addLink', 'removeLink']);
    // A refusal is not retryable (workers/processor.ts: UnrecoverableError): this attempt is the only one.
    await matchTicket(item('HELP-1').ref, context).catch(() => undefined);
    expect(linkedKeys('HELP-1')).toEqual(['Ab12Cd34']);

    // The ticket's next job (an edit) finds it linked; the ticket holds a link nothing ever explained.
    await matchTicket(item('HELP-1').ref, { ...context, jobId: 'link-ticket.delivery-2' });
    expect(linkComment('HELP-1')).toContain('Linked to Ab12Cd34');
  });
});

/** HELP-1's Jira issue link to APP-2, as a person makes it. */
const personLinkTo = (key: string) =>
  ({
    target: { kind: 'item', ref: item(key).ref, url: item(key).url, title: key },
    type: 'Relates',
    direction: 'outward',
  }) as const;
const backfillHelp = (jobContext: JobContext = context) =>
  backfillIndex(
    { targets: [{ tracker: 'jira', containerId: 'HELP' }], requestedBy: { id: 'ops', displayName: 'Ops' } },
    jobContext,
  );

describe('the backfill listing', () => {
  it('does not record again a link a person removed, which a lagging Jira search still shows: its notices stay stopped', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    item('HELP-1').links.push(personLinkTo('APP-2'));
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ skipped: 'already linked' });
    const stale = structuredClone(item('HELP-1'));

    // A person removes the link; Jira's link event's job follows it (record ended, APP-2 rejected for HELP-1).
    item('HELP-1').links = [];
    expect(await learnLink(linkEvent('link.deleted', 'HELP-1', 'APP-2'), context)).toMatchObject({
      'HELP-1': { unlinkedInTracker: ['APP-2'] },
    });
    expect(await recordedKeys('HELP-1')).toEqual([]);

    // Minutes later a backfill runs; the eventually consistent /search/jql (tracker-facts 2.5) still lists HELP-1
    // with its link, the case the reconcile guards against in the other direction.
    tracker.listItems = async () => ({ items: [stale] });
    await backfillHelp();

    expect(await recordedKeys('HELP-1')).toEqual([]);
    item('APP-2').status = { name: 'Done', category: 'done' };
    expect(await notifyResolution(item('APP-2').ref, context)).toEqual({ resolution: 1, notified: [] });
  });

  it('a ticket whose only linked item was deleted is not left with a comment naming that item as its link', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });

    // APP-1 is deleted (its links along) while the service misses HELP-1's events; APP-9 says what HELP-1 says.
    const deleted = item('APP-1').ref;
    tracker.items.delete(deleted.id);
    await indexItem(deleted, context);
    item('HELP-1').links = [];
    await betterMatchArrives();

    // docs/linking.md: dropped quietly, "so the ticket is matched as before"; "a backfill ... does the same".
    await backfillHelp();
    expect(linkComment('HELP-1')).not.toContain('Linked to APP-1');
  });
});

describe('the unfinished automatic link and a link removed meanwhile', () => {
  it('a retried link-ticket job that finishes its automatic link also ends the record of a link a person removed meanwhile', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    // The automatic link to APP-1 is made and recorded with this job's id; the ticket's comment meets a 503.
    failOnce('upsertComment', (key) => key === 'HELP-1');
    await expect(matchTicket(item('HELP-1').ref, context)).rejects.toThrow();

    // Before the retry: `/link APP-2` (its own job), then a person removes that link again in the tracker, and the
    // event of the removal is lost (or it was a remote link: Jira sends none).
    await linkTicket(
      item('HELP-1'),
      summaryOfItem(item('APP-2')),
      { ...context, jobId: 'run-commands.d2' },
      {
        how: 'command',
      },
    );
    item('HELP-1').links = item('HELP-1').links.filter(
      (link) => !(link.target.kind === 'item' && link.target.ref.key === 'APP-2'),
    );
    await matchTicket(item('HELP-1').ref, context);

    expect(linkComment('HELP-1')).toContain('Linked to APP-1');
    // The person's removal was followed (link back, words, read model 'rejected') but its record stays: APP-2's
    // resolution still reaches HELP-1.
    expect(await recordedKeys('HELP-1')).toEqual(['APP-1']);
    item('APP-2').status = { name: 'Done', category: 'done' };
    expect(await notifyResolution(item('APP-2').ref, context)).toEqual({ resolution: 1, notified: [] });
  });
});

describe('dry runs', () => {
  it("a dry run of a deleted ticket's index-item job does not forget the words it taught", async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    await linkTicket(item('HELP-1'), summaryOfItem(item('APP-1')), context, { how: 'command' });
    const replica = createIndexReplica(redis, context.keyPrefix);
    await replica.sync();
    expect(replica.wordsOf(item('HELP-1').ref).map((ref) => ref.key)).toEqual(['APP-1']);

    const deleted = item('HELP-1').ref;
    tracker.items.delete(deleted.id);
    // docs/linking.md on the words: "Not in a dry run."; docs/admin-api.md: a dry run "sends no writes".
    await indexItem(deleted, { ...context, dryRun: true });
    await replica.sync();
    expect(replica.wordsOf(deleted).map((ref) => ref.key)).toEqual(['APP-1']);
  });
});

describe('a retried /unlink', () => {
  it('tells the person and the ticket that the link was removed, when the first attempt failed re-scoring the item', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });
    const acting = {
      ...context,
      jobId: 'run-commands.d3',
      permissions: { permitted: async (refs: readonly ItemRef[]) => new Set(refs.map((ref) => ref.id)) },
    };
    const ada = { id: 'ada', displayName: 'Ada' };
    // `/unlink APP-1` on HELP-1: the link and its record are removed, then reading APP-1 to re-score it meets a 503.
    const read = tracker.getItem.bind(tracker);
    let reads = 0;
    tracker.getItem = async (ref) => {
      if (ref.key === 'APP-1' && ++reads === 1)
        throw new TrackerError('server', 'jira', 'Service unavailable', { status: 503 });
      return read(ref);
    };
    await expect(unlinkByHand(item('HELP-1').ref, 'APP-1', ada, acting)).rejects.toThrow();
    expect(linkedKeys('HELP-1')).toEqual([]);

    // BullMQ retries the command's job.
    const reply = await unlinkByHand(item('HELP-1').ref, 'APP-1', ada, acting);
    expect(JSON.stringify(reply)).toContain('Unlinked');
    expect(linkComment('HELP-1')).not.toContain('Linked to APP-1');
  });
});

describe("the console's triage inbox", () => {
  it("a ticket a person links to a backlog item in Jira leaves the inbox (Jira's link event)", async () => {
    const rules = defaultRules();
    // No confident match: HELP-1 gets suggestions and waits in the inbox for a person.
    context = {
      ...context,
      rules: () => ({ ...rules, linking: { ...rules.linking, autoLinkThreshold: 0.99 } }),
    };
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    expect(await matchTicket(item('HELP-1').ref, context)).toHaveProperty('suggested');
    const inbox = readModelKeys(context.keyPrefix).triage.inbox;
    expect(await redis.zcard(inbox)).toBe(1);

    // The agent links HELP-1 to APP-1 in Jira: issuelink_created is the only event (plan-linking: a learn-link job).
    item('HELP-1').links.push(personLinkTo('APP-1'));
    expect(await learnLink(linkEvent('link.created', 'HELP-1', 'APP-1'), context)).toMatchObject({
      'HELP-1': { linkedTo: ['APP-1'] },
    });
    // writer.ts: "The ticket is linked already (by a person in the tracker, or earlier): not for the inbox."
    expect(await redis.zcard(inbox)).toBe(0);
  });
});

describe('resolution notices', () => {
  it('a ticket the service may no longer comment on does not keep the other linked tickets from hearing of the fix', async () => {
    tracker.items.set(
      'id-HELP-2',
      memoryItem('HELP-2', { title: 'Cannot log in', container: HELP, createdAt: LATER, updatedAt: LATER }),
    );
    await indexItem(item('APP-1').ref, context);
    for (const key of ['HELP-1', 'HELP-2'])
      await linkTicket(item(key), summaryOfItem(item('APP-1')), context, { how: 'command' });
    // The service lost Add Comments on HELP-1 (a permission scheme change): Jira answers 403, not retryable.
    const upsert = tracker.upsertComment.bind(tracker);
    tracker.upsertComment = async (ref, ...rest) => {
      if (ref.key === 'HELP-1')
        throw new TrackerError('auth', 'jira', 'You do not have permission to comment', { status: 403 });
      return upsert(ref, ...rest);
    };
    item('APP-1').status = { name: 'Done', category: 'done' };

    // "every linked ticket gets one comment": a refusal is a lasting no (`refused`), as for links back.
    await expect(notifyResolution(item('APP-1').ref, context)).resolves.toMatchObject({
      notified: ['HELP-2'],
    });
  });
});

describe('an automatic link made in the tracker but not recorded yet', () => {
  it('a link whose job gave up before the tracker made it was never there: not taken for a person removing it', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    // Jira refuses the link once, for good (a 400: not retried); the job fails with its record written first.
    const addLink = tracker.addLink.bind(tracker);
    tracker.addLink = async () => {
      tracker.addLink = addLink;
      throw new TrackerError('validation', 'jira', 'Link type not allowed', { status: 400 });
    };
    await expect(matchTicket(item('HELP-1').ref, context)).rejects.toThrow('Link type not allowed');
    expect(linkedKeys('HELP-1')).toEqual([]);

    // The ticket's next job (an edit) matches it as before, automatic link included.
    const next = await matchTicket(item('HELP-1').ref, { ...context, jobId: 'link-ticket.delivery-2' });
    expect(next).toMatchObject({ linked: 'APP-1' });
    expect(linkComment('HELP-1')).not.toContain('removed in the tracker');
  });

  it("a retry after a failure between the ticket's link and its record keeps the link the service's (explained, teaching nothing)", async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    // Redis drops the connection (or the worker is killed) right after the tracker made HELP-1's link, once.
    let armed = false;
    let struck = false;
    const addLink = tracker.addLink.bind(tracker);
    tracker.addLink = async (from, to, type) => {
      const added = await addLink(from, to, type);
      if (from.key === 'HELP-1' && !struck) {
        armed = true;
        struck = true;
      }
      return added;
    };
    const flaky = new Proxy(redis, {
      get(target, name) {
        if (name === 'multi' && armed) {
          armed = false;
          return () => {
            throw new Error('Connection is closed.');
          };
        }
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const jobContext = { ...context, redis: flaky };
    await expect(matchTicket(item('HELP-1').ref, jobContext)).rejects.toThrow('Connection is closed.');
    expect(linkedKeys('HELP-1')).toEqual(['APP-1']);

    // BullMQ retries the job (or re-runs it as stalled).
    await matchTicket(item('HELP-1').ref, jobContext);
    expect(linkComment('HELP-1')).toContain('Linked to APP-1');
    const records = await createLinkRecords(redis, context.keyPrefix).itemsOf(item('HELP-1').ref);
    // docs/linking.md: "it stays the service's, so it neither teaches nor shows as 'linked in the tracker'".
    expect(records.map((record) => record.how)).toEqual(['auto']);
    const replica = createIndexReplica(redis, context.keyPrefix);
    await replica.sync();
    expect(replica.wordsOf(item('HELP-1').ref)).toEqual([]);
  });
});

describe('resolved tickets', () => {
  const DONE = { name: 'Done', category: 'done' as const };

  it('a resolved ticket whose last link a person removes is told so, and offered no suggestions (nobody triages it)', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });

    // The agent closed the ticket long ago; cleaning up, someone removes its link in Jira.
    item('HELP-1').status = DONE;
    item('HELP-1').links = [];
    await learnLink(linkEvent('link.deleted', 'HELP-1', 'APP-1'), context);

    expect(linkComment('HELP-1')).toContain('The link to APP-1 was removed in the tracker');
    expect(linkComment('HELP-1')).not.toContain('/link');
    expect(linkComment('HELP-1')).not.toContain('APP-2');
    expect(await recordedKeys('HELP-1')).toEqual([]);
  });

  it('a resolved ticket edited while unlinked gets no suggestions comment; a confident match is still linked (evidence)', async () => {
    for (const key of ['APP-1', 'APP-2']) await indexItem(item(key).ref, context);
    tracker.items.set(
      'id-HELP-2',
      memoryItem('HELP-2', {
        title: 'Invoices show the wrong currency',
        description: 'Since last week every invoice shows dollars.',
        container: HELP,
        createdAt: LATER,
        updatedAt: LATER,
        status: DONE,
      }),
    );
    expect(await matchTicket(item('HELP-2').ref, context)).toMatchObject({
      skipped: expect.stringContaining('resolved'),
    });
    expect(linkComment('HELP-2')).toBe('');

    item('HELP-1').status = DONE;
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });
  });
});
