import type { JobDataMap } from '../../src/domain/job-requests.ts';
import {
  createLinkIndexStore,
  createLinkRecords,
  type LinkRecord,
  toIndexedItem,
} from '../../src/linking/index.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import { forgetWordsOf, roleOf, settleLinks } from '../capabilities/linking.ts';
import type { JobContext } from '../job-context.ts';

interface Position {
  target: number;
  cursor?: string;
  seen: number;
  indexed: number;
  /** Links from support tickets to indexed items whose words the index now keeps. */
  learned: number;
}

const POSITION_TTL_SECONDS = 7 * 86_400;

/** How far apart the clocks of the workers may be: a link recorded less long before the page was read is left. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The records a listed ticket must show a link for, were it still there: those made before the page was read
 * (the records are read after it), except a Jira ticket's links to Trello cards, which are remote links that a
 * Jira search does not return.
 */
function shownByListing(ticket: TrackerItem, records: readonly LinkRecord[], listedAt: number) {
  return records.filter(
    (record) =>
      Date.parse(record.at) < listedAt - CLOCK_SKEW_MS &&
      (ticket.ref.tracker !== 'jira' || record.item.tracker === 'jira'),
  );
}

/**
 * Reads every item of the targets page by page and indexes the backlog ones (a support card on a backlog
 * board is dropped from the index), and learns the words of support tickets already linked to indexed items.
 * The position is saved after each page, so a retried job resumes where the last attempt stopped instead of
 * reading a large project again.
 */
export async function backfillIndex({ targets }: JobDataMap['backfill-index'], context: JobContext) {
  const index = createLinkIndexStore(context.redis, context.keyPrefix);
  const records = createLinkRecords(context.redis, context.keyPrefix);
  const positionKey = `${context.keyPrefix}:linkindex:backfill:${context.jobId}`;
  const saved = await context.redis.get(positionKey);
  // A position saved by a release that did not learn links has no `learned`.
  const position: Position = {
    target: 0,
    seen: 0,
    indexed: 0,
    learned: 0,
    ...(saved ? JSON.parse(saved) : {}),
  };
  for (; position.target < targets.length; position.target++, position.cursor = undefined) {
    const { tracker: name, containerId } = targets[position.target]!;
    const tracker = context.tracker(name);
    do {
      const listedAt = context.now().getTime();
      const page = await tracker.listItems({ kind: 'container', containerId }, position.cursor);
      for (const item of page.items) {
        position.seen += 1;
        const role = roleOf(item, context);
        if (role === 'backlog') {
          await index.put(toIndexedItem(item));
          position.indexed += 1;
        } else await index.delete(item.ref);
        // The links people made before the service ran teach the index as the service's own do (a link to an
        // item not indexed yet is skipped: a backfill should read the backlog before the support projects); a
        // former ticket, after webhooks were lost, no longer teaches.
        if (role === 'support') {
          const recordedBefore = shownByListing(item, await records.itemsOf(item.ref), listedAt);
          position.learned += (await settleLinks(item, recordedBefore, context)).teaching;
        } else await forgetWordsOf(item.ref, role, context);
      }
      position.cursor = page.next;
      await context.redis.set(positionKey, JSON.stringify(position), 'EX', POSITION_TTL_SECONDS);
      await context.progress?.({
        target: `${name}:${containerId}`,
        targetsDone: position.target,
        targets: targets.length,
        seen: position.seen,
        indexed: position.indexed,
        learned: position.learned,
      });
    } while (position.cursor);
  }
  await context.redis.del(positionKey);
  const size = await index.size();
  const { seen, indexed, learned } = position;
  context.log.info({ seen, indexed, learned, size }, 'Link index backfilled');
  return { seen, indexed, learned, size };
}
