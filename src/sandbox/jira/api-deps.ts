import type { FastifyRequest } from 'fastify';
import type { JiraWorld } from './world.ts';

/** What API route modules share: the world and the authenticated actor of each request. */
export interface ApiDeps {
  world: JiraWorld;
  actor(request: FastifyRequest): string;
}

export type IdParams = { Params: { idOrKey: string } };
