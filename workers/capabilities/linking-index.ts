import {
  createIndexReplica,
  createLinkIndexStore,
  createLinkRecords,
  createResolutions,
  type IndexReplica,
  type LinkIndexStore,
  type LinkRecords,
  type Resolutions,
} from '../../src/linking/index.ts';
import type { RedisClient } from '../../src/queue/connection.ts';
import type { JobContext } from '../job-context.ts';

/**
 * One replica per worker process (per Redis client and key prefix), built on first use and kept current
 * by every query: handlers of all jobs in the process share it, so the index is loaded once, not per job.
 */
const replicas = new WeakMap<RedisClient, Map<string, IndexReplica>>();

export function indexReplica(context: Pick<JobContext, 'redis' | 'keyPrefix'>): IndexReplica {
  let byPrefix = replicas.get(context.redis);
  if (!byPrefix) {
    byPrefix = new Map();
    replicas.set(context.redis, byPrefix);
  }
  let replica = byPrefix.get(context.keyPrefix);
  if (!replica) {
    replica = createIndexReplica(context.redis, context.keyPrefix);
    byPrefix.set(context.keyPrefix, replica);
  }
  return replica;
}

export interface LinkingState {
  index: LinkIndexStore;
  records: LinkRecords;
  resolutions: Resolutions;
}

export function linkingState(context: Pick<JobContext, 'redis' | 'keyPrefix'>): LinkingState {
  return {
    index: createLinkIndexStore(context.redis, context.keyPrefix),
    records: createLinkRecords(context.redis, context.keyPrefix),
    resolutions: createResolutions(context.redis, context.keyPrefix),
  };
}
