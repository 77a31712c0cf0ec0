import type { WebhookAdmin } from './webhook-admin.ts';

/**
 * The models the service's own token has webhooks on (Trello boards). Trello signs every delivery with the secret
 * of the API key, and the key is public: a delivery from a webhook someone else's token made for that key, with the
 * service's callback URL, is signed like the service's own. Only its `model` tells it apart.
 */
export interface OwnWebhooks {
  /** Whether a webhook of the service's token watches `modelId`. Rejects (OwnWebhooksUnreadable) when the list cannot be read. */
  watches(modelId: string): Promise<boolean>;
}

/** The list could not be read (the tracker or the rate limiter's Redis failed): nothing can be decided yet. */
export class OwnWebhooksUnreadable extends Error {
  constructor(cause: unknown) {
    super(`the service's webhooks could not be read: ${(cause as Error).message}`, { cause });
    this.name = 'OwnWebhooksUnreadable';
  }
}

/**
 * Cached in the process; a miss reads the list again, at most once per `rereadMs` (`TRELLO_WEBHOOKS_REREAD_MS`, 10 s):
 * a board the doctor just connected is heard within it, also when another board was connected a moment before (a
 * minute dropped a second board's first commands in the first hour), and a stranger's deliveries cost one read per
 * it, a tenth of a percent of Trello's 100 requests per 10 s.
 */
export function createOwnWebhooks(
  list: WebhookAdmin['list'],
  options: { rereadMs: number; now?: () => number },
): OwnWebhooks {
  const { rereadMs } = options;
  const now = options.now ?? Date.now;
  let models = new Set<string>();
  let readAt: number | undefined;
  // Deliveries that miss together wait for one read.
  let reading: Promise<void> | undefined;
  const read = async () => {
    const hooks = await list().catch((error: unknown) => {
      throw new OwnWebhooksUnreadable(error);
    });
    models = new Set(hooks.map((hook) => hook.modelId));
    readAt = now();
  };
  return {
    async watches(modelId) {
      if (models.has(modelId)) return true;
      if (readAt === undefined || now() - readAt >= rereadMs) {
        reading ??= read().finally(() => {
          reading = undefined;
        });
        await reading;
      }
      return models.has(modelId);
    },
  };
}
