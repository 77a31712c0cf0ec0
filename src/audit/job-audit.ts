import type { Config } from '../config.ts';
import { parseCommands } from '../domain/commands/parse-commands.ts';
import type { Actor } from '../domain/events.ts';
import type { Tracker } from '../trackers/tracker.ts';
import type { AuditContext } from './audit-entry.ts';
import type { AuditStore } from './audit-store.ts';
import { createAuditedTracker } from './audited-tracker.ts';

/** Who asked when a job has no event actor (schedules, backfills). */
const SERVICE_ACTOR: Actor = { id: 'service', displayName: 'backlog-refinery' };

interface JobLike {
  id?: string;
  name: string;
  data: unknown;
}

interface EventLike {
  deliveryId?: string;
  actor?: Actor;
  comment?: { text?: string };
}

function eventOf(data: unknown): EventLike | undefined {
  const event = (data as { event?: unknown } | null | undefined)?.event;
  return typeof event === 'object' && event !== null ? (event as EventLike) : undefined;
}

/** The audit context of a job: the capability is the job name; the command is what a comment asked for. */
export function auditContextOf(job: JobLike): AuditContext {
  const event = eventOf(job.data);
  const text = event?.comment?.text;
  const commands = text ? parseCommands(text).map((c) => `/${c.name}${c.args ? ` ${c.args}` : ''}`) : [];
  return {
    capability: job.name,
    jobId: job.id ?? '',
    deliveryId: event?.deliveryId ?? '',
    actor: event?.actor ?? SERVICE_ACTOR,
    command: commands.length > 0 ? commands.join('; ') : undefined,
  };
}

/** DRY_RUN for the whole service, or `dryRun: true` in the job data (admin command action). */
export function isDryRunJob(job: JobLike, config: Pick<Config, 'dryRun'>): boolean {
  return config.dryRun || (job.data as { dryRun?: unknown } | null | undefined)?.dryRun === true;
}

/** One audited tracker per job and tracker name, all sharing the job's context and dry-run switch. */
export function createJobTrackers(
  job: JobLike,
  options: { audit: AuditStore; config: Pick<Config, 'dryRun'> },
) {
  const context = auditContextOf(job);
  const dryRun = isDryRunJob(job, options.config);
  const made = new Map<Tracker, Tracker>();
  return {
    dryRun,
    audited(tracker: Tracker): Tracker {
      let audited = made.get(tracker);
      if (!audited) {
        audited = createAuditedTracker(tracker, { audit: options.audit, dryRun, context });
        made.set(tracker, audited);
      }
      return audited;
    },
  };
}
