import type { Queue } from 'bullmq';
import type { AuditStore } from '../audit/audit-store.ts';
import type { RedisClient } from '../queue/connection.ts';
import type { Intake } from '../queue/intake.ts';
import { createReplica } from '../queue/replicated-hashes.ts';
import { BacklogIndex } from './backlog-index.ts';
import { createConsoleActions } from './console-actions.ts';
import { ITEM_PARTS, readModelKeys } from './keys.ts';
import type { ConsoleActions, ReadModel } from './read-model.ts';
import { createRedisReadModel } from './redis-read-model.ts';

export { StaleAction, UnknownTarget } from './console-actions.ts';
export * from './read-model.ts';
export { createReadModelWriter, type ReadModelWriter } from './writer.ts';

export interface ConsoleServicesOptions {
  /** A `client` connection of the API process. */
  redis: RedisClient;
  keyPrefix: string;
  audit: AuditStore;
  queue: Queue;
  intake: Intake;
  now?: () => Date;
}

export interface ConsoleServices {
  readModel: ReadModel;
  actions: ConsoleActions;
  /** Items held in this process's copy of the backlog (for the memory report). */
  readonly backlogSize: number;
}

/** What the console's pages use: the read model (this process's backlog replica) and the actions. */
export function createConsoleServices(options: ConsoleServicesOptions): ConsoleServices {
  const index = new BacklogIndex();
  const replica = createReplica(options.redis, readModelKeys(options.keyPrefix).items, ITEM_PARTS, index);
  const readModel = createRedisReadModel({ ...options, index, replica });
  const actions = createConsoleActions({ ...options, index, replica });
  return {
    readModel,
    actions,
    get backlogSize() {
      return index.size;
    },
  };
}
