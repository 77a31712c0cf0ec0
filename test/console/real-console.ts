import type { Queue } from 'bullmq';
import { createRedisAuditStore } from '../../src/audit/audit-store.ts';
import { createRedisUserStore } from '../../src/console/users.ts';
import type { ConsoleDeps } from '../../src/http/console/console-plugin.ts';
import { createRedisSessionStore } from '../../src/http/console/sessions.ts';
import type { RedisClient } from '../../src/queue/connection.ts';
import type { Intake } from '../../src/queue/intake.ts';
import { createConsoleServices } from '../../src/read-model/index.ts';

/** The console as the API process builds it, on the harness's Redis, queue and intake (no fake read model). */
export function realConsole(env: {
  redis: RedisClient;
  queue: Queue;
  intake: Intake;
  prefix: string;
}): ConsoleDeps {
  const { redis, queue, intake, prefix } = env;
  const audit = createRedisAuditStore({ redis, keyPrefix: prefix, retentionDays: 30 });
  const services = createConsoleServices({ redis, keyPrefix: prefix, audit, queue, intake });
  return {
    users: createRedisUserStore(redis, prefix),
    sessions: createRedisSessionStore(redis, prefix),
    readModel: services.readModel,
    actions: services.actions,
  };
}
