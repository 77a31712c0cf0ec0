import type { Redis } from 'ioredis';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createJobTrackers } from '../../src/audit/job-audit.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import { uniquePrefix } from '../helpers/redis.ts';

/**
 * A fresh audit store, and the service's jobs writing through it as a worker sets them up: `writes(jobId, name,
 * tracker)` is the tracker as that job sees it, every write recorded for `/undo`.
 */
export function auditedJobs(redis: Redis) {
  const audit = createRedisAuditStore({ redis, keyPrefix: uniquePrefix('undo'), retentionDays: 400 });
  const writes = (jobId: string, name: string, tracker: Tracker) =>
    createJobTrackers({ id: jobId, name, data: {} }, { audit, config: { dryRun: false } }).audited(tracker);
  return { audit, writes };
}
