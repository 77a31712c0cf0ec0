/**
 * Items deleted while webhooks were lost (docs/linking.md, "Backfill"): once a backfill has listed all of a target,
 * it reads the indexed items of that target its listing did not show, and removes the gone ones.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Container, TrackerName } from '../../src/domain/events.ts';
import { createLinkIndexStore, toIndexedItem } from '../../src/linking/index.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import { indexItem } from '../../workers/capabilities/linking.ts';
import { matchTicket } from '../../workers/capabilities/linking-match.ts';
import { backfillIndex } from '../../workers/handlers/backfill-index.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { createMemoryTracker, type MemoryTracker, memoryItem } from '../audit/memory-tracker.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';
import { testConfig } from '../helpers/test-config.ts';

const redis: Redis = testRedis();
afterAll(() => redis.disconnect());

const HELP: Container = { id: '20000', key: 'HELP', projectType: 'service_desk' };
const OPS: Container = { id: '10100', key: 'OPS' };
const BOARD: Container = { id: 'board-1', key: 'Brd12345' };
const LATER = '2025-02-01T00:00:00.000Z';
let tracker: MemoryTracker;
let context: JobContext;
/** Keys of the items read one by one (getItem), in order. */
let reads: string[];
/** Pages listed (their cursors; 0 for the first), in order. */
let pages: string[];

beforeEach(() => {
  tracker = createMemoryTracker([
    memoryItem('APP-1', { title: 'Password reset email never arrives' }),
    memoryItem('APP-2', { title: 'Dark mode for the settings page' }),
    memoryItem('APP-3', { title: 'Export invoices as PDF' }),
    memoryItem('APP-4', { title: 'Bulk edit of user roles' }),
    memoryItem('APP-5', { title: 'Calendar sync with Outlook' }),
    memoryItem('OPS-1', { title: 'Search results pagination is slow', container: OPS }),
    memoryItem('HELP-1', { title: 'Reset email not arriving', container: HELP, createdAt: LATER }),
  ]);
  reads = [];
  pages = [];
  const { getItem } = tracker;
  tracker.getItem = (ref) => {
    reads.push(ref.key);
    return getItem(ref);
  };
  // As the adapters do: the items of the container only, by key, in pages of two.
  tracker.listItems = async (scope, cursor) => {
    if (scope.kind !== 'container') throw new Error('the backfill lists containers');
    const all = [...tracker.items.values()]
      .filter(({ container }) => [container.id, container.key].includes(scope.containerId))
      .sort((a, b) => a.ref.key.localeCompare(b.ref.key, 'en', { numeric: true }));
    pages.push(cursor ?? '0');
    const start = Number(cursor ?? 0);
    const next = start + 2 < all.length ? String(start + 2) : undefined;
    return { items: all.slice(start, start + 2).map((item) => structuredClone(item)), next };
  };
  context = {
    log: createLogger({ level: 'silent' }),
    jobId: 'backfill-1',
    config: testConfig(),
    rules: defaultRules,
    tracker: () => tracker,
    selfId: () => 'bot',
    redis,
    keyPrefix: uniquePrefix('backfill-deletions'),
    now: () => new Date('2025-06-01T00:00:00Z'),
  };
});

const item = (key: string) => [...tracker.items.values()].find((candidate) => candidate.ref.key === key)!;
const linkComment = (key: string) => tracker.comments.get(`${item(key).ref.id}/link`)?.text ?? '';
const index = () => createLinkIndexStore(redis, context.keyPrefix);
/** Deleted in the tracker while the service's webhooks were lost: no job ever hears of it. */
function deleteSilently(key: string) {
  const { ref } = item(key);
  tracker.items.delete(ref.id);
  return ref;
}
async function indexAll(keys: string[]) {
  for (const key of keys) await indexItem(item(key).ref, context);
}
/** A new support ticket, and what its job offers it: the item linked, or the suggestions. */
async function newTicket(key: string, title: string) {
  tracker.items.set(`id-${key}`, memoryItem(key, { title, container: HELP, createdAt: LATER }));
  const result: { linked?: string; suggested?: string[]; skipped?: string } = await matchTicket(
    item(key).ref,
    context,
  );
  return [...(result.linked ? [result.linked] : []), ...(result.suggested ?? [])];
}
const backfill = (...targets: [TrackerName, string][]) => {
  reads = [];
  pages = [];
  return backfillIndex(
    {
      targets: targets.map(([tracker, containerId]) => ({ tracker, containerId })),
      requestedBy: { id: 'ops', displayName: 'Ops' },
    },
    context,
  );
};

describe('a backfill after lost webhooks', () => {
  it('removes an item deleted meanwhile: no new ticket is offered it, and its ticket is told of the deletion, not a removal', async () => {
    await indexAll(['APP-1', 'APP-2', 'APP-3', 'APP-4', 'APP-5']);
    expect(await matchTicket(item('HELP-1').ref, context)).toMatchObject({ linked: 'APP-1' });
    // Jira deletes the links along with it.
    deleteSilently('APP-1');
    item('HELP-1').links = [];

    const result = await backfill(['jira', 'APP']);

    expect(result).toEqual({ seen: 4, indexed: 4, learned: 0, removed: 1, size: 4 });
    // Of the items, reads for the one the listing did not show only, none for the 4 it showed; and its ticket.
    expect([...new Set(reads)]).toEqual(['APP-1', 'HELP-1']);
    expect(linkComment('HELP-1')).toMatch(
      /^APP-1 was deleted in the tracker; this ticket is no longer linked to it\./,
    );
    expect(await newTicket('HELP-2', 'Password reset email does not arrive')).not.toContain('APP-1');
    expect(linkComment('HELP-2')).not.toContain('APP-1');
    // The ticket's next job: its link went with the item, no person removed it.
    await matchTicket(item('HELP-1').ref, { ...context, jobId: 'link-ticket.delivery-2' });
    expect(linkComment('HELP-1')).not.toContain('was removed in the tracker');
  });

  it('keeps an item moved meanwhile to another backlog project, under its new key', async () => {
    await indexAll(['APP-1', 'APP-2']);
    Object.assign(item('APP-2'), { ref: { ...item('APP-2').ref, key: 'OPS-2' }, container: OPS });

    expect(await backfill(['jira', 'APP'])).toMatchObject({ removed: 0, size: 5 });

    expect(reads).toEqual(['APP-2']);
    expect(await index().get(item('OPS-2').ref)).toMatchObject({
      ref: { key: 'OPS-2' },
      container: { id: OPS.id, key: 'OPS' },
    });
    expect(await newTicket('HELP-2', 'Dark mode on the settings page please')).toContain('OPS-2');
  });

  it('never reads nor removes an item of a container it was not asked to list', async () => {
    await indexAll(['APP-1', 'OPS-1']);
    deleteSilently('OPS-1');

    expect(await backfill(['jira', 'APP'])).toMatchObject({ removed: 0, size: 6 });

    expect(reads).toEqual([]);
    expect(await index().get({ tracker: 'jira', id: 'id-OPS-1' })).toBeDefined();
    // The backfill of its own project finds it gone.
    expect(await backfill(['jira', 'OPS'])).toMatchObject({ removed: 1, size: 5 });
  });

  it('sweeps Jira items stored by the previous release (no container) by key; leaves such Trello cards', async () => {
    const card = memoryItem('card', {
      ref: { tracker: 'trello', id: 'card-1', key: 'Ab12Cd34' },
      title: 'Onboarding tour for new admins',
      container: BOARD,
    });
    tracker.items.set('card-1', card);
    // The previous release stored items without their container.
    const previousFormat = (stored: TrackerItem) => {
      const { container: _container, ...rest } = toIndexedItem(stored);
      return index().put(rest);
    };
    for (const key of ['APP-1', 'APP-2']) await previousFormat(item(key));
    await previousFormat(card);
    deleteSilently('APP-1');
    deleteSilently('Ab12Cd34');

    expect(await backfill(['jira', 'APP'], ['trello', BOARD.id])).toMatchObject({ removed: 1, size: 5 });

    expect(reads).toEqual(['APP-1']);
    expect(await index().get(card.ref)).toBeDefined();
    // Listed again, APP-2 is stored with its container now.
    expect(await index().get(item('APP-2').ref)).toHaveProperty('container', { id: '10000', key: 'APP' });
  });

  it('a retried backfill sweeps as a whole one: the pages listed before the failure count as shown', async () => {
    await indexAll(['APP-1', 'APP-2', 'APP-3', 'APP-4', 'APP-5']);
    deleteSilently('APP-2');
    deleteSilently('APP-5');
    const { listItems, getItem } = tracker;
    // The first attempt fails at the second page; the second reading the second unseen item (a Jira 503).
    tracker.listItems = async (scope, cursor) => {
      if (cursor) throw new Error('Jira answered 503');
      return listItems(scope, cursor);
    };
    await expect(backfill(['jira', 'APP'])).rejects.toThrow('503');
    tracker.listItems = listItems;
    tracker.getItem = async (ref) => {
      if (ref.key !== 'APP-5') return getItem(ref);
      reads.push(ref.key);
      throw new Error('Jira answered 503');
    };
    await expect(backfill(['jira', 'APP'])).rejects.toThrow('503');
    // The second attempt lists the second page only, and reads none of the first page's items.
    expect(pages).toEqual(['2']);
    expect(reads).toEqual(['APP-2', 'APP-5']);
    tracker.getItem = getItem;

    expect(await backfill(['jira', 'APP'])).toEqual({
      seen: 3,
      indexed: 3,
      learned: 0,
      removed: 2,
      size: 3,
    });
    // The third goes on with the sweep: no page listed again, APP-2 (removed) not read again.
    expect(pages).toEqual([]);
    expect(reads).toEqual(['APP-5']);
    // Nothing of the job is left in Redis.
    expect(await redis.keys(`${context.keyPrefix}:linkindex:backfill:*`)).toEqual([]);
  });
});
