import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** A page's own Content-Security-Policy: `strict` allows nothing but this origin's scripts, styles and images. */
export interface PagePolicy {
  strict?: boolean;
  /** Send HSTS: only where the page is served over https, otherwise browsers would be told to insist on it. */
  https?: boolean;
}

// The console's pages are all ours: no inline script or style, nothing from elsewhere.
const STRICT_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/**
 * Helmet's headers (CSP, nosniff, frame denial, referrer policy, HSTS...) on every route of the scope it is
 * registered in: each HTML page (API docs, queue dashboard, console) registers it in its own scope, so JSON
 * routes and webhooks stay as they are. Pages that need more than `'self'` widen the policy per route.
 */
export async function useSecurityHeaders(scope: FastifyInstance, policy: PagePolicy = {}): Promise<void> {
  await scope.register(helmet, {
    contentSecurityPolicy: policy.strict
      ? { useDefaults: false, directives: STRICT_DIRECTIVES }
      : {
          directives: {
            // The pages are ours or vendored: nothing loads from elsewhere, and no page may be framed.
            'frame-ancestors': ["'none'"],
            'form-action': ["'self'"],
          },
        },
    ...(policy.https === false ? { strictTransportSecurity: false } : {}),
  });
}
