import { createTrelloClient } from 'trello.js';
import type { Webhook } from 'trello.js/models';
import type { RegisteredWebhook, WebhookAdmin } from '../webhook-admin.ts';
import { trelloCall } from './trello-errors.ts';
import { DEFAULT_TRELLO_API_URL, type TrelloTrackerOptions } from './trello-tracker.ts';
import { createTrelloTransport } from './trello-transport.ts';

function toRegistered(webhook: Webhook): RegisteredWebhook {
  return {
    id: webhook.id,
    modelId: webhook.idModel ?? '',
    callbackUrl: webhook.callbackURL ?? '',
    active: webhook.active ?? true,
    description: webhook.description,
    consecutiveFailures: webhook.consecutiveFailures,
  };
}

/**
 * Trello webhooks belong to the token that made them: they are listed through GET /1/tokens/{token}/webhooks
 * (each under its board's id, whatever name it was created with), created with POST /1/webhooks (Trello first
 * probes the callback URL with HEAD) and removed by id. Takes the
 * adapter's options, so it shares the paced transport and rate-limit budget.
 */
export function createTrelloWebhookAdmin(options: TrelloTrackerOptions): WebhookAdmin {
  const client = createTrelloTransport({ ...options, apiUrl: options.apiUrl ?? DEFAULT_TRELLO_API_URL });
  const api = createTrelloClient(client);
  return {
    modelId: (board) =>
      trelloCall('getBoard', async () => (await api.boards.getBoard({ id: board, fields: 'id' })).id),
    list: () =>
      trelloCall('listWebhooks', async () =>
        (await api.tokens.getTokenWebhooks({ token: options.apiToken })).map(toRegistered),
      ),
    register: (modelId, callbackUrl, description) =>
      trelloCall('createWebhook', async () =>
        toRegistered(
          await api.webhooks.createWebhook({ idModel: modelId, callbackURL: callbackUrl, description }),
        ),
      ),
    remove: (id) => trelloCall('deleteWebhook', () => api.webhooks.deleteWebhook({ id })),
  };
}
