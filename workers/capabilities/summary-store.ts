import { Value } from 'typebox/value';
import type { ItemRef } from '../../src/domain/events.ts';
import { type ScopeSnapshot, ScopeSnapshotSchema } from '../../src/domain/sprint-summary/index.ts';
import { createItemLock } from '../../src/queue/item-lock.ts';
import type { JobContext } from '../job-context.ts';

/** Long enough for a quarter's retro to edit last quarter's summaries. */
const KEEP_SECONDS = 400 * 86_400;
/** Longer than one summary takes to compute and post; a crashed holder frees it by expiry. */
const LOCK_MS = 120_000;

const key = (context: JobContext, ...parts: string[]) =>
  [context.keyPrefix, 'sprint-summary', ...parts].join(':');

/** The first snapshot wins: a re-delivered `sprint_started` must not replace the scope with a later one. */
export async function saveSnapshot(context: JobContext, snapshot: ScopeSnapshot): Promise<boolean> {
  const stored = await context.redis.set(
    key(context, 'snapshot', 'jira', snapshot.sprintId),
    JSON.stringify(snapshot),
    'EX',
    KEEP_SECONDS,
    'NX',
  );
  return stored === 'OK';
}

export async function loadSnapshot(
  context: JobContext,
  sprintId: string,
): Promise<ScopeSnapshot | undefined> {
  const stored = await context.redis.get(key(context, 'snapshot', 'jira', sprintId));
  if (!stored) return undefined;
  const value: unknown = JSON.parse(stored);
  return Value.Check(ScopeSnapshotSchema, value) ? value : undefined;
}

/** The item a summary was posted as, so a re-run edits it instead of posting a second one. */
export async function postedRef(context: JobContext, summaryKey: string): Promise<ItemRef | undefined> {
  const stored = await context.redis.get(key(context, 'posted', summaryKey));
  return stored ? (JSON.parse(stored) as ItemRef) : undefined;
}

export async function rememberPosted(context: JobContext, summaryKey: string, ref: ItemRef): Promise<void> {
  await context.redis
    .multi()
    .set(key(context, 'posted', summaryKey), JSON.stringify(ref), 'EX', KEEP_SECONDS)
    .del(key(context, 'creating', summaryKey))
    .exec();
}

/** A create the service sent and has not learnt the outcome of yet: when, and under which title. */
export interface PendingCreate {
  at: string;
  title: string;
}

/**
 * Written before the create is sent and dropped once its item is remembered: a create whose answer never came (a
 * timeout, a dropped link, a worker killed, Redis failing right after) may still have made the item.
 */
export async function markCreating(context: JobContext, summaryKey: string, title: string): Promise<void> {
  const pending: PendingCreate = { at: context.now().toISOString(), title };
  await context.redis.set(key(context, 'creating', summaryKey), JSON.stringify(pending), 'EX', KEEP_SECONDS);
}

export async function pendingCreate(
  context: JobContext,
  summaryKey: string,
): Promise<PendingCreate | undefined> {
  const stored = await context.redis.get(key(context, 'creating', summaryKey));
  return stored ? (JSON.parse(stored) as PendingCreate) : undefined;
}

/**
 * Runs `post` while holding the summary's lock, so two jobs for one sprint (a re-delivery racing the
 * original) never both create an item: the second waits, then finds the first one's item and edits it.
 */
export function withSummaryLock<T>(
  context: JobContext,
  summaryKey: string,
  post: () => Promise<T>,
): Promise<T> {
  const lock = createItemLock({ redis: context.redis, keyPrefix: context.keyPrefix, ttlMs: LOCK_MS });
  return lock(`sprint-summary:${summaryKey}`, post);
}
