import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ItemRef } from '../../src/domain/events.ts';
import {
  createIndexReplica,
  createLinkIndexStore,
  type IndexedItem,
  type IndexedLink,
  type LinkIndexStore,
} from '../../src/linking/index.ts';
import { DOCS, indexKeys } from '../../src/linking/index-keys.ts';
import { createReplica } from '../../src/queue/replicated-hashes.ts';
import { testRedis, uniquePrefix } from '../helpers/redis.ts';

const clients: Redis[] = [];
/** Each "process" gets its own connection, as each worker process does. */
function processClient(): Redis {
  const client = testRedis();
  clients.push(client);
  return client;
}
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});
afterAll(() => {
  for (const client of clients) client.disconnect();
});

const ref = (key: string): ItemRef => ({ tracker: 'jira', id: `id-${key}`, key });
const item = (
  key: string,
  title: string,
  description = '',
  created = '2025-01-01T00:00:00Z',
): IndexedItem => ({
  ref: ref(key),
  title,
  description,
  created,
  url: `https://acme.atlassian.net/browse/${key}`,
});
const ticket = {
  title: 'Checkout fails: card declined at payment',
  description: 'Customers see card declined',
};
const FILLER = [
  'Dark mode for settings page',
  'Export invoices as PDF',
  'Onboarding tour for new admins',
  'Bulk edit of user roles',
  'Search results pagination is slow',
  'Localise emails into German',
  'Audit log retention settings',
  'Calendar sync with Outlook',
];
/** The engine skips terms found in over a fifth of the items, so a realistic index needs some breadth. */
async function addFiller(store: LinkIndexStore): Promise<void> {
  for (const [i, title] of FILLER.entries()) await store.put(item(`OLD-${i + 1}`, title));
}
const keysOf = (candidates: { item: { ref: ItemRef } }[]) => candidates.map((c) => c.item.ref.key);

/** A customer's words for APP-1 that share nothing with its own text; the next customer says it alike. */
const refused: IndexedLink = {
  ticket: { tracker: 'jira', id: 'id-HELP-1', key: 'HELP-1' },
  item: ref('APP-1'),
  title: 'Bank refuses my purchase',
  description: 'Every purchase I try is refused by the bank.',
  created: '2025-02-01T00:00:00Z',
};
const refusedAgain = { title: 'Purchase refused', description: 'The bank refused my purchase again.' };
const CARD_ITEM = item('APP-1', 'Card declined at checkout payment', 'Payment fails for some cards');
/** Top candidate and the ticket it ranked through. */
const learnt = (candidates: { item: { ref: ItemRef }; viaTicket?: ItemRef }[]) =>
  candidates.slice(0, 1).map((c) => `${c.item.ref.key} via ${c.viaTicket?.key}`);

describe('shared link index (Redis + per-process replicas)', () => {
  it('keeps two processes in sync through upserts, edits and removals', async () => {
    const prefix = uniquePrefix('linkidx');
    const [a, b] = [processClient(), processClient()];
    const storeA = createLinkIndexStore(a, prefix);
    const replicaA = createIndexReplica(a, prefix);
    const replicaB = createIndexReplica(b, prefix);
    await replicaB.sync();
    await addFiller(storeA);

    await storeA.put(item('APP-1', 'Card declined at checkout payment', 'Payment fails for some cards'));
    await storeA.put(item('APP-2', 'Dark mode for settings page'));
    expect(keysOf(await replicaB.query(ticket))[0]).toBe('APP-1');

    await createLinkIndexStore(b, prefix).put(item('APP-1', 'Export invoices as PDF'));
    const afterEdit = await replicaA.query(ticket);
    expect(keysOf(afterEdit)).not.toContain('APP-1');
    expect(replicaA.find(ref('APP-1'))?.title).toBe('Export invoices as PDF');

    expect(await storeA.delete(ref('APP-2'))).toBe(true);
    await replicaB.sync();
    expect(replicaB.size).toBe(FILLER.length + 1);
    expect(await storeA.size()).toBe(FILLER.length + 1);
    expect(replicaB.rebuilds).toBe(1);
  });

  it('rebuilds from Redis after a restart', async () => {
    const prefix = uniquePrefix('linkidx');
    const store = createLinkIndexStore(processClient(), prefix);
    await addFiller(store);
    await store.put(item('APP-1', 'Card declined at checkout payment'));
    await store.put(item('APP-2', 'Checkout payment declined for cards'));
    await store.delete(ref('APP-2'));

    const restarted = createIndexReplica(processClient(), prefix);
    expect(keysOf(await restarted.query(ticket))).toEqual(['APP-1']);
    expect(restarted.size).toBe(FILLER.length + 1);
  });

  it('writes nothing to the change log when an item is stored unchanged', async () => {
    const prefix = uniquePrefix('linkidx');
    const store = createLinkIndexStore(processClient(), prefix);
    expect(await store.put(item('APP-1', 'Card declined'))).toBe(true);
    expect(await store.put(item('APP-1', 'Card declined'))).toBe(false);
    expect(await store.delete(ref('APP-9'))).toBe(false);
  });

  it('rebuilds when it fell behind the capped change log, and ends up with the same items', async () => {
    const prefix = uniquePrefix('linkidx');
    const writer = processClient();
    const store = createLinkIndexStore(writer, prefix, { logLength: 10 });
    const replica = createIndexReplica(processClient(), prefix, { batch: 50 });
    await replica.sync();
    for (let i = 1; i <= 400; i++) await store.put(item(`APP-${i}`, `Report number ${i} export`));
    for (let i = 1; i <= 400; i += 2) await store.delete(ref(`APP-${i}`));

    await replica.sync();
    expect(replica.rebuilds).toBe(2);
    expect(replica.size).toBe(200);
    expect(await store.size()).toBe(200);
  });

  it("applies changes written in the link index's older log format, as workers not yet upgraded write them", async () => {
    const prefix = uniquePrefix('linkidx');
    const writer = processClient();
    const store = createLinkIndexStore(writer, prefix);
    await addFiller(store);
    const replica = createIndexReplica(processClient(), prefix);
    await replica.sync();
    const tag = `${prefix}:{${prefix}:linkindex}`;
    // What the index's own write script appended before it shared the console's (`op`, no part).
    const version = await writer.incr(`${tag}:version`);
    const json = JSON.stringify(item('APP-1', 'Card declined at checkout payment'));
    await writer.hset(`${tag}:docs`, 'jira:id-APP-1', json);
    await writer.xadd(`${tag}:log`, `${version}-0`, 'op', 'u', 'f', 'jira:id-APP-1', 'd', json);
    expect(keysOf(await replica.query(ticket))).toEqual(['APP-1']);

    await writer.hdel(`${tag}:docs`, 'jira:id-OLD-1');
    await writer.xadd(`${tag}:log`, `${version + 1}-0`, 'op', 'r', 'f', 'jira:id-OLD-1');
    await writer.incr(`${tag}:version`);
    await replica.sync();
    expect(replica.find(ref('OLD-1'))).toBeUndefined();
    expect(replica.size).toBe(FILLER.length);
    expect(replica.rebuilds).toBe(1);
  });

  it('offers only items created before the ticket', async () => {
    const prefix = uniquePrefix('linkidx');
    const store = createLinkIndexStore(processClient(), prefix);
    await addFiller(store);
    await store.put(item('APP-1', 'Card declined at checkout payment', '', '2025-01-01T00:00:00Z'));
    await store.put(item('APP-2', 'Card declined at checkout payment', '', '2025-03-01T00:00:00Z'));
    const replica = createIndexReplica(processClient(), prefix);
    expect(keysOf(await replica.query(ticket, { createdBefore: '2025-02-01T00:00:00Z' }))).toEqual(['APP-1']);
  });

  it("finds an item through a linked ticket's words, in every process, until the link's words are removed", async () => {
    const prefix = uniquePrefix('linkidx');
    const [a, b] = [processClient(), processClient()];
    const storeA = createLinkIndexStore(a, prefix);
    await addFiller(storeA);
    await storeA.put(CARD_ITEM);
    const replicaB = createIndexReplica(b, prefix);
    expect(keysOf(await replicaB.query(refusedAgain))).not.toContain('APP-1');

    expect(await storeA.putLinked(refused)).toBe(true);
    expect(await storeA.putLinked(refused)).toBe(false);
    expect(learnt(await replicaB.query(refusedAgain))).toEqual(['APP-1 via HELP-1']);
    // A link stored by the release before has no address: the match names the ticket without one.
    expect((await replicaB.query(refusedAgain))[0]?.viaTicket).toEqual(refused.ticket);
    const url = 'https://acme.atlassian.net/browse/HELP-1';
    expect(await storeA.putLinked({ ...refused, url })).toBe(true);
    expect((await replicaB.query(refusedAgain))[0]?.viaTicket).toEqual({ ...refused.ticket, url });
    // Its own words do not bring the ticket back its own item, and later tickets only learn from earlier ones.
    expect(await replicaB.query(refusedAgain, { excludeId: 'jira:id-HELP-1' })).toEqual([]);
    expect(await replicaB.query(refusedAgain, { createdBefore: '2025-01-15T00:00:00Z' })).toEqual([]);

    expect(await createLinkIndexStore(b, prefix).deleteLinked(refused.ticket, refused.item)).toBe(true);
    expect(await storeA.deleteLinked(refused.ticket, refused.item)).toBe(false);
    expect(keysOf(await replicaB.query(refusedAgain))).not.toContain('APP-1');
    expect(replicaB.size).toBe(FILLER.length + 1);
  });

  it("carries linked tickets' words through a restart and through a rebuild after falling behind", async () => {
    const prefix = uniquePrefix('linkidx');
    const store = createLinkIndexStore(processClient(), prefix, { logLength: 10 });
    await addFiller(store);
    await store.put(CARD_ITEM);
    const behind = createIndexReplica(processClient(), prefix, { batch: 5 });
    await behind.sync();
    await store.putLinked(refused);
    const other = { ...refused, ticket: { tracker: 'jira' as const, id: 'id-HELP-2', key: 'HELP-2' } };
    await store.putLinked(other);
    await store.deleteLinked(other.ticket, other.item);
    for (let i = 1; i <= 40; i++) await store.put(item(`NEW-${i}`, `Report number ${i} export`));

    expect(learnt(await behind.query(refusedAgain))).toEqual(['APP-1 via HELP-1']);
    expect(behind.rebuilds).toBe(2);
    // The linked words' own log overflows too: their reload drops what went and keeps what stays.
    for (let i = 3; i <= 20; i++) {
      const churn = {
        ...refused,
        ticket: { tracker: 'jira' as const, id: `id-HELP-${i}`, key: `HELP-${i}` },
      };
      await store.putLinked(churn);
      if (i < 20) await store.deleteLinked(churn.ticket, churn.item);
    }
    await store.deleteLinked(refused.ticket, refused.item);
    expect(learnt(await behind.query(refusedAgain))).toEqual(['APP-1 via HELP-20']);
    expect(behind.wordsOf({ tracker: 'jira', id: 'id-HELP-20' })).toEqual([refused.item]);
    expect(behind.wordsOf(refused.ticket)).toEqual([]);
    const restarted = createIndexReplica(processClient(), prefix);
    expect(learnt(await restarted.query(refusedAgain))).toEqual(['APP-1 via HELP-20']);
  });

  it('keeps the linked words out of the items log, which a process of the release before reads whole', async () => {
    const prefix = uniquePrefix('linkidx');
    const store = createLinkIndexStore(processClient(), prefix);
    await store.put(CARD_ITEM);
    // What a worker of the release before runs: the items' hash and log only, every entry taken for an item.
    const seen: string[] = [];
    const older = createReplica(processClient(), indexKeys(prefix), [DOCS], {
      reset: () => undefined,
      apply: (_part, field, json) => {
        seen.push(`${field} ${JSON.parse(json ?? '{}').title ?? 'removed'}`);
      },
    });
    await older.sync();
    await store.putLinked(refused);
    await store.deleteLinked(refused.ticket, refused.item);
    await store.putLinked(refused);
    await store.put({ ...CARD_ITEM, title: 'Card declined' });
    await older.sync();
    expect(seen).toEqual([`jira:id-APP-1 ${CARD_ITEM.title}`, 'jira:id-APP-1 Card declined']);
  });
});
