import { catchUpJobs } from '../../src/domain/catch-up.ts';
import type { JobDataMap, JobRequest } from '../../src/domain/job-requests.ts';
import { createItemLock, lockName } from '../../src/queue/item-lock.ts';
import { visitScope } from '../capabilities/scope-pages.ts';
import { handlerOf, type JobContext, type JobHandlers } from '../job-context.ts';

export const catchUpProgressKey = (keyPrefix: string, jobId: string) => `${keyPrefix}:catch-up:${jobId}`;

/**
 * Webhooks lost for longer than the trackers retry (Jira gives up after about 30 minutes) are gone; this job
 * reads the items of a project or board changed since a time and runs, for each, the jobs the lost deliveries
 * would have caused. Every capability is idempotent (one comment per purpose, unchanged scores left alone), so
 * items that were handled anyway see no new writes. `handlers` is a getter: this job is one of them.
 */
export function createCatchUp(handlers: () => JobHandlers) {
  return async function catchUp(data: JobDataMap['catch-up'], context: JobContext) {
    const since = Date.parse(data.since);
    // The same per-item lock the processor takes, so a live webhook job on the same item waits for this one.
    const withItemLock = createItemLock({
      redis: context.redis,
      keyPrefix: context.keyPrefix,
      ttlMs: context.config.itemLockTtlMs,
    });
    const run = (job: JobRequest) => {
      const handler = handlerOf(handlers(), job.name);
      if (!handler) throw new Error(`No handler for job ${job.name}`);
      return handler(job.data, context);
    };
    const counts = await visitScope(context, {
      progressKey: catchUpProgressKey(context.keyPrefix, context.jobId),
      tracker: context.tracker(data.tracker),
      scope: { kind: 'updatedSince', containerId: data.containerId, since: data.since },
      counts: { pages: 0, items: 0, jobs: 0, failed: 0 },
      refused: 'Not caught up',
      async visit(item, counts) {
        // The scope may over-fetch (Jira reads the time in the account's time zone); the item's own time decides.
        if (Date.parse(item.updatedAt) < since) return;
        counts.items += 1;
        const jobs = catchUpJobs(item, context.rules(), {
          jobId: context.jobId,
          requestedBy: data.requestedBy,
        });
        await withItemLock(lockName(item.ref), async () => {
          for (const job of jobs) await run(job);
        });
        counts.jobs += jobs.length;
      },
    });
    context.log.info(
      { tracker: data.tracker, container: data.containerId, since: data.since, ...counts },
      'Caught up',
    );
    return { ...counts };
  };
}
