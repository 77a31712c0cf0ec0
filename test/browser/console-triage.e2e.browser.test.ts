import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/chromium.ts';
import { type Stack, startStack, waitFor } from '../../scripts/lib/stack.ts';
import { issueByKey, linkedInJira } from '../helpers/jira-sandbox-state.ts';
import { testRedisUrl } from '../helpers/redis.ts';
import { ADA_APP_AND_HELP_DESK } from '../helpers/seeds.ts';
import { expectAccessible, screenshot, screenshotDir } from './browser-support.ts';

const run = promisify(execFile);

const BACKLOG: [string, string][] = [
  [
    'Card payment declined at checkout for Visa cards',
    'Customers paying with Visa get "card declined" at checkout.',
  ],
  [
    'Password reset email never arrives',
    'Users request a password reset link but the email is not delivered.',
  ],
  ['Dark mode for the settings page', 'Offer a dark theme toggle on the settings page.'],
  ['Export invoices as PDF', 'Accountants need invoices as PDF files for their records.'],
  ['Search results pagination is slow', 'Paging through search results takes seconds on large accounts.'],
  ['Calendar sync with Outlook', 'Sync meetings with Outlook calendars both ways.'],
];

/**
 * The console on the whole product: the real API and worker processes, the sandbox Jira, people added with the
 * real CLI. A confirmation in the browser becomes a link in the tracker and an audit entry naming the person;
 * a rejection is never suggested again.
 */
// Chromium's page loads take seconds each on a busy two-core machine; the suite's 20 s suits Node-only tests.
describe('console triage end to end', { timeout: 60_000 }, () => {
  const dir = screenshotDir('console-e2e');
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let token = '';
  let confirmed = { ticket: '', item: '' };

  const issue = (key: string) => issueByKey(stack.jira, key);
  const linked = (a: string, b: string) => linkedInJira(stack.jira, a, b);
  const ticket = (summary: string, description: string) =>
    stack.jira.act.createIssue({ as: 'ada', project: 'HELP', summary, description, issuetype: 'Task' }).key;

  /** Reloads the inbox until the ticket is in it (the workers fill the read model as they go). */
  async function inboxWith(key: string) {
    await waitFor(async () => {
      await stack.jira.settled();
      return stack.jira.state.comments.some(
        (c) => c.issueId === issue(key).id && JSON.stringify(c.body).includes('/link'),
      );
    }, 30_000);
    return waitFor(async () => {
      await page.goto(`${stack.apiUrl}/console/triage`);
      return (
        (await page.locator(`[data-ticket-key="${key}"]`).count()) > 0 &&
        page.locator(`[data-ticket-key="${key}"]`)
      );
    }, 30_000);
  }

  beforeAll(async () => {
    stack = await startStack({ redisUrl: testRedisUrl() });
    stack.jira.seed(ADA_APP_AND_HELP_DESK);
    for (const [summary, description] of BACKLOG)
      stack.jira.act.createIssue({ as: 'ada', project: 'APP', summary, description, issuetype: 'Story' });
    const cli = await run('node', ['src/cli/console.ts', 'add-user', 'ada', '--role', 'editor'], {
      env: { ...process.env, REDIS_URL: stack.env.REDIS_URL, QUEUE_PREFIX: stack.queuePrefix },
    });
    token = cli.stdout.trim().split('\n').at(-1)!;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in with the token the CLI printed', { timeout: 60_000 }, async () => {
    expect(token).toMatch(/^rfc_/);
    await page.goto(`${stack.apiUrl}/console/login`);
    await page.getByLabel('Sign-in token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.apiUrl}/console/backlog`);
    await waitFor(async () => {
      await page.reload();
      return (await page.locator('tr[data-item-key]').count()) === BACKLOG.length;
    }, 30_000);
  });

  it('confirms a suggestion: the tracker gets the link, the audit trail names the person', {
    timeout: 60_000,
  }, async () => {
    const vague = ticket(
      'Something is wrong with my account',
      'Things do not work as expected since yesterday, the page is slow and emails look odd.',
    );
    const card = await inboxWith(vague);
    const top = card.locator('.suggestion').first();
    const itemKey = (await top.locator('.what a').first().textContent()) ?? '';
    await screenshot(page, dir, 'triage');
    await expectAccessible(page, 'triage');
    await top.locator('[data-action="confirm-link"]').click();
    await page.waitForURL(/done=confirmed/);
    await waitFor(() => linked(vague, itemKey), 30_000);
    confirmed = { ticket: vague, item: itemKey };
    await waitFor(async () => {
      await page.goto(`${stack.apiUrl}/console/activity?tracker=jira&item=${vague}`);
      return (await page.locator('tr', { hasText: 'console: ada' }).count()) > 0;
    }, 30_000);
    await screenshot(page, dir, 'activity');
    await waitFor(async () => {
      await page.goto(`${stack.apiUrl}/console/triage`);
      return (await page.locator(`[data-ticket-key="${vague}"]`).count()) === 0;
    }, 30_000);
  });

  it('rejects a suggestion: it is never suggested again for that ticket', { timeout: 60_000 }, async () => {
    const other = ticket(
      'Something is odd with my account',
      'Things do not work as expected since the update, the page is slow and emails look odd.',
    );
    const card = await inboxWith(other);
    const top = card.locator('.suggestion').first();
    const itemKey = (await top.locator('.what a').first().textContent()) ?? '';
    // The confirmed link taught the index the first ticket's words, and the page says so.
    expect(itemKey).toBe(confirmed.item);
    expect(await top.locator('.via').textContent()).toBe(
      `worded like ${confirmed.ticket}, already linked to it`,
    );
    // The earlier ticket's key opens it in Jira, to compare its wording.
    expect(await top.locator('.via a').getAttribute('href')).toBe(
      `${stack.env.JIRA_BASE_URL}/browse/${confirmed.ticket}`,
    );
    await screenshot(page, dir, 'triage-learnt');
    await expectAccessible(page, 'triage-learnt');
    await top.locator('[data-action="reject-link"]').click();
    await page.waitForURL(/done=rejected/);
    await waitFor(async () => {
      await page.goto(`${stack.apiUrl}/console/triage`);
      const still = page.locator(`[data-ticket-key="${other}"] .suggestion .what a`, { hasText: itemKey });
      return (await still.count()) === 0;
    }, 30_000);
    expect(linked(other, itemKey)).toBe(false);
  });
});
