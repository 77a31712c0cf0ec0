import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { isRetryable, TrackerError } from '../../src/errors.ts';
import { createItemLock, lockName } from '../../src/queue/item-lock.ts';
import { roleOf } from '../capabilities/linking.ts';
import { readTicket } from '../capabilities/linking-follow.ts';
import { linkingState } from '../capabilities/linking-index.ts';
import { settleLinks } from '../capabilities/linking-match.ts';
import type { JobContext } from '../job-context.ts';

interface Position {
  cursor?: string;
  pages: number;
  /** Jira tickets read again (those holding records of links to Trello cards). */
  tickets: number;
  /** Links a person had removed, settled now. */
  removed: number;
  /** Tickets the tracker refused (deleted, out of the service's rights). */
  failed: number;
}

const POSITION_TTL_SECONDS = 86_400;

/**
 * Jira sends no event when a person removes a remote link (a Jira ticket's link to a Trello card), and a closed
 * ticket may never have another job. This walks the service's link records of Jira tickets a page at a time, and
 * each ticket holding a link to a card is read again under its lock and settled as its own job would settle it:
 * the removed link's record, the card's attachment back, the card's score, the ticket's link comment. The position
 * is saved after each page, so a retried job resumes.
 */
export async function reconcileRemoteLinks(_data: JobDataMap['reconcile-remote-links'], context: JobContext) {
  const { records } = linkingState(context);
  const withItemLock = createItemLock({
    redis: context.redis,
    keyPrefix: context.keyPrefix,
    ttlMs: context.config.itemLockTtlMs,
  });
  const positionKey = `${context.keyPrefix}:links:reconcile:${context.jobId}`;
  const saved = await context.redis.get(positionKey);
  const position: Position = saved
    ? (JSON.parse(saved) as Position)
    : { pages: 0, tickets: 0, removed: 0, failed: 0 };
  do {
    const page = await records.ticketsPage('jira', position.cursor);
    for (const recorded of page.tickets) {
      const ref = recorded[0]?.ticket;
      if (!ref || !recorded.some((record) => record.item.tracker === 'trello')) continue;
      position.tickets += 1;
      try {
        await withItemLock(lockName(ref), async () => {
          const read = await readTicket(ref, context);
          if (!read || roleOf(read.ticket, context) !== 'support') return;
          const before = read.recordedBefore.length;
          await settleLinks(read.ticket, read.recordedBefore, context);
          const after = (await records.itemsOf(ref)).length;
          position.removed += Math.max(0, before - after);
        });
      } catch (error) {
        if (!(error instanceof TrackerError) || isRetryable(error.kind)) throw error;
        position.failed += 1;
        context.log.warn(
          { ticket: ref.key, kind: error.kind, err: { message: error.message } },
          'Not reconciled',
        );
      }
    }
    position.pages += 1;
    position.cursor = page.next;
    await context.redis.set(positionKey, JSON.stringify(position), 'EX', POSITION_TTL_SECONDS);
    const { pages, tickets, removed, failed } = position;
    await context.progress?.({ pages, tickets, removed, failed });
  } while (position.cursor);
  await context.redis.del(positionKey);
  const { pages, tickets, removed, failed } = position;
  context.log.info({ pages, tickets, removed, failed }, 'Remote links reconciled');
  return { pages, tickets, removed, failed };
}
