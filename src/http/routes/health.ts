import type { FastifyInstance } from 'fastify';

export interface HealthDeps {
  /** Resolves true when Redis answers in time. */
  isRedisReady: () => Promise<boolean>;
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await deps.isRedisReady();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'redis unavailable' });
  });
}
