import { setTimeout as sleep } from 'node:timers/promises';
import { signTrelloBody } from '../../trackers/trello/trello-signature.ts';
import type { SandboxWebhookTarget } from '../sandbox-part.ts';

export interface WebhookCounters {
  delivered: number;
  failedAttempts: number;
  dropped: number;
}

export interface WebhookSender {
  send(payload: unknown): void;
  /** Resolves once every queued delivery succeeded or gave up. */
  idle(): Promise<void>;
  readonly counters: WebhookCounters;
  /** Where the deliveries go: the callback URL of the webhooks that reach this receiver. */
  readonly callbackUrl: string | undefined;
}

// Trello "will retry 3 times before stopping" (tracker-facts §6); short pauses keep the sandbox quick.
const ATTEMPTS = 4;
const RETRY_PAUSE_MS = 100;
const TIMEOUT_MS = 5_000;

/** Signs like Trello (X-Trello-Webhook over raw body + callback URL) and delivers in order, one at a time. */
export function createWebhookSender(target: SandboxWebhookTarget | undefined): WebhookSender {
  const counters: WebhookCounters = { delivered: 0, failedAttempts: 0, dropped: 0 };
  let queue: Promise<void> = Promise.resolve();

  async function deliver(body: string, webhook: SandboxWebhookTarget): Promise<void> {
    const signature = signTrelloBody(body, webhook.secret, webhook.url);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const response = await fetch(webhook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-trello-webhook': signature },
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (response.ok) {
          counters.delivered += 1;
          return;
        }
      } catch {
        // An unreachable receiver is just another failed attempt.
      }
      counters.failedAttempts += 1;
      if (attempt < ATTEMPTS) await sleep(RETRY_PAUSE_MS * attempt);
    }
    counters.dropped += 1;
  }

  return {
    counters,
    callbackUrl: target?.url,
    send(payload) {
      if (!target) return;
      const body = JSON.stringify(payload);
      queue = queue.then(() => deliver(body, target));
    },
    idle: () => queue,
  };
}
