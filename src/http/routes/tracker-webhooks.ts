import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type Config, JIRA_WEBHOOK_PATH, type JiraConfig, TRELLO_WEBHOOK_PATH } from '../../config.ts';
import { JIRA_DELIVERIES, TRELLO_DELIVERIES } from '../../trackers/deliveries.ts';
import { isValidJiraSignature } from '../../trackers/jira/jira-signature.ts';
import { isValidTrelloSignature } from '../../trackers/trello/trello-signature.ts';
import { registerWebhookRoute, type WebhookDeps, type WebhookSource } from './webhook-route.ts';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The `token` query parameter of a request URL if there is exactly one, else '' (which no token equals). */
function urlToken(url: string): string {
  const tokens = new URLSearchParams(url.split('?')[1] ?? '').getAll('token');
  return tokens.length === 1 ? (tokens[0] ?? '') : '';
}

/**
 * Signed or refused: with a secret, the signature; without one, every delivery is refused unless the operator
 * allowed unsigned deliveries, and then the callback URL's token is the proof (compared as digests, in constant
 * time, so neither its length nor a prefix leaks).
 */
function jiraVerifier(jira: JiraConfig | undefined): WebhookSource<typeof JIRA_DELIVERIES.schema>['verify'] {
  if (!jira) return () => false;
  if (jira.webhookSecrets.length > 0)
    return (raw, headers) =>
      isValidJiraSignature(raw, header(headers['x-hub-signature']), jira.webhookSecrets);
  if (!jira.unsignedUrlToken) return () => false;
  const expected = digest(jira.unsignedUrlToken);
  return (_raw, _headers, url) => timingSafeEqual(digest(urlToken(url)), expected);
}

export function registerTrackerWebhooks(app: FastifyInstance, config: Config, deps: WebhookDeps): void {
  const jira = config.jira;
  registerWebhookRoute(
    app,
    {
      path: JIRA_WEBHOOK_PATH,
      unconfigured: jira
        ? undefined
        : 'Jira is not configured on this service (set JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN)',
      verify: jiraVerifier(jira),
      format: JIRA_DELIVERIES,
      signedDigest: jira?.webhookSecrets.length
        ? (headers) => header(headers['x-hub-signature'])?.split('=')[1]
        : undefined,
    },
    deps,
  );

  const trello = config.trello;
  // Trello probes the callback URL with HEAD when a webhook is created; it must answer 200.
  app.head(TRELLO_WEBHOOK_PATH, async (_request, reply) => reply.status(200).send());
  registerWebhookRoute(
    app,
    {
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
      format: TRELLO_DELIVERIES,
    },
    deps,
  );
}
