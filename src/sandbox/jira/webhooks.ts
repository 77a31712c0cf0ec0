import { randomUUID } from 'node:crypto';
import { signJiraBody } from '../../trackers/jira/jira-signature.ts';
import type { SandboxWebhookTarget } from '../sandbox-part.ts';

/**
 * Jira's delivery lanes (`X-Atlassian-Webhook-Flow`): `Secondary` carries the fallout of a cascading change, like
 * the `comment_deleted` of each comment and the `issuelink_deleted` of each link of a deleted issue.
 */
export type DeliveryFlow = 'Primary' | 'Secondary';

export interface Delivery {
  id: string;
  event: string;
  payload: Record<string, unknown>;
  flow: DeliveryFlow;
  attempts: number;
  /** `skipped` when the sandbox has no webhook target. */
  status: 'pending' | 'delivered' | 'failed' | 'skipped';
  /** HTTP status of the last attempt; 0 when the connection failed. */
  lastStatus?: number;
}

export interface WebhookSender {
  send(event: string, payload: Record<string, unknown>, flow?: DeliveryFlow): void;
  readonly deliveries: Delivery[];
  /** Resolves when every delivery queued so far has succeeded or given up. */
  idle(): Promise<void>;
  reset(): void;
}

/** Short, bounded retries in the spirit of Jira's policy (retries on 429, 5xx and connection failures). */
const RETRY_DELAYS_MS = [50, 200, 500];
const ATTEMPT_TIMEOUT_MS = 5_000;

const retryable = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function attempt(target: SandboxWebhookTarget, delivery: Delivery, raw: string): Promise<number> {
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': 'Atlassian Webhook HTTP Client',
        'X-Hub-Signature': signJiraBody(raw, target.secret),
        'X-Atlassian-Webhook-Identifier': delivery.id,
        'X-Atlassian-Webhook-Flow': delivery.flow,
      },
      body: raw,
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * Delivers signed webhooks one at a time, in the order the changes happened. The identifier stays the same across
 * retries of one delivery, as Jira's does, so receivers can dedupe on it.
 */
export function createWebhookSender(target: SandboxWebhookTarget | undefined): WebhookSender {
  const deliveries: Delivery[] = [];
  let queue: Promise<void> = Promise.resolve();
  let sequence = 0;

  async function deliver(delivery: Delivery): Promise<void> {
    if (!target) return;
    const raw = JSON.stringify(delivery.payload);
    for (let tries = 0; ; tries += 1) {
      delivery.attempts += 1;
      delivery.lastStatus = await attempt(target, delivery, raw);
      if (delivery.lastStatus >= 200 && delivery.lastStatus < 300) {
        delivery.status = 'delivered';
        return;
      }
      const delay = RETRY_DELAYS_MS[tries];
      if (!retryable(delivery.lastStatus) || delay === undefined) {
        delivery.status = 'failed';
        return;
      }
      await sleep(delay);
    }
  }

  return {
    deliveries,
    send(event, payload, flow = 'Primary') {
      sequence += 1;
      const delivery: Delivery = {
        id: `${randomUUID()}-${sequence}`,
        event,
        payload,
        flow,
        attempts: 0,
        status: target ? 'pending' : 'skipped',
      };
      deliveries.push(delivery);
      queue = queue.then(() => deliver(delivery));
    },
    idle: () => queue,
    reset() {
      deliveries.length = 0;
    },
  };
}
