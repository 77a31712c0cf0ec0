import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { useSecurityHeaders } from '../plugins/security-headers.ts';
import { DASHBOARD_PATH } from './bull-board.ts';

export const DOCS_PATH = '/docs';

/**
 * The OpenAPI document, built from the routes' TypeBox schemas, and its UI at /docs (JSON at /docs/json).
 * Registered before any route, since @fastify/swagger learns routes as they are added.
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'backlog-refinery',
        version: '0.1.0',
        description: 'Webhook intake, admin API and metrics',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    // Bull Board's own pages and API are not ours to document.
    transform: ({ schema, url }) => ({
      schema: url.includes(`/admin${DASHBOARD_PATH}`) ? { ...schema, hide: true } : schema,
      url,
    }),
  });
  // staticCSP: the UI's own policy, with the hashes of its inline scripts, replaces Helmet's on its pages.
  await app.register(async (scope) => {
    await useSecurityHeaders(scope);
    await scope.register(swaggerUi, { routePrefix: DOCS_PATH, staticCSP: true });
  });
}
