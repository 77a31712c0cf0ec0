import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { createAuditedTracker } from '../../audit/audited-tracker.ts';
import type { TrackerName } from '../../domain/events.ts';
import { jobId } from '../../queue/jobs.ts';
import type { Tracker } from '../../trackers/tracker.ts';
import { HttpError } from '../errors.ts';
import { ADMIN_ACTOR, type AdminActionContext } from './actions/admin-action.ts';
import type { AdminContext } from './admin-deps.ts';

/** One context per admin request: its id names the jobs it enqueues and the audited writes it makes. */
export function createActionContext(context: AdminContext, request: FastifyRequest): AdminActionContext {
  const requestId = `admin.${randomUUID()}`;
  const tracker = (name: TrackerName): Tracker => {
    const found = context.trackers.get(name);
    if (!found) throw new HttpError(404, `${name} is not configured on this service`);
    return found;
  };
  return {
    ...context,
    log: request.log,
    requestId,
    async enqueue(jobs) {
      try {
        await context.intake.enqueue(requestId, jobs);
      } catch {
        throw new HttpError(503, 'Queue unavailable, retry later', { 'retry-after': '5' });
      }
      return { deliveryId: requestId, jobIds: jobs.map((job) => jobId(job, requestId)) };
    },
    async resolveItem(name, keyOrUrl) {
      const item = await tracker(name).findItem(keyOrUrl);
      if (!item) throw new HttpError(404, `No ${name} item ${keyOrUrl}`);
      return item;
    },
    auditedTracker: (name, { dryRun, command }) =>
      createAuditedTracker(tracker(name), {
        audit: context.audit,
        dryRun,
        context: { capability: 'admin', jobId: '', deliveryId: requestId, actor: ADMIN_ACTOR, command },
      }),
  };
}
