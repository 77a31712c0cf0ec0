import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RedisProcess, startRedis } from '../../../scripts/lib/redis-process.ts';
import { type ApiHarness, startApiHarness } from '../../helpers/api-harness.ts';
import { adminClient } from './admin-client.ts';

let redis: RedisProcess;
let api: ApiHarness;
const lines: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'refinery-admin-503-'));
const admin = adminClient(() => api.app);

beforeAll(async () => {
  redis = await startRedis({ dir });
  api = await startApiHarness({
    redisUrl: redis.url,
    logTo: { write: (line: string) => void lines.push(line) },
    admin: {},
  });
});
afterAll(async () => {
  await api.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('answers 503 saying Redis is unavailable, not 500 Internal error, while Redis is down', async () => {
  await redis.stop();

  const answers = [
    await admin('GET', '/admin/jobs/counts'),
    await admin('GET', '/admin/jobs/failed'),
    await admin('POST', '/admin/jobs/failed/retry'),
    await admin('GET', '/admin/audit?tracker=jira&item=ABC-1'),
    await api.app.inject({ method: 'GET', url: '/metrics' }),
  ];

  for (const answer of answers) {
    expect(answer.statusCode).toBe(503);
    expect(answer.json().message).toBe('Redis unavailable, retry later');
    expect(answer.headers['retry-after']).toBe('5');
  }
  const logged = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'Redis unavailable');
  expect(logged).toHaveLength(answers.length);
  expect(logged[0].err.message).toMatch(/\S/);
});
