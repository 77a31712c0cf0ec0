import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { registerMetricsRoute } from '../metrics/metrics-route.ts';
import type { MetricsSink } from '../metrics/metrics-sink.ts';
import type { AdminDeps } from './admin/admin-deps.ts';
import { registerAdmin } from './admin/admin-plugin.ts';
import { registerDocs } from './admin/docs.ts';
import { type ConsoleDeps, registerConsole } from './console/console-plugin.ts';
import { useBoundedJsonParser } from './plugins/bounded-json.ts';
import { useErrorHandler } from './plugins/error-handler.ts';
import { type HealthDeps, registerHealthRoutes } from './routes/health.ts';
import { registerTrackerWebhooks } from './routes/tracker-webhooks.ts';
import type { WebhookDeps } from './routes/webhook-route.ts';

export interface AppDeps extends WebhookDeps, HealthDeps {
  config: Config;
  log: Logger;
  /** The /admin API; without it (or without ADMIN_TOKEN) /admin answers that it is not available. */
  admin?: AdminDeps;
  /** The web console at /console; without it /console answers that this process does not serve it. */
  console?: ConsoleDeps;
  /** Delivery counters and /metrics. */
  metrics?: { registry: Registry; sink: MetricsSink };
  /** Socket limits; tests shorten them to see a slow sender cut off in a second instead of 15. */
  timeouts?: { requestMs: number; checkEveryMs: number };
}

/** A request must arrive whole within 15 s; Node looks for late ones every second (its default is 30 s). */
const TIMEOUTS = { requestMs: 15_000, checkEveryMs: 1_000 };

/** The Fastify app without `listen`, so tests drive it with `app.inject`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const timeouts = deps.timeouts ?? TIMEOUTS;
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    // Slow senders (one byte a second keeps a socket from being idle) are cut off instead of holding it forever.
    // Also given to Node at creation: set only afterwards, as Fastify does, it never fired (see test/security).
    requestTimeout: timeouts.requestMs,
    http: { requestTimeout: timeouts.requestMs, connectionsCheckingInterval: timeouts.checkEveryMs },
    connectionTimeout: 20_000,
    // One log line per delivery comes from the webhook route itself; per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    // Only the operator's proxies may name the client (rate limits and sign-in logs key on it).
    trustProxy: deps.config.trustedProxies.length > 0 ? deps.config.trustedProxies : false,
  });
  useBoundedJsonParser(app);
  await registerDocs(app);
  useErrorHandler(app, deps.isRedisReady);
  registerHealthRoutes(app, deps);
  const observers = [deps.onOutcome, deps.metrics?.sink.delivery, deps.admin?.deliveries.record];
  registerTrackerWebhooks(app, deps.config, {
    ...deps,
    onOutcome: (tracker, outcome) => {
      for (const observe of observers) observe?.(tracker, outcome);
    },
  });
  registerAdmin(app, deps.config, deps.admin);
  registerConsole(app, deps.config, deps.console, deps.isRedisReady);
  if (deps.metrics) registerMetricsRoute(app, deps.metrics.registry, deps.metrics.sink.flush);
  await app.ready();
  return app;
}
