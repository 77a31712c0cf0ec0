import type { Queue } from 'bullmq';
import type { AuditStore } from '../../audit/audit-store.ts';
import type { Config } from '../../config.ts';
import type { DoctorReport } from '../../doctor/checklist.ts';
import type { TrackerName } from '../../domain/events.ts';
import type { Intake } from '../../queue/intake.ts';
import type { ScheduleRegistrations } from '../../queue/schedule-registrations.ts';
import type { RulesResult } from '../../rules/load-rules.ts';
import type { Rules } from '../../rules/rules-schema.ts';
import type { Tracker } from '../../trackers/tracker.ts';
import type { WebhookAdmin } from '../../trackers/webhook-admin.ts';
import type { AdminAction } from './actions/admin-action.ts';
import type { DeliveryLog } from './delivery-log.ts';

/** What the admin API needs; the API process builds it (src/server.ts), tests build it on a real Redis. */
export interface AdminDeps {
  queue: Queue;
  intake: Intake;
  audit: AuditStore;
  /** Adapters of the configured trackers: items are resolved and undone through them (audited). */
  trackers: ReadonlyMap<TrackerName, Tracker>;
  rules: () => Rules;
  /** The rules file's verdict, and when it took, how many processes (APIs, workers, this one too) were told. */
  reloadRules: () => Promise<RulesResult & { told?: number }>;
  deliveries: DeliveryLog;
  /** The summary schedules the workers could not register. */
  schedules: ScheduleRegistrations;
  webhookAdmin: Partial<Record<TrackerName, WebhookAdmin>>;
  /** Runs the setup checklist (`npm run doctor`) against this process's configuration. */
  doctor?: () => Promise<DoctorReport>;
  /** Extra actions besides ADMIN_ACTIONS (src/http/admin/actions/index.ts). */
  actions?: readonly AdminAction[];
  now?: () => Date;
}

export interface AdminContext extends AdminDeps {
  config: Config;
  now: () => Date;
}
