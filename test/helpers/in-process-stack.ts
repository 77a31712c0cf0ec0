import { type StackSandboxes, startStackSandboxes } from '../../scripts/lib/stack.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createRulesStore } from '../../src/runtime/rules-store.ts';
import { startApi } from '../../src/server.ts';
import { startWorker } from '../../workers/worker.ts';
import { testRedisUrl } from './redis.ts';

export interface InProcessStack extends StackSandboxes {
  stop(): Promise<void>;
}

/**
 * The stack with the API and one worker in the test's own process rather than in child processes: slower code
 * paths are the same, and a mutation test's active mutant is the one they run.
 */
export async function startInProcessStack(
  env: Record<string, string> = {},
  /** Runs before the service starts: seeds what its rules file must name (a Trello board's id). */
  prepare?: (sandboxes: StackSandboxes) => void | Promise<void>,
): Promise<InProcessStack> {
  const sandboxes = await startStackSandboxes({ redisUrl: testRedisUrl(), env });
  await prepare?.(sandboxes);
  const config = loadConfig(sandboxes.env);
  const log = createLogger({ level: 'silent' });
  const rules = await createRulesStore(config.rulesPath, log);
  const api = await startApi(config, log, rules);
  const worker = await startWorker(config, log, rules);
  return {
    ...sandboxes,
    async stop() {
      await worker.close();
      await api.close();
      await sandboxes.sandbox.close();
    },
  };
}
