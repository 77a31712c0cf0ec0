import type { FastifyBaseLogger } from 'fastify';
import type { Static, TSchema } from 'typebox';
import type { TrackerName } from '../../../domain/events.ts';
import type { JobRequest } from '../../../domain/job-requests.ts';
import type { Tracker, TrackerItem } from '../../../trackers/tracker.ts';
import type { AdminContext } from '../admin-deps.ts';

/** What an action may use besides the admin dependencies. */
export interface AdminActionContext extends AdminContext {
  log: FastifyBaseLogger;
  /** `admin.<uuid>`: the delivery id of what this request enqueues and of the writes it makes. */
  requestId: string;
  /** Enqueues jobs once, under `requestId` as their delivery key; returns it and the job ids. */
  enqueue(jobs: readonly JobRequest[]): Promise<{ deliveryId: string; jobIds: string[] }>;
  /** The item a person named (key, shortLink or URL); answers 404 for the request when there is none. */
  resolveItem(tracker: TrackerName, keyOrUrl: string): Promise<TrackerItem>;
  /** The tracker for admin-initiated work, audited as capability `admin` with the request as its change. */
  auditedTracker(tracker: TrackerName, options: { dryRun: boolean; command: string }): Tracker;
}

/**
 * An action of the admin API: `POST /admin/actions/<name>` with a TypeBox-checked body, listed in the OpenAPI
 * document. Capabilities add theirs (re-score, backfill the link index, post a sprint summary...) to
 * ADMIN_ACTIONS in ./index.ts, or pass them in AdminDeps.actions.
 */
export interface AdminAction<B extends TSchema = TSchema, R extends TSchema = TSchema> {
  name: string;
  summary: string;
  body: B;
  response: R;
  /** 202 for actions that enqueue work, 200 for those done when they answer. */
  status: 200 | 202;
  run(body: Static<B>, context: AdminActionContext): Promise<Static<R>>;
}

/** Keeps the body and response types of one action tied to its schemas. */
export function defineAdminAction<B extends TSchema, R extends TSchema>(
  action: AdminAction<B, R>,
): AdminAction {
  return action as unknown as AdminAction;
}

/** Who asked, for work the admin API starts (unless the request names someone). */
export const ADMIN_ACTOR = { id: 'admin-api', displayName: 'Admin API' };
