import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Helmet's headers (CSP, nosniff, frame denial, referrer policy, HSTS...) on every route of the scope it is
 * registered in: each HTML page (API docs, queue dashboard, console) registers it in its own scope, so JSON
 * routes and webhooks stay as they are. Pages that need more than `'self'` widen the policy per route.
 */
export async function useSecurityHeaders(scope: FastifyInstance): Promise<void> {
  await scope.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        // The pages are ours or vendored: nothing loads from elsewhere, and no page may be framed.
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'"],
      },
    },
  });
}
