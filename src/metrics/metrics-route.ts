import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import Type from 'typebox';

/** Prometheus text at /metrics; unauthenticated like most scrape targets, and free of secrets and item data. */
export function registerMetricsRoute(
  app: FastifyInstance,
  registry: Registry,
  flush: () => Promise<void>,
): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics of the whole service (every API and worker process)',
        response: { 200: Type.String({ description: 'Prometheus text exposition format 0.0.4' }) },
      },
    },
    async (_request, reply) => {
      await flush();
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}
