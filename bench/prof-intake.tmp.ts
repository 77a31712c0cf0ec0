import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedis } from '../scripts/lib/redis-process.ts';
import { signJiraBody } from '../src/trackers/jira/jira-signature.ts';
import { runLoad } from './lib/load.ts';

const SECRET = 'bench-webhook-secret';
const target = process.argv[2] ?? 'api';
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const redis = await startRedis({ dir });
const port = await freePort();
const env = { PATH: process.env.PATH ?? '', ROLE: 'api', PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redis.url, QUEUE_PREFIX: 'refinery', LOG_LEVEL: 'warn', JIRA_BASE_URL: 'http://127.0.0.1:9', JIRA_EMAIL: 'b@example.test', JIRA_API_TOKEN: 't', JIRA_WEBHOOK_SECRET: SECRET };
const prof = process.env.NOPROF ? [] : ['--cpu-prof', `--cpu-prof-dir=/tmp/prof/${target}`];
const args = target === 'api' ? [...prof, 'bin/service.ts'] : ['--cpu-prof', `--cpu-prof-dir=/tmp/prof/${target}`, 'bench/lib/baseline-server.ts', 'lpush', String(port), redis.url, SECRET];
const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
for (let i = 0; i < 100; i++) { await new Promise((r) => setTimeout(r, 200)); try { await fetch(`http://127.0.0.1:${port}/healthz`); break; } catch {} }
await new Promise((r) => setTimeout(r, 2000));
const delivery = JSON.parse(readFileSync('test/fixtures/jira/comment_created.json', 'utf8'));
delivery.timestamp = Date.now(); delivery.comment.body = '/help'; delivery.comment.id = '@SEQ@';
const [before, after] = JSON.stringify(delivery).split('@SEQ@') as [string, string];
let seq = 0;
const request = () => { seq++; const body = `${before}p-${seq}${after}`; return { body, headers: { 'content-type': 'application/json', 'x-hub-signature': signJiraBody(body, SECRET), 'x-atlassian-webhook-identifier': `p-${seq}` } }; };
const result = await runLoad({ label: target, url: `http://127.0.0.1:${port}/webhooks/jira`, request, connections: 64, durationSeconds: Number(process.env.SECS ?? 8), pids: { target: child.pid, redis: redis.child.pid } });
console.log(JSON.stringify(result));
child.kill('SIGINT');
await new Promise((r) => child.once('exit', r));
await redis.stop();
