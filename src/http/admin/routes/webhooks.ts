import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { JIRA_WEBHOOK_PATH } from '../../../config.ts';
import { JIRA_EVENTS } from '../../../trackers/jira/jira-webhook.ts';
import type { WebhookAdmin } from '../../../trackers/webhook-admin.ts';
import { HttpError } from '../../errors.ts';
import type { AdminContext } from '../admin-deps.ts';
import { IdParams, responses, SECURED } from '../schemas.ts';

const DeliveryStatusSchema = Type.Object({
  lastAt: Type.Optional(Type.String()),
  lastOutcome: Type.Optional(Type.String()),
  lastVerifiedAt: Type.Optional(Type.String()),
});

const WebhookSchema = Type.Object({
  id: Type.String(),
  modelId: Type.String(),
  callbackUrl: Type.String(),
  active: Type.Boolean(),
  description: Type.Optional(Type.String()),
  consecutiveFailures: Type.Optional(Type.Number()),
});

export function registerWebhookRoutes(app: FastifyInstance, context: AdminContext): void {
  const admin = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['webhooks'];
  const { config } = context;
  const trello = (): { webhooks: WebhookAdmin; callbackUrl: string } => {
    const webhooks = context.webhookAdmin.trello;
    if (!config.trello || !webhooks) throw new HttpError(404, 'Trello is not configured on this service');
    return { webhooks, callbackUrl: config.trello.callbackUrl };
  };

  admin.get(
    '/webhooks/jira',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'How to set up the Jira admin webhook, and whether deliveries arrive',
        response: responses({
          200: Type.Object({
            configured: Type.Boolean(),
            url: Type.Optional(Type.String()),
            events: Type.Array(Type.String()),
            secretConfigured: Type.Boolean(),
            deliveries: DeliveryStatusSchema,
            setup: Type.Array(Type.String()),
          }),
        }),
      },
    },
    async () => {
      const url = config.publicUrl ? `${config.publicUrl}${JIRA_WEBHOOK_PATH}` : undefined;
      const secretConfigured = (config.jira?.webhookSecrets.length ?? 0) > 0;
      return {
        configured: config.jira !== undefined,
        url,
        events: JIRA_EVENTS,
        secretConfigured,
        deliveries: await context.deliveries.status('jira'),
        setup: [
          `In Jira: Settings > System > WebHooks > Create a WebHook (${config.jira?.baseUrl ?? '<site>'}/plugins/servlet/webhooks)`,
          `URL: ${url ?? 'set PUBLIC_URL first'}`,
          `Events: ${JIRA_EVENTS.join(', ')}`,
          secretConfigured
            ? 'Secret: the value of JIRA_WEBHOOK_SECRET (deliveries are signed and checked)'
            : config.jira?.unsignedUrlToken
              ? 'Secret: none; unsigned deliveries are allowed (JIRA_ALLOW_UNSIGNED): append ?token=<JIRA_WEBHOOK_URL_TOKEN> to the URL. Prefer a secret'
              : 'Secret: none configured, so every delivery is refused (401); set JIRA_WEBHOOK_SECRET here and the same secret in Jira',
        ],
      };
    },
  );

  admin.get(
    '/webhooks/trello',
    {
      schema: {
        tags,
        security: SECURED,
        summary: "The token's Trello webhooks, and whether deliveries arrive",
        response: responses({
          200: Type.Object({
            callbackUrl: Type.String(),
            webhooks: Type.Array(WebhookSchema),
            deliveries: DeliveryStatusSchema,
          }),
        }),
      },
    },
    async () => {
      const { webhooks, callbackUrl } = trello();
      const [list, deliveries] = await Promise.all([webhooks.list(), context.deliveries.status('trello')]);
      return { callbackUrl, webhooks: list, deliveries };
    },
  );

  admin.post(
    '/webhooks/trello',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Register the board webhooks (idempotent); boards default to the rules scope',
        body: Type.Optional(
          Type.Object(
            {
              boards: Type.Optional(
                Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
        response: responses({
          200: Type.Object({
            callbackUrl: Type.String(),
            boards: Type.Array(
              Type.Object({
                board: Type.String(),
                result: Type.Union([Type.Literal('created'), Type.Literal('exists')]),
                webhook: WebhookSchema,
              }),
            ),
          }),
        }),
      },
    },
    async (request) => {
      const { webhooks, callbackUrl } = trello();
      const scope = context.rules().scope.trello;
      const boards = [...new Set(request.body?.boards ?? [...scope.backlogBoards, ...scope.supportBoards])];
      if (boards.length === 0)
        throw new HttpError(400, 'No boards: name them in body/boards or in the rules (scope.trello)');
      const existing = await webhooks.list();
      const results = [];
      for (const board of boards) {
        const modelId = await webhooks.modelId(board);
        const found = existing.find((hook) => hook.modelId === modelId && hook.callbackUrl === callbackUrl);
        const webhook = found ?? (await webhooks.register(modelId, callbackUrl, `backlog-refinery ${board}`));
        results.push({ board, result: found ? ('exists' as const) : ('created' as const), webhook });
      }
      return { callbackUrl, boards: results };
    },
  );

  admin.delete(
    '/webhooks/trello/:id',
    {
      schema: {
        tags,
        security: SECURED,
        summary: 'Delete one of the webhooks',
        params: IdParams,
        response: responses({ 200: Type.Object({ deleted: Type.String() }) }),
      },
    },
    async (request) => {
      await trello().webhooks.remove(request.params.id);
      return { deleted: request.params.id };
    },
  );
}
