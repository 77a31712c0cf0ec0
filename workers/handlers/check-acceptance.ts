import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { createItemLock } from '../../src/queue/item-lock.ts';
import { enforceAcceptance } from '../capabilities/acceptance.ts';
import type { JobContext } from '../job-context.ts';

const GATED_FIELDS = new Set(['status', 'list']);

export async function checkAcceptance({ event }: JobDataMap['check-acceptance'], context: JobContext) {
  const statusChange =
    event.kind === 'item.updated'
      ? event.changes.find((change) => GATED_FIELDS.has(change.field.toLowerCase()))
      : undefined;
  const result = await enforceAcceptance(event.item, context, statusChange);
  context.log.info({ item: event.item.key, ...result }, 'Acceptance criteria checked');
  return { ...result };
}

/**
 * A checklist renamed (or copied) in a delivery that names no card: the card it is on is read, then checked under
 * the same per-item lock the processor takes for jobs that name their item.
 */
export async function checkChecklist({ event }: JobDataMap['check-checklist'], context: JobContext) {
  const ref = await context.tracker(event.tracker).itemOfChecklist?.(event.checklist.id);
  if (!ref) {
    context.log.info({ checklist: event.checklist.id }, 'Checklist gone or on no card: nothing to check');
    return { skipped: 'checklist not found' };
  }
  const withItemLock = createItemLock({
    redis: context.redis,
    keyPrefix: context.keyPrefix,
    ttlMs: context.config.itemLockTtlMs,
  });
  const result = await withItemLock(`${ref.tracker}:${ref.id}`, () => enforceAcceptance(ref, context));
  context.log.info(
    { item: ref.key, checklist: event.checklist.id, ...result },
    'Acceptance criteria checked',
  );
  return { item: ref.key, ...result };
}
