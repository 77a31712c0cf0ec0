import type { AuditStore } from '../src/audit/audit-store.ts';
import type { Config } from '../src/config.ts';
import type { TrackerName } from '../src/domain/events.ts';
import type { JobDataMap, JobName } from '../src/domain/job-requests.ts';
import type { Logger } from '../src/logger.ts';
import type { MetricsSink } from '../src/metrics/metrics-sink.ts';
import type { RedisClient } from '../src/queue/connection.ts';
import type { Rules } from '../src/rules/rules-schema.ts';
import type { Tracker } from '../src/trackers/tracker.ts';

/** What a handler may use: trackers through the port, rules, a Redis client for its own state, a clock. */
export interface JobContext {
  log: Logger;
  jobId: string;
  config: Config;
  rules: () => Rules;
  tracker(name: TrackerName): Tracker;
  /** The service's own account on a tracker, once known. */
  selfId(name: TrackerName): string | undefined;
  /** How comments mention the service account ("@Refinery score"), once known. */
  selfMentions?(name: TrackerName): readonly string[];
  redis: RedisClient;
  keyPrefix: string;
  now: () => Date;
  /** Reports how far a long job got (BullMQ job progress), for the admin API and Bull Board. */
  progress?: (value: number | object) => Promise<void>;
  /** The audit trail every tracker write of the job lands in (`tracker(name)` is already audited). */
  audit?: AuditStore;
  /** True when the job's writes are only planned and audited (DRY_RUN, or `dryRun` in the job data). */
  dryRun?: boolean;
  /** Which attempt this is, of how many (JOB_ATTEMPTS): on the last one a failure is final. */
  attempt?: { number: number; max: number };
  /** What a handler counts itself: what the service declined to do, which a job's outcome does not tell. */
  metrics?: Pick<MetricsSink, 'commandsDeclined'>;
}

/** A handler returns a short summary of what it did; BullMQ keeps it as the job's return value. */
export type JobHandler<N extends JobName> = (
  data: JobDataMap[N],
  context: JobContext,
) => Promise<Record<string, unknown>>;

export type JobHandlers = { [N in JobName]: JobHandler<N> };

/** The handler of a job name, typed for data that arrives from the queue (or from a planner). */
export function handlerOf(
  handlers: JobHandlers,
  name: string,
): ((data: unknown, context: JobContext) => Promise<Record<string, unknown>>) | undefined {
  return handlers[name as JobName] as
    | ((data: unknown, context: JobContext) => Promise<Record<string, unknown>>)
    | undefined;
}
