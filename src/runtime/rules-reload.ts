import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createRedis, type RedisClient } from '../queue/connection.ts';
import type { RulesStore } from './rules-store.ts';

/**
 * Every process reads the rules file at start; an API and its workers usually run apart (ROLE=api, ROLE=worker),
 * so the admin reload in one API process tells the others on this channel to read theirs again.
 */
const channel = (queuePrefix: string) => `${queuePrefix}:rules:reload`;

/** This process, so that it does not follow its own announcement. */
const SELF = randomUUID();

/** Tells the other processes that the rules changed; answers how many Redis delivered the news to. */
export async function announceRulesReload(redis: RedisClient, queuePrefix: string): Promise<number> {
  return redis.publish(channel(queuePrefix), SELF);
}

/** Reloads this process's rules whenever another announces a reload, until stopped. */
export function followRulesReloads(
  config: Config,
  rules: RulesStore,
  log: Logger,
): { stop(): Promise<void> } {
  const subscriber = createRedis(config.redisUrl, 'worker', log, { cluster: config.redisCluster });
  subscriber.on('message', (_channel: string, from: string) => {
    if (from === SELF) return;
    rules.reload().then(
      (result) => {
        // The same file everywhere is the operator's job; a process whose copy is wrong says so and keeps its rules.
        if (!result.ok)
          log.error(
            { problems: result.problems },
            'Rules reload announced, but this process refused its file',
          );
      },
      (error: Error) => log.error({ err: { message: error.message } }, 'Rules reload announced, but failed'),
    );
  });
  // Not awaited: a process starts (and answers 503s) while Redis is down; the subscription follows once it is up.
  subscriber
    .subscribe(channel(config.queuePrefix))
    .catch((error: Error) => log.warn({ err: { message: error.message } }, 'Rules reloads not followed'));
  return {
    async stop() {
      subscriber.disconnect();
    },
  };
}
