import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../console-plugin.ts';
import { registerAcceptance } from './acceptance.ts';
import { registerActivity } from './activity.ts';
import { registerBacklog } from './backlog.ts';
import { registerItem } from './item.ts';
import { registerOperations } from './operations.ts';
import { registerSprints } from './sprints.ts';
import { registerTriage } from './triage.ts';

export function registerPages(scope: FastifyInstance, context: ConsoleContext): void {
  registerBacklog(scope, context);
  registerItem(scope, context);
  registerTriage(scope, context);
  registerAcceptance(scope, context);
  registerSprints(scope, context);
  registerActivity(scope, context);
  registerOperations(scope, context);
}
