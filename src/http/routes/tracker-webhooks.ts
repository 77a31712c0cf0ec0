import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type Config, JIRA_WEBHOOK_PATH, TRELLO_WEBHOOK_PATH } from '../../config.ts';
import { isValidJiraSignature } from '../../trackers/jira/jira-signature.ts';
import { toJiraEvent } from '../../trackers/jira/jira-webhook.ts';
import { JiraDeliverySchema } from '../../trackers/jira/jira-webhook-schema.ts';
import { isValidTrelloSignature } from '../../trackers/trello/trello-signature.ts';
import { toTrelloEvent } from '../../trackers/trello/trello-webhook.ts';
import { TrelloDeliverySchema } from '../../trackers/trello/trello-webhook-schema.ts';
import { registerWebhookRoute, type WebhookDeps } from './webhook-route.ts';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function registerTrackerWebhooks(app: FastifyInstance, config: Config, deps: WebhookDeps): void {
  const jira = config.jira;
  registerWebhookRoute(
    app,
    {
      tracker: 'jira',
      path: JIRA_WEBHOOK_PATH,
      unconfigured: jira
        ? undefined
        : 'Jira is not configured on this service (set JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN)',
      // Without a secret Jira sends no signature; the operator chose that, and the startup log says so.
      verify: (raw, headers) =>
        !jira ||
        jira.webhookSecrets.length === 0 ||
        isValidJiraSignature(raw, header(headers['x-hub-signature']), jira.webhookSecrets),
      schema: JiraDeliverySchema,
      // Older senders have no identifier header; the body (with its timestamp) then identifies the delivery.
      deliveryKey: (_body, headers, raw) =>
        `jira.${header(headers['x-atlassian-webhook-identifier']) ?? `body-${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`}`,
      sentAt: (body) => body.timestamp,
      normalize: (body, key) => toJiraEvent(body, key),
    },
    deps,
  );

  const trello = config.trello;
  // Trello probes the callback URL with HEAD when a webhook is created; it must answer 200.
  app.head(TRELLO_WEBHOOK_PATH, async (_request, reply) => reply.status(200).send());
  registerWebhookRoute(
    app,
    {
      tracker: 'trello',
      path: TRELLO_WEBHOOK_PATH,
      unconfigured: trello
        ? undefined
        : 'Trello is not configured on this service (set TRELLO_API_KEY, TRELLO_API_TOKEN, TRELLO_API_SECRET, PUBLIC_URL)',
      verify: (raw, headers) =>
        trello !== undefined &&
        isValidTrelloSignature(
          raw,
          header(headers['x-trello-webhook']),
          trello.webhookSecrets,
          trello.callbackUrl,
        ),
      schema: TrelloDeliverySchema,
      deliveryKey: (body) => `trello.${body.action.id}`,
      // One action reaches every webhook watching its models, each body naming its own `model`: still one action.
      content: (body) => JSON.stringify(body.action),
      sentAt: (body) => Date.parse(body.action.date) || undefined,
      normalize: (body) => toTrelloEvent(body),
    },
    deps,
  );
}
