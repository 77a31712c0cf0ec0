import type { Queue } from 'bullmq';
import type { TrackerName } from '../src/domain/events.ts';
import type { JobRequest } from '../src/domain/job-requests.ts';
import { declinedCommands, planJobs } from '../src/domain/plan-jobs.ts';
import type { Logger } from '../src/logger.ts';
import type { MetricsSink } from '../src/metrics/metrics-sink.ts';
import { bulkJobs } from '../src/queue/intake.ts';
import type { IntakeConsumer, StoredDelivery } from '../src/queue/intake-consumer.ts';
import type { RetryPolicy } from '../src/queue/jobs.ts';
import type { Rules } from '../src/rules/rules-schema.ts';
import { normalizeStored, watchedModel } from '../src/trackers/deliveries.ts';
import { type OwnWebhooks, OwnWebhooksUnreadable } from '../src/trackers/own-webhooks.ts';

/**
 * The second stage of intake, in the workers: deliveries the API stored (src/queue/intake.ts) become events
 * (tracker text parsed here, off the request path), then jobs. One `addBulk` per batch; a delivery is
 * acknowledged only after its jobs are in Redis, and job ids derive from the delivery, so a batch redone after a
 * crash adds nothing twice.
 */
export interface IntakeRelayDeps {
  consumer: IntakeConsumer;
  queue: Queue;
  rules: () => Rules;
  selfId: (tracker: TrackerName) => string | undefined;
  /** How comments mention the service account, so commands addressed to it are planned. */
  selfMentions?: (tracker: TrackerName) => readonly string[];
  retry: RetryPolicy;
  log: Logger;
  onOutcome?: (tracker: TrackerName, outcome: string) => void;
  /** Commands planning declined for who asked them, which no job will count. */
  onDeclined?: MetricsSink['commandsDeclined'];
  /**
   * Per tracker whose deliveries name the model their webhook watches (Trello): the service's own webhooks. A
   * delivery for a model none of them watches is dropped.
   */
  ownWebhooks?: Partial<Record<TrackerName, OwnWebhooks>>;
}

export const RELAY_BATCH = 200;

type BulkJobs = ReturnType<typeof bulkJobs>;

function plan(delivery: StoredDelivery, deps: IntakeRelayDeps): BulkJobs {
  const { tracker, deliveryKey } = delivery;
  const normalized = normalizeStored(tracker, deliveryKey, delivery.body);
  if (normalized.kind === 'ignored') {
    deps.log.debug({ deliveryId: deliveryKey, reason: normalized.reason }, 'Delivery ignored');
    return [];
  }
  const { event } = normalized;
  // The API drops these too, unless it had not learned the service's account yet.
  if (event.actor.id === deps.selfId(tracker)) {
    deps.onOutcome?.(tracker, 'own_event');
    return [];
  }
  const rules = deps.rules();
  const mentions = deps.selfMentions?.(tracker);
  const jobs = planJobs(event, rules, undefined, mentions);
  const declined = declinedCommands(event, rules, mentions);
  if (declined) deps.onDeclined?.(tracker, declined.reason, declined.commands);
  deps.log.info(
    {
      deliveryId: deliveryKey,
      kind: event.kind,
      item: 'item' in event ? event.item.key : undefined,
      jobs: jobs.map((job) => job.name),
      declined: declined?.reason,
    },
    'Delivery planned',
  );
  return bulkJobs(deliveryKey, jobs, deps.retry);
}

function unplanned(delivery: StoredDelivery, reason: string): JobRequest {
  const { tracker, deliveryKey, body } = delivery;
  return { name: 'unplanned-delivery', data: { tracker, deliveryKey, reason, body } };
}

/**
 * Whether a delivery comes from a webhook of the service's own token. Checked here rather than at the edge: it may
 * read the tracker, which the request path must not wait for. A failed read rejects, and the batch is read again.
 */
async function fromOwnWebhook(delivery: StoredDelivery, deps: IntakeRelayDeps): Promise<boolean> {
  const { tracker, deliveryKey } = delivery;
  const own = deps.ownWebhooks?.[tracker];
  if (!own) return true;
  const model = watchedModel(tracker, delivery.body);
  if (model !== undefined && (await own.watches(model))) return true;
  deps.onOutcome?.(tracker, 'foreign_webhook');
  deps.log.warn(
    { deliveryId: deliveryKey, model },
    "Delivery dropped: no webhook of the service's token watches its model",
  );
  return false;
}

/** Takes one batch (waiting up to `blockMs` for one, if given) and turns it into jobs; returns how many it finished. */
export async function relayBatch(deps: IntakeRelayDeps, blockMs?: number): Promise<number> {
  const deliveries = await deps.consumer.take(RELAY_BATCH, blockMs);
  if (deliveries.length === 0) return 0;
  const finished: string[] = [];
  const jobs: BulkJobs = [];
  for (const delivery of deliveries) {
    try {
      if (await fromOwnWebhook(delivery, deps)) jobs.push(...plan(delivery, deps));
      finished.push(delivery.entryId);
    } catch (error) {
      // The service's webhooks could not be read: the whole batch is read again.
      if (error instanceof OwnWebhooksUnreadable) throw error;
      // Planning is pure, so trying again would fail again and hold up every delivery behind this one.
      const reason = (error as Error).message;
      deps.log.error(
        { deliveryId: delivery.deliveryKey, err: { message: reason } },
        'Delivery could not be planned',
      );
      jobs.push(
        ...bulkJobs(delivery.deliveryKey, [unplanned(delivery, reason)], { ...deps.retry, attempts: 1 }),
      );
      finished.push(delivery.entryId);
    }
  }
  if (jobs.length > 0) await deps.queue.addBulk(jobs);
  await deps.consumer.done(finished);
  return finished.length;
}

export interface RunningRelay {
  stop(): Promise<void>;
}

/**
 * Relays batches until stopped; a Redis failure, or a tracker's that the list of the service's webhooks could not
 * be read, is waited out (the deliveries stay in the stream).
 */
export function startIntakeRelay(deps: IntakeRelayDeps, blockMs = 1_000): RunningRelay {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        await relayBatch(deps, blockMs);
      } catch (error) {
        if (stopped) return;
        deps.log.warn(
          { err: { message: (error as Error).message } },
          error instanceof OwnWebhooksUnreadable
            ? "Intake relay waits to read the service's webhooks"
            : 'Intake relay waits for Redis',
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
