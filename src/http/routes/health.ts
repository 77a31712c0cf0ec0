import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';

/** What /healthz answers. `service` tells this service from another process on its port: the doctor asks. */
export const LivenessSchema = Type.Object({
  status: Type.Literal('ok'),
  service: Type.Literal('backlog-refinery'),
});
const LIVENESS: Static<typeof LivenessSchema> = { status: 'ok', service: 'backlog-refinery' };

export interface HealthDeps {
  /** Resolves true when Redis answers in time. */
  isRedisReady: () => Promise<boolean>;
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', async () => LIVENESS);
  app.get('/readyz', async (_request, reply) => {
    const ready = await deps.isRedisReady();
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'redis unavailable' });
  });
}
