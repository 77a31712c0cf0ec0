import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type StackSandboxes, stackQueue, startStackSandboxes, waitFor } from '../../scripts/lib/stack.ts';
import { loadConfig } from '../../src/config.ts';
import { linkIndexSize } from '../../src/linking/index.ts';
import { createLogger } from '../../src/logger.ts';
import type { RedisClient } from '../../src/queue/connection.ts';
import { createRulesStore } from '../../src/runtime/rules-store.ts';
import { startApi } from '../../src/server.ts';
import { startWorker } from '../../workers/worker.ts';
import { issueByKey } from './jira-sandbox-state.ts';
import { testRedisUrl } from './redis.ts';

export interface InProcessStack extends StackSandboxes {
  /** The test's own client, for what the service keeps in Redis. */
  redis: RedisClient;
  /** The service's job queue, as an operator sees it. */
  queue: Queue;
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
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const queue = stackQueue({ redis, queuePrefix: sandboxes.queuePrefix });
  return {
    ...sandboxes,
    redis,
    queue,
    async stop() {
      await queue.close();
      redis.disconnect();
      await worker.close();
      await api.close();
      await sandboxes.sandbox.close();
    },
  };
}

/** The in-process stack with Ada, who may edit the project APP, and her stories there (APP-1, APP-2, … in order). */
export async function startStoriesStack(
  env: Record<string, string>,
  stories: readonly { summary: string; description?: string }[],
): Promise<InProcessStack> {
  const stack = await startInProcessStack(env);
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'APP', name: 'App', editors: ['ada'] }],
    issues: stories.map((story) => ({ projectKey: 'APP', issuetype: 'Story', reporter: 'ada', ...story })),
  });
  return stack;
}

/**
 * Has the service index seeded Jira issues, into an index that held none: seeding sends no webhooks, so an edit of
 * each by `as` (a dot after its summary) does, as a real change would. Resolves once the index holds them all.
 */
export async function indexSeededIssues(stack: InProcessStack, as: string, keys: readonly string[]) {
  for (const key of keys)
    stack.jira.act.editIssue({ as, issue: key, summary: `${issueByKey(stack.jira, key).summary}.` });
  await waitFor(async () => (await linkIndexSize(stack.redis, stack.queuePrefix)) === keys.length);
}
