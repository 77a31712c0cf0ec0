import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { createLinkIndexStore, toIndexedItem } from '../../src/linking/index.ts';
import { roleOf } from '../capabilities/linking.ts';
import type { JobContext } from '../job-context.ts';

interface Position {
  target: number;
  cursor?: string;
  seen: number;
  indexed: number;
}

const POSITION_TTL_SECONDS = 7 * 86_400;

/**
 * Reads every item of the targets page by page and indexes the backlog ones (a support card on a backlog
 * board is dropped from the index). The position is saved after each page, so a retried job resumes
 * where the last attempt stopped instead of reading a large project again.
 */
export async function backfillIndex({ targets }: JobDataMap['backfill-index'], context: JobContext) {
  const index = createLinkIndexStore(context.redis, context.keyPrefix);
  const positionKey = `${context.keyPrefix}:linkindex:backfill:${context.jobId}`;
  const saved = await context.redis.get(positionKey);
  const position: Position = saved ? (JSON.parse(saved) as Position) : { target: 0, seen: 0, indexed: 0 };
  for (; position.target < targets.length; position.target++, position.cursor = undefined) {
    const { tracker: name, containerId } = targets[position.target]!;
    const tracker = context.tracker(name);
    do {
      const page = await tracker.listItems({ kind: 'container', containerId }, position.cursor);
      for (const item of page.items) {
        position.seen += 1;
        if (roleOf(item, context) === 'backlog') {
          await index.put(toIndexedItem(item));
          position.indexed += 1;
        } else await index.delete(item.ref);
      }
      position.cursor = page.next;
      await context.redis.set(positionKey, JSON.stringify(position), 'EX', POSITION_TTL_SECONDS);
      await context.progress?.({
        target: `${name}:${containerId}`,
        targetsDone: position.target,
        targets: targets.length,
        seen: position.seen,
        indexed: position.indexed,
      });
    } while (position.cursor);
  }
  await context.redis.del(positionKey);
  const size = await index.size();
  context.log.info({ seen: position.seen, indexed: position.indexed, size }, 'Link index backfilled');
  return { seen: position.seen, indexed: position.indexed, size };
}
