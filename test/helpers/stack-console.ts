import { Queue } from 'bullmq';
import type { Stack } from '../../scripts/lib/stack.ts';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createIntake, type Intake } from '../../src/queue/intake.ts';
import { QUEUE_NAME } from '../../src/queue/jobs.ts';
import { type ConsoleServices, createConsoleServices } from '../../src/read-model/index.ts';

export type StackConsole = ConsoleServices & {
  /** The intake the console's actions enqueue through. */
  intake: Intake;
  /** Another process's console on the same Redis: a backlog replica of its own, read from scratch. */
  another(): ConsoleServices;
  /** Closes the queue the console reads. */
  close(): Promise<void>;
};

/** The console's read model and actions on a running stack's Redis, as its API process builds them. */
export function stackConsole(stack: Stack): StackConsole {
  const { redis, queuePrefix: keyPrefix } = stack;
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: `{${keyPrefix}}` });
  const intake = createIntake({
    queue,
    redis,
    keyPrefix,
    dedupeTtlSeconds: 3600,
    retry: { attempts: 3, backoffMs: 200 },
  });
  const build = () =>
    createConsoleServices({
      redis,
      keyPrefix,
      audit: createRedisAuditStore({ redis, keyPrefix, retentionDays: 30 }),
      queue,
      intake,
    });
  return Object.assign(build(), { intake, another: build, close: () => queue.close() });
}
