import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { useSecurityHeaders } from '../plugins/security-headers.ts';

export const DASHBOARD_PATH = '/queues';

/** Bull Board, inside the admin scope so the same bearer check guards its pages and API. */
export async function registerDashboard(app: FastifyInstance, queue: Queue, prefix: string): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(`${prefix}${DASHBOARD_PATH}`);
  // @bull-board/fastify pins its own copy of @bull-board/api one patch behind ours: same adapter contract.
  createBullBoard({
    queues: [new BullMQAdapter(queue)],
    serverAdapter: serverAdapter as unknown as IServerAdapter,
  });
  await app.register(async (scope) => {
    await useSecurityHeaders(scope);
    await scope.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}
