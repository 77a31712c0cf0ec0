import type { Container, ItemRef } from '../../src/domain/events.ts';
import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { createLinkIndexStore, docId, isIn, toIndexedItem } from '../../src/linking/index.ts';
import { createItemLock, type ItemLock, lockName, lockTurn } from '../../src/queue/item-lock.ts';
import { forgetWordsOf, roleOf } from '../capabilities/linking.ts';
import { indexReplica } from '../capabilities/linking-index.ts';
import { indexItemAndTickets, settleListed } from '../capabilities/linking-match.ts';
import { countScope, type Pace, progressOf } from '../capabilities/scope-pages.ts';
import { readItem } from '../capabilities/scoring.ts';
import type { JobContext } from '../job-context.ts';

interface Position {
  target: number;
  /** Items the listings held so far in all targets, of about how many, since when (absent from earlier releases). */
  pace?: Pace;
  cursor?: string;
  /** The target's listing is complete: its sweep is next. */
  listed?: boolean;
  /** The target's id and key, as its listed items name it (the target may name it either way). */
  container?: Pick<Container, 'id' | 'key'>;
  seen: number;
  indexed: number;
  /** Links from support tickets to indexed items whose words the index now keeps. */
  learned: number;
  /** Indexed items of the targets the listings did not show, gone or out of the backlog now. */
  removed: number;
}

type Target = JobDataMap['backfill-index']['targets'][number];

const POSITION_TTL_SECONDS = 7 * 86_400;
/** Refs asked about per SMISMEMBER in a sweep. */
const SWEEP_BATCH = 1_000;

/**
 * Reads every item of the targets page by page and indexes the backlog ones (a support card on a backlog
 * board is dropped from the index), and learns the words of support tickets already linked to indexed items.
 * Once a target is listed, the indexed items of that target that its listing did not show (deleted, or moved,
 * while webhooks were lost) are read once each and kept or removed as a deletion's webhook would, the tickets
 * linked to a deleted one settled by the same code.
 * The position is saved after each page, so a retried job resumes where the last attempt stopped instead of
 * reading a large project again; the ids listed so far are kept beside it, so the sweep after a retry knows them.
 */
export async function backfillIndex({ targets }: JobDataMap['backfill-index'], context: JobContext) {
  const index = createLinkIndexStore(context.redis, context.keyPrefix);
  // The lock the processor takes for an item's jobs (see `lockedItems`).
  const withItemLock = createItemLock({
    redis: context.redis,
    keyPrefix: context.keyPrefix,
    ttlMs: context.config.itemLockTtlMs,
  });
  const positionKey = `${context.keyPrefix}:linkindex:backfill:${context.jobId}`;
  const seenKey = (target: number) => `${positionKey}:seen:${target}`;
  const saved = await context.redis.get(positionKey);
  // A position saved by an earlier release has no `learned` or `removed`.
  const position: Position = {
    target: 0,
    seen: 0,
    indexed: 0,
    learned: 0,
    removed: 0,
    ...(saved ? JSON.parse(saved) : {}),
  };
  // The targets are counted once, when the job begins: a total only where every target's tracker can count it.
  if (!saved)
    position.pace = { startedAt: context.now().getTime(), total: await countTargets(targets, context) };
  const save = () => context.redis.set(positionKey, JSON.stringify(position), 'EX', POSITION_TTL_SECONDS);
  const report = ({ tracker, containerId }: Target, targetsDone: number) => {
    const { seen, indexed, learned, removed } = position;
    return context.progress?.({
      target: `${tracker}:${containerId}`,
      targetsDone,
      targets: targets.length,
      seen,
      indexed,
      learned,
      removed,
      ...(position.pace && progressOf(position.pace, context.now())),
    });
  };
  while (position.target < targets.length) {
    const target = targets[position.target]!;
    const tracker = context.tracker(target.tracker);
    while (!position.listed) {
      const listedAfter = await lockTurn(context.redis, context.keyPrefix);
      const page = await tracker.listItems(
        { kind: 'container', containerId: target.containerId },
        position.cursor,
      );
      if (position.pace) position.pace.listed = (position.pace.listed ?? 0) + page.items.length;
      for (const listed of page.items) {
        position.seen += 1;
        const { id, key } = listed.container;
        if (id === target.containerId || key === target.containerId) position.container ??= { id, key };
        // Under the item's lock, as its webhooks' jobs: one of them that ran since the listing read the item later,
        // so the item is read again rather than indexed as listed (an edit, a move, a deletion would be undone).
        await withItemLock(lockName(listed.ref), async ({ lockedBefore }) => {
          const item = lockedBefore > listedAfter ? await readItem(listed.ref, context) : listed;
          const role = item && roleOf(item, context);
          if (item && role === 'backlog') {
            await index.put(toIndexedItem(item));
            position.indexed += 1;
          } else await index.delete(listed.ref);
          // The links people made before the service ran teach the index as the service's own do (a link to an
          // item not indexed yet is skipped: a backfill should read the backlog before the support projects); a
          // former ticket, after webhooks were lost, no longer teaches.
          if (item && role === 'support') position.learned += (await settleListed(item, context)).teaching;
          else await forgetWordsOf(listed.ref, role, context);
        });
      }
      // The page's ids before the position that skips the page: a retry may list a page twice, never miss one.
      if (page.items.length > 0) {
        await context.redis.sadd(seenKey(position.target), ...page.items.map((item) => docId(item.ref)));
        await context.redis.expire(seenKey(position.target), POSITION_TTL_SECONDS);
      }
      position.cursor = page.next;
      position.listed = !page.next;
      await save();
      await report(target, position.target);
    }
    const swept = position.target;
    await sweep(target, position, seenKey(swept), save, withItemLock, context);
    Object.assign(position, {
      target: swept + 1,
      cursor: undefined,
      listed: undefined,
      container: undefined,
    });
    await save();
    await context.redis.del(seenKey(swept));
    await report(target, position.target);
  }
  await context.redis.del(positionKey);
  const size = await index.size();
  const { seen, indexed, learned, removed } = position;
  context.log.info({ seen, indexed, learned, removed, size }, 'Link index backfilled');
  return { seen, indexed, learned, removed, size };
}

async function countTargets(targets: readonly Target[], context: JobContext): Promise<number | undefined> {
  let total = 0;
  for (const { tracker, containerId } of targets) {
    const count = await countScope(context, context.tracker(tracker), { kind: 'container', containerId });
    if (count === undefined) return undefined;
    total += count;
  }
  return total;
}

/**
 * The indexed items of a listed target that the listing did not show: each is read, and removed as a deletion's
 * webhook would remove it when it is gone or out of the backlog; one moved to a backlog elsewhere stays (with its
 * new container). The unseen are found in the worker's in-memory replica and the target's seen set, so a sweep of a
 * large index reads only them from the tracker. A retried sweep finds those it removed gone from the index.
 */
async function sweep(
  target: Target,
  position: Position,
  seenKey: string,
  save: () => Promise<unknown>,
  withItemLock: ItemLock,
  context: JobContext,
) {
  const replica = indexReplica(context);
  await replica.sync();
  const { container } = position;
  const names = [target.containerId, ...(container ? [container.id, container.key] : [])];
  const indexed: ItemRef[] = [];
  for (const item of replica.locations()) if (isIn(item, target.tracker, names)) indexed.push(item.ref);
  for (let start = 0; start < indexed.length; start += SWEEP_BATCH) {
    const batch = indexed.slice(start, start + SWEEP_BATCH);
    const listed = await context.redis.smismember(seenKey, ...batch.map(docId));
    for (const [i, ref] of batch.entries()) {
      if (listed[i]) continue;
      const result = await withItemLock(lockName(ref), () => indexItemAndTickets(ref, context));
      context.log.info({ item: ref.key, ...result }, 'Indexed item the backfill did not list');
      if (result.indexed !== 'removed') continue;
      position.removed += 1;
      await save();
    }
  }
}
