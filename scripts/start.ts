import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runService } from '../bin/service.ts';
import { createRedisUserStore } from '../src/console/users.ts';
import { envFilesRead } from '../src/runtime/env-file.ts';
import type { RecordedWrite } from '../src/sandbox/sandbox-part.ts';
import { seedDemoBacklog } from './lib/demo-backlog.ts';
import { ensureRedisInstalled, startRedis } from './lib/redis-process.ts';
import { type Stack, startStack, waitUntilIdle } from './lib/stack.ts';

/**
 * `npm start`: the service as the environment says. What is missing on a new machine is provided: a private
 * Redis under .data/ when REDIS_URL is unset, and — with no Jira or Trello credentials — the sandbox trackers,
 * with the real webhook samples replayed through them so the service does visible work right away.
 */
const root = new URL('../', import.meta.url);
const dataDir = join(root.pathname, '.data');
const env = { ...process.env };
const demo = !env.JIRA_BASE_URL && !env.TRELLO_API_KEY;

if (!env.REDIS_URL) {
  ensureRedisInstalled();
  mkdirSync(dataDir, { recursive: true });
  const redis = await startRedis({ dir: join(dataDir, 'redis') });
  env.REDIS_URL = redis.url;
  process.stdout.write(`Private Redis at ${redis.url} (data in .data/redis)\n`);
  const stopRedis = () => void redis.stop();
  process.once('exit', stopRedis);
}

if (demo) await runDemo(env.REDIS_URL);
else await runService(env);

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`test/fixtures/${name}.json`, root), 'utf8')) as Record<
    string,
    unknown
  >;
}

function describeWrite(write: RecordedWrite): string {
  const body = JSON.stringify(write.body ?? '');
  return `  ${write.method.padEnd(6)} ${write.path}${body.length > 2 ? `  ${body.slice(0, 110)}${body.length > 110 ? '…' : ''}` : ''}`;
}

/** Reproduces each real sample as the person action that caused it, in the sandbox, which then sends the webhook. */
async function replaySamples(stack: Stack): Promise<void> {
  const created = fixture('jira/issue_created') as {
    issue: { fields: { summary: string; issuetype: { name: string } } };
  };
  const comment = fixture('jira/comment_created') as {
    comment: { body: string };
    issue: { fields: { summary: string } };
  };
  const card = fixture('trello/createCard') as {
    action: { data: { card: { name: string }; list: { name: string } } };
  };
  const cardComment = fixture('trello/commentCard') as { action: { data: { text: string } } };

  stack.jira.seed({
    people: [{ accountId: 'demo-person', displayName: 'Demo Person', email: 'person@example.test' }],
    projects: [
      { key: 'KAN', name: 'Test Project' },
      { key: 'ZUL', name: 'zulipintegrations' },
      { key: 'HELP', name: 'Support', projectTypeKey: 'service_desk' },
    ],
  });
  stack.jira.act.createIssue({
    as: 'demo-person',
    project: 'KAN',
    summary: created.issue.fields.summary,
    issuetype: created.issue.fields.issuetype.name,
  });
  const story = stack.jira.act.createIssue({
    as: 'demo-person',
    project: 'ZUL',
    summary: comment.issue.fields.summary,
    issuetype: 'Story',
    description: 'As a user I want the integration to be fast.',
  });
  stack.jira.act.comment({ as: 'demo-person', issue: story.key, body: comment.comment.body });
  stack.jira.act.comment({ as: 'demo-person', issue: story.key, body: 'What can the bot do?\n/help' });

  const board = stack.trello.seedBoard({
    name: 'Demo board',
    lists: [card.action.data.list.name, 'Doing', 'Done'],
  });
  const trelloCard = await stack.trelloAct('create-card', {
    boardId: board.id,
    list: card.action.data.list.name,
    name: card.action.data.card.name,
    desc: '',
  });
  await stack.trelloAct('comment', { cardId: String(trelloCard.id), text: cardComment.action.data.text });
  await stack.trelloAct('comment', { cardId: String(trelloCard.id), text: '/ac' });
}

/**
 * Waits until the service has done all the replayed samples asked for, so the lists below are whole: a pause in
 * its writes proved nothing on a busy machine. It goes on after a minute, saying so, rather than hang the demo.
 */
async function settle(stack: Stack): Promise<void> {
  await waitUntilIdle(stack, { delayed: true, timeoutMs: 60_000 }).catch((error: Error) =>
    process.stdout.write(`The service is still busy; what it wrote so far follows. (${error.message})\n`),
  );
}

async function runDemo(redisUrl: string | undefined): Promise<void> {
  if (!redisUrl) throw new Error('REDIS_URL missing');
  const redis = new Redis(redisUrl);
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'demo.log');
  const files = envFilesRead().map((file) => ` or ${file}`);
  process.stdout.write(
    `No Jira or Trello credentials in the environment${files.join('')}: running against the sandbox trackers.\n`,
  );
  const stack = await startStack({ redisUrl, redis, logFile, env: { LOG_LEVEL: env.LOG_LEVEL ?? 'info' } });
  const stop = async () => {
    await stack.stop();
    redis.disconnect();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`API ${stack.apiUrl} · sandbox ${stack.sandbox.url} · logs .data/demo.log\n`);
  process.stdout.write('Replaying the real webhook samples as sandbox activity...\n');
  await replaySamples(stack);
  await settle(stack);
  process.stdout.write('\nWhat the service wrote to Jira (sandbox):\n');
  for (const write of stack.jira.writes) process.stdout.write(`${describeWrite(write)}\n`);
  process.stdout.write('\nWhat the service wrote to Trello (sandbox):\n');
  for (const write of stack.trello.writes) process.stdout.write(`${describeWrite(write)}\n`);
  process.stdout.write(
    `\nThe sandbox state: ${stack.sandbox.url}/_sandbox/jira/state and ${stack.sandbox.url}/_sandbox/trello/state\n`,
  );
  process.stdout.write('\nA backlog for the console, processed by the service:\n');
  const seeded = await seedDemoBacklog(stack, (line) => process.stdout.write(`  ${line}\n`));
  const { token } = await createRedisUserStore(redis, stack.queuePrefix).add('demo', 'editor');
  process.stdout.write(
    `\nConsole: ${stack.apiUrl}/console (${seeded.items} items, ${seeded.tickets} support tickets, ${seeded.sprints} sprints)\n` +
      `Sign in as demo (editor) with this token, shown once:\n${token}\n`,
  );
  if (env.DEMO_ONCE === 'true') return stop();
  process.stdout.write('The service keeps running; Ctrl-C stops it.\n');
}
