import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { useErrorHandler } from './plugins/error-handler.ts';
import { type HealthDeps, registerHealthRoutes } from './routes/health.ts';
import { registerTrackerWebhooks } from './routes/tracker-webhooks.ts';
import type { WebhookDeps } from './routes/webhook-route.ts';

export interface AppDeps extends WebhookDeps, HealthDeps {
  config: Config;
  log: Logger;
}

/** The Fastify app without `listen`, so tests drive it with `app.inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    // Slow senders are cut off instead of holding a socket forever.
    requestTimeout: 15_000,
    connectionTimeout: 20_000,
    disableRequestLogging: true,
    requestIdHeader: false,
    trustProxy: false,
  });
  useErrorHandler(app);
  registerHealthRoutes(app, deps);
  registerTrackerWebhooks(app, deps.config, deps);
  await app.ready();
  return app;
}
