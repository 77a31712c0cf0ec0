import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ADMIN_PREFIX, type Config } from '../../config.ts';
import { isAbsent, TrackerError } from '../../errors.ts';
import { redactUrl } from '../../logger.ts';
import { HttpError } from '../errors.ts';
import { createActionContext } from './action-context.ts';
import { ADMIN_ACTIONS } from './actions/index.ts';
import { createTokenCheck } from './admin-auth.ts';
import type { AdminContext, AdminDeps } from './admin-deps.ts';
import { registerDashboard } from './bull-board.ts';
import { registerActionRoutes } from './routes/actions.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerDoctorRoute } from './routes/doctor.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';
import { adminValidatorCompiler } from './validator.ts';

export { ADMIN_PREFIX } from '../../config.ts';

/** Failed authentications allowed per client address and minute before 429. */
const AUTH_FAILURES_PER_MINUTE = 10;

function registerDisabled(app: FastifyInstance, reason: string): void {
  app.register(
    async (scope) => {
      const disabled = async () => {
        throw new HttpError(404, reason);
      };
      scope.all('/', disabled);
      scope.all('/*', disabled);
    },
    { prefix: ADMIN_PREFIX },
  );
}

/**
 * The /admin API in its own encapsulated scope: bearer auth and the failure rate limit apply to every route in
 * it (Bull Board included), and it keeps Fastify's safe JSON parser (the raw-body one lives in the webhook scope).
 */
export function registerAdmin(app: FastifyInstance, config: Config, deps: AdminDeps | undefined): void {
  const token = config.adminToken;
  if (!token || !deps) {
    const reason = token
      ? 'The admin API is not available in this process'
      : 'The admin API is disabled: set ADMIN_TOKEN to enable it';
    registerDisabled(app, reason);
    return;
  }
  const check = createTokenCheck(token);
  const context: AdminContext = { ...deps, config, now: deps.now ?? (() => new Date()) };

  app.register(
    async (scope) => {
      scope.setValidatorCompiler(adminValidatorCompiler);
      await scope.register(rateLimit, { global: false });
      // Added as a scope hook before the token check, so failed checks are what it counts.
      scope.addHook(
        'onRequest',
        scope.rateLimit({
          max: AUTH_FAILURES_PER_MINUTE,
          timeWindow: 60_000,
          // Only failed authentications count, per client: the socket's address, or what a trusted proxy says.
          allowList: (request) => check(request) === 'ok',
          keyGenerator: (request) => request.ip,
        }),
      );
      scope.addHook('onRequest', async (request) => {
        const result = check(request);
        if (result !== 'ok')
          // X-Forwarded-For only from a proxy in TRUST_PROXY: elsewhere it is whatever the client says.
          request.log.warn(
            {
              clientAddress: request.ip,
              method: request.method,
              path: redactUrl(request.url.split('?')[0] ?? ''),
              reason: `token ${result}`,
            },
            'Admin sign-in failed',
          );
        if (result === 'missing')
          throw new HttpError(401, 'Bearer token missing', { 'www-authenticate': 'Bearer' });
        if (result === 'invalid')
          throw new HttpError(401, 'Bearer token invalid', { 'www-authenticate': 'Bearer' });
      });
      scope.setErrorHandler((error, _request, reply) => {
        // Tracker messages are scrubbed by the adapters and tell the operator what the tracker refused.
        if (error instanceof TrackerError)
          return reply.status(isAbsent(error.kind) ? 404 : 502).send({
            error: isAbsent(error.kind) ? 'Not Found' : 'Bad Gateway',
            message: error.message,
          });
        throw error;
      });
      registerJobRoutes(scope, context);
      registerAuditRoutes(scope, (request) => createActionContext(context, request));
      registerActionRoutes(scope, context, [...ADMIN_ACTIONS, ...(deps.actions ?? [])], (request) =>
        createActionContext(context, request),
      );
      registerWebhookRoutes(scope, context);
      registerDoctorRoute(scope, context);
      await registerDashboard(scope, deps.queue, ADMIN_PREFIX);
    },
    { prefix: ADMIN_PREFIX },
  );
}
