import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { createLinkIndexStore, toIndexedItem } from '../../src/linking/index.ts';
import { forgetWordsOf, roleOf } from '../capabilities/linking.ts';
import { settleListed } from '../capabilities/linking-match.ts';
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

/**
 * Reads every item of the targets page by page and indexes the backlog ones (a support card on a backlog
 * board is dropped from the index), and learns the words of support tickets already linked to indexed items.
 * The position is saved after each page, so a retried job resumes where the last attempt stopped instead of
 * reading a large project again.
 */
export async function backfillIndex({ targets }: JobDataMap['backfill-index'], context: JobContext) {
  const index = createLinkIndexStore(context.redis, context.keyPrefix);
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
        if (role === 'support') position.learned += (await settleListed(item, context)).teaching;
        else await forgetWordsOf(item.ref, role, context);
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
