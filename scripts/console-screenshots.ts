import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createRedisUserStore } from '../src/console/users.ts';
import { launchChromium } from './lib/chromium.ts';
import { seedDemoBacklog } from './lib/demo-backlog.ts';
import { ensureRedisInstalled, startRedis } from './lib/redis-process.ts';
import { startStack } from './lib/stack.ts';

/**
 * `node scripts/console-screenshots.ts [DIR]` (default docs/console): the pictures of docs/console.md, taken in
 * Debian's Chromium from the demo backlog as `npm start` shows it: real items, tickets and sprints processed by
 * the real service on the sandbox trackers. Takes a few minutes; not part of the test suite.
 */
const dir = process.argv[2] ?? 'docs/console';
mkdirSync(dir, { recursive: true });
ensureRedisInstalled();
const redisDir = mkdtempSync(join(tmpdir(), 'refinery-screenshots-'));
const redisProcess = await startRedis({ dir: redisDir });
const redis = new Redis(redisProcess.url);
const stack = await startStack({ redisUrl: redisProcess.url, redis, env: { LOG_LEVEL: 'warn' } });
const browser = await launchChromium();
try {
  await seedDemoBacklog(stack, (line) => process.stdout.write(`${line}\n`));
  const { token } = await createRedisUserStore(redis, stack.queuePrefix).add('priya', 'editor');
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const shoot = async (name: string) => {
    const path = join(dir, `${name}.png`);
    const height = Math.min(Number(await page.evaluate('document.documentElement.scrollHeight')), 1_300);
    await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
    if (statSync(path).size < 12_000) throw new Error(`${path} looks blank`);
    process.stdout.write(`${path}\n`);
  };

  await page.goto(`${stack.apiUrl}/console/login`);
  await shoot('sign-in');
  await page.getByLabel('Sign-in token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${stack.apiUrl}/console/backlog`);
  await shoot('backlog');
  await page
    .locator('tr[data-item-key]')
    .first()
    .getByRole('link', { name: /^Details/ })
    .click();
  await shoot('item');
  for (const name of ['triage', 'acceptance', 'sprints', 'activity', 'operations']) {
    await page.goto(`${stack.apiUrl}/console/${name}`);
    await shoot(name);
  }
} finally {
  await browser.close();
  await stack.stop();
  redis.disconnect();
  await redisProcess.stop();
  rmSync(redisDir, { recursive: true, force: true });
}
