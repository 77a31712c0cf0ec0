import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { registerMetricsRoute } from '../metrics/metrics-route.ts';
import type { MetricsSink } from '../metrics/metrics-sink.ts';
import type { AdminDeps } from './admin/admin-deps.ts';
import { registerAdmin } from './admin/admin-plugin.ts';
import { registerDocs } from './admin/docs.ts';
import { useErrorHandler } from './plugins/error-handler.ts';
import { type HealthDeps, registerHealthRoutes } from './routes/health.ts';
import { registerTrackerWebhooks } from './routes/tracker-webhooks.ts';
import type { WebhookDeps } from './routes/webhook-route.ts';

export interface AppDeps extends WebhookDeps, HealthDeps {
  config: Config;
  log: Logger;
  /** The /admin API; without it (or without ADMIN_TOKEN) /admin answers that it is not available. */
  admin?: AdminDeps;
  /** Delivery counters and /metrics. */
  metrics?: { registry: Registry; sink: MetricsSink };
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
  await registerDocs(app);
  useErrorHandler(app);
  registerHealthRoutes(app, deps);
  const observers = [deps.onOutcome, deps.metrics?.sink.delivery, deps.admin?.deliveries.record];
  registerTrackerWebhooks(app, deps.config, {
    ...deps,
    onOutcome: (tracker, outcome) => {
      for (const observe of observers) observe?.(tracker, outcome);
    },
  });
  registerAdmin(app, deps.config, deps.admin);
  if (deps.metrics) registerMetricsRoute(app, deps.metrics.registry);
  await app.ready();
  return app;
}
