import type { Redis } from 'ioredis';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createAuditedTracker } from '../../src/audit/audited-tracker.ts';
import { createLogger } from '../../src/logger.ts';
import { defaultRules } from '../../src/rules/load-rules.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../../workers/job-context.ts';
import { testConfig } from './test-config.ts';

/**
 * A job's context as the worker builds it: its tracker behind the audit (which keeps a dry run's writes to
 * itself), one key prefix for every job, dry-run or not.
 */
export function auditedJobContext(options: {
  tracker: Tracker;
  redis: Redis;
  keyPrefix: string;
  capability: string;
  dryRun: boolean;
}): JobContext {
  const { tracker, redis, keyPrefix, capability, dryRun } = options;
  const audited = createAuditedTracker(tracker, {
    audit: createRedisAuditStore({ redis, keyPrefix, retentionDays: 1 }),
    dryRun,
    context: { capability, jobId: 'job-1', deliveryId: 'd1', actor: { id: 'u', displayName: 'U' } },
  });
  return {
    log: createLogger({ level: 'silent' }),
    jobId: 'job-1',
    config: testConfig(),
    rules: defaultRules,
    tracker: () => audited,
    selfId: () => 'bot',
    redis,
    keyPrefix,
    now: () => new Date(),
    dryRun,
  };
}
