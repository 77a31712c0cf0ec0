import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/redis-process.ts';
import { apiReady, startServiceProcess, workerReady } from '../../scripts/lib/service-process.ts';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const recorder = fileURLToPath(new URL('../helpers/module-recorder.ts', import.meta.url));
const root = new URL('../../', import.meta.url).href;

/** The project's own files and the packages a service process of `role` loaded, until it was ready. */
async function modulesLoadedBy(role: 'api' | 'worker', redis: Redis): Promise<string[]> {
  const record = join(mkdtempSync(join(tmpdir(), 'role-modules-')), 'modules.txt');
  const port = await freePort();
  const prefix = uniquePrefix('role-modules');
  const service = await startServiceProcess({
    env: {
      ROLE: role,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'error',
      // Configured, unreachable trackers: the adapters are built as in production, nothing answers.
      JIRA_BASE_URL: 'http://127.0.0.1:9',
      JIRA_EMAIL: 'bot@example.test',
      JIRA_API_TOKEN: 'token',
      JIRA_WEBHOOK_SECRET: 'secret',
      TRELLO_API_URL: 'http://127.0.0.1:9',
      TRELLO_API_KEY: 'key',
      TRELLO_API_TOKEN: 'token',
      TRELLO_API_SECRET: 'secret',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      NODE_OPTIONS: `--import ${recorder}`,
      MODULE_RECORD_FILE: record,
    },
    isReady: role === 'api' ? apiReady(`http://127.0.0.1:${port}`) : workerReady(redis, prefix),
  });
  await service.stop();
  return readFileSync(record, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith(root))
    .map((url) => url.slice(root.length));
}

let redis: Redis;
beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
afterAll(() => {
  redis.disconnect();
});

// Each role holds in memory only the code it runs: an API process has no use for the job handlers, a worker none
// for the HTTP server, the console or the admin API's documentation.
describe('what each role loads', () => {
  it('the API loads no worker code', async () => {
    const loaded = await modulesLoadedBy('api', redis);

    expect(loaded).toContain('src/server.ts');
    expect(loaded.filter((path) => path.startsWith('workers/'))).toEqual([]);
  });

  it('a worker loads neither the HTTP server nor its plugins', async () => {
    const loaded = await modulesLoadedBy('worker', redis);

    expect(loaded).toContain('workers/worker.ts');
    expect(loaded.filter((path) => path.startsWith('src/http/') || path === 'src/server.ts')).toEqual([]);
    expect(loaded.filter((path) => /node_modules\/(fastify|@fastify|@bull-board)\//.test(path))).toEqual([]);
  });
});
