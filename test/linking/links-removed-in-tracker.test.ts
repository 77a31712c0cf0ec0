/**
 * Links removed in the tracker (docs/linking.md, "Links people change in the tracker count as theirs"): retries,
 * half-made links, deleted items, races, dry runs, links back the service may no longer change, backfills. Each
 * test was written in review against the first version and failed there.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container, ItemRef } from '../../src/domain/events.ts';
import { TrackerError } from '../../src/errors.ts';
import { createIndexReplica, createLinkRecords } from '../../src/linking/index.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import {
  indexItem,
  learnLink,
  linkTicket,
  matchTicket,
  notifyResolution,
  summaryOfItem,
} from '../../workers/capabilities/linking.ts';
import { backfillIndex } from '../../workers/handlers/backfill-index.ts';
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
    memoryItem('HELP-1', { title: 'Reset email not arriving', container: HELP, createdAt: LATER }),
  ]);
  context = {
    log: createLogger({ level: 'silent' }),
    jobId: 'job-1',
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
/** Makes the tracker's next call of `method` fail as a flaky tracker would (the job is then retried). */
function failOnce(method: 'upsertComment' | 'addLink', when: (key: string) => boolean) {
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
      // The next day: a backfill leaves alone what was recorded in the last minute before it read the page.
      { ...context, now: () => new Date('2025-06-02T00:00:00Z') },
    );
    item('APP-2').status = { name: 'Done', category: 'done' };
    expect(await notifyResolution(item('APP-2').ref, context)).toEqual({ resolution: 1, notified: [] });
  });
});
