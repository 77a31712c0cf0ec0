import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  STACK_JIRA_SECRET,
  STACK_TRELLO_SECRET,
  type Stack,
  startStack,
  waitFor,
} from '../../scripts/lib/stack.ts';
import { testRedisUrl } from '../helpers/redis.ts';

const tag = randomUUID().slice(0, 8);
/** Unique values: any of them found in a log line or a Redis value is a leak. */
const SENTINELS = {
  JIRA_API_TOKEN: `sentinel-jira-api-token-${tag}`,
  JIRA_WEBHOOK_SECRET_PREVIOUS: `sentinel-jira-old-secret-${tag}`,
  TRELLO_API_KEY: `sentinelTrelloKey${tag}`,
  TRELLO_API_TOKEN: `sentinelTrelloToken${tag}`,
  TRELLO_API_SECRET_PREVIOUS: `sentinel-trello-old-secret-${tag}`,
  ADMIN_TOKEN: `sentinel-admin-token-${tag}`,
};
const SECRETS = [...Object.values(SENTINELS), STACK_JIRA_SECRET, STACK_TRELLO_SECRET];

const dir = mkdtempSync(join(tmpdir(), 'refinery-secrets-'));
const logFile = join(dir, 'service.log');
let stack: Stack | undefined;
const answers: string[] = [];

beforeAll(async () => {
  stack = await startStack({
    redisUrl: testRedisUrl(),
    logFile,
    env: { ...SENTINELS, LOG_LEVEL: 'debug' },
  });
  stack.jira.seed({
    people: [{ accountId: 'ada', displayName: 'Ada Lovelace', email: 'ada@example.test' }],
    projects: [{ key: 'SEC', name: 'Secrets' }],
    issues: [{ projectKey: 'SEC', summary: 'Export invoices', issuetype: 'Task', reporter: 'ada' }],
  });
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function readKey(key: string): Promise<unknown> {
  const type = await stack!.redis.type(key);
  if (type === 'string') return stack!.redis.get(key);
  if (type === 'hash') return stack!.redis.hgetall(key);
  if (type === 'list') return stack!.redis.lrange(key, 0, -1);
  if (type === 'set') return stack!.redis.smembers(key);
  if (type === 'zset') return stack!.redis.zrange(key, '0', '-1');
  if (type === 'stream') return stack!.redis.xrange(key, '-', '+');
  return `(${type})`;
}

/** Every key of the stack's prefix with its value, whatever its type (BullMQ job hashes and lists included). */
async function dumpRedis(prefix: string): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    // Plain, hash-tagged (`{prefix}:…`) and grouped (`{prefix:dedupe}:…`) keys alike.
    const [next, keys] = await stack!.redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) out.push(`${key} ${JSON.stringify(await readKey(key))}`);
  } while (cursor !== '0');
  return out.join('\n');
}

it('after real work, tracker errors and refused requests, no secret is in the logs or in Redis', async () => {
  const running = stack!;
  const boardId = running.trello.seedBoard({ name: 'Product', lists: ['Backlog', 'Done'] }).id;
  // Tracker failures put request URLs and headers within reach of error messages and job failure reasons.
  running.jira.injectFault({ pathPrefix: '/rest/api/3/issue/', method: 'POST', status: 500, count: 2 });
  running.trello.injectFault({ pathPrefix: '', method: 'POST', status: 500, count: 2 });
  running.trello.injectFault({ pathPrefix: '', method: 'GET', status: 401, count: 1 });

  running.jira.act.comment({ as: 'ada', issue: 'SEC-1', body: 'How?\n/help' });
  const card = await running.trelloAct('create-card', {
    boardId,
    list: 'Backlog',
    name: 'Dark mode',
    desc: '',
  });
  await running.trelloAct('comment', { cardId: String(card.id), text: '/help' });
  for (const [path, headers] of [
    ['/webhooks/jira', { 'content-type': 'application/json', 'x-hub-signature': 'sha256=00' }],
    ['/webhooks/trello', { 'content-type': 'application/json', 'x-trello-webhook': 'forged' }],
    ['/admin/jobs/counts', { authorization: `Bearer ${SENTINELS.ADMIN_TOKEN}` }],
    ['/admin/jobs/counts', { authorization: 'Bearer wrong-token-0123456789' }],
  ] as const) {
    const response = await fetch(`${running.apiUrl}${path}`, {
      method: path.startsWith('/admin') ? 'GET' : 'POST',
      headers,
      body: path.startsWith('/admin') ? undefined : '{"webhookEvent":"x"}',
    });
    answers.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
  }

  const jiraReplies = () =>
    running.jira.state.comments.filter((c) => c.authorId === running.jira.botCredentials.accountId);
  const trelloReplies = () =>
    running.trello
      .state()
      .actions.filter((a) => a.type === 'commentCard' && a.idMemberCreator === running.trello.botMemberId);
  await waitFor(() => jiraReplies().length > 0 && trelloReplies().length > 0, 30_000);
  const dump = await dumpRedis(running.queuePrefix);
  await running.stop();
  stack = undefined;
  const logs = readFileSync(logFile, 'utf8');

  // The run went through the places where credentials could leak: tracker errors, retried jobs, request URLs.
  expect(logs).toMatch(/Delivery accepted/);
  expect(logs).toMatch(/Jira request failed/);
  expect(logs).toMatch(/Trello \w+ failed: 500/);
  expect(logs).toMatch(/"url":"http:\/\/127\.0\.0\.1:\d+\/trello\/1\//);
  expect(dump).toMatch(/run-commands/);
  expect(dump).toMatch(/dedupe/);
  expect(answers.map((answer) => answer.slice(0, 3))).toEqual(['401', '401', '200', '401']);
  // Jira's Basic auth header carries the token base64-encoded.
  const basic = Buffer.from(`${running.jira.botCredentials.email}:${SENTINELS.JIRA_API_TOKEN}`).toString(
    'base64',
  );
  const leaks = (where: string, text: string) =>
    [...SECRETS, basic]
      .filter((secret) => text.includes(secret))
      .map((secret) => {
        const at = text.indexOf(secret);
        return `${where}: ${text.slice(Math.max(0, at - 200), at + secret.length + 50)}`;
      });
  expect([...leaks('logs', logs), ...leaks('redis', dump), ...leaks('answers', answers.join('\n'))]).toEqual(
    [],
  );
}, 60_000);
