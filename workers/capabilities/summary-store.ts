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
  await context.redis.set(key(context, 'posted', summaryKey), JSON.stringify(ref), 'EX', KEEP_SECONDS);
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
