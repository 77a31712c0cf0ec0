import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/chromium.ts';
import { createRedisUserStore } from '../../src/console/users.ts';
import { createRedisSessionStore } from '../../src/http/console/sessions.ts';
import { createLogger } from '../../src/logger.ts';
import { createRedis } from '../../src/queue/connection.ts';
import { createFakeReadModel } from '../console/fake-read-model.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { expectAccessible, screenshot, screenshotDir } from './browser-support.ts';

/**
 * Every console page in real Chromium, over an in-memory read model full of hostile titles: what a person sees
 * and does, the keyboard, accessibility, and that nothing a tracker wrote ever runs.
 */
// Chromium's page loads take seconds each on a busy two-core machine; the suite's 20 s suits Node-only tests.
describe('console pages in Chromium', { timeout: 60_000 }, () => {
  const dir = screenshotDir('console-pages');
  const fake = createFakeReadModel();
  const prefix = uniquePrefix('console');
  const redis = createRedis(testRedisUrl(), 'client', createLogger({ level: 'silent' }));
  const users = createRedisUserStore(redis, prefix);
  let harness: ApiHarness;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let editor: BrowserContext;
  let page: Page;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    tokens.ada = (await users.add('ada', 'editor')).token;
    tokens.vic = (await users.add('vic', 'viewer')).token;
    harness = await startApiHarness({
      console: {
        users,
        sessions: createRedisSessionStore(redis, prefix),
        readModel: fake.readModel,
        actions: fake.actions,
      },
    });
    app = harness.app;
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    editor = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await editor.newPage();
    page.on('dialog', (dialog) => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    redis.disconnect();
  });

  const pwned = () => page.evaluate(() => (globalThis as { __pwned?: number }).__pwned);

  async function signIn(context: BrowserContext, target: Page, token: string) {
    await target.goto(`${base}/console/backlog`);
    expect(new URL(target.url()).pathname).toBe('/console/login');
    expect(await target.locator('form').count()).toBe(1);
    await target.getByLabel('Sign-in token').fill(token);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.waitForURL(`${base}/console/backlog`);
    expect((await context.cookies()).find((c) => c.name === 'refinery_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
  }

  it('signs in through the form', async () => {
    await page.goto(`${base}/console/login`);
    await screenshot(page, dir, 'sign-in');
    await expectAccessible(page, 'sign-in');
    await signIn(editor, page, tokens.ada!);
    await expect(page.locator('header .who').textContent()).resolves.toContain('ada');
  });

  it('ranks the backlog, sorts by a column, filters, pages and exports the view', async () => {
    const rows = page.locator('tr[data-item-key]');
    expect(await rows.count()).toBe(50);
    const scores = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-score'))));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    await screenshot(page, dir, 'backlog');
    await expectAccessible(page, 'backlog');

    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await expect(page.locator('th[aria-sort="descending"]').textContent()).resolves.toContain('Customers');
    const customers = await page.locator('tr[data-item-key] td:nth-child(7)').allTextContents();
    expect(customers.map(Number)).toEqual(customers.map(Number).sort((a, b) => b - a));

    await page.getByLabel('Failing acceptance').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.locator('.summary').first().textContent()).resolves.toContain('of 24');
    const failing = await page.locator('tr[data-item-key] td:nth-child(8)').allTextContents();
    expect(failing.every((text) => text.includes('missing-criteria'))).toBe(true);

    await page.getByLabel('Failing acceptance').uncheck();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(page.locator('.summary').first().textContent()).resolves.toContain('Items 51–100 of 120');

    const csvHref = await page.getByRole('link', { name: 'Export this view as CSV' }).getAttribute('href');
    const csv = await editor.request.get(`${base}${csvHref}`);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).trim().split('\r\n')).toHaveLength(121);
  });

  it('renders hostile titles as text, and a javascript: URL as no link', async () => {
    await page.goto(`${base}/console/backlog?sort=key&dir=asc`);
    await expect(page.locator('tr[data-item-key="KAN-1"] td.item').textContent()).resolves.toContain(
      '<script>window.__pwned = 1</script>Export fails',
    );
    await expect(page.locator('tr[data-item-key="KAN-2"] td.item').textContent()).resolves.toContain(
      '"><img src=x onerror="window.__pwned = 2">Login slow',
    );
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('tr[data-item-key="KAN-3"] a[href^="javascript"]').count()).toBe(0);
    expect(await pwned()).toBeUndefined();
  });

  it('opens an item: scorecard, tickets, findings and history with undo', async () => {
    await page.locator('tr[data-item-key="KAN-1"]').getByRole('link', { name: 'Details of KAN-1' }).click();
    await expect(page.getByRole('heading', { name: 'Scorecard' }).isVisible()).resolves.toBe(true);
    await expect(page.locator('main').textContent()).resolves.toContain('No acceptance criteria');
    expect(await page.locator('main a[href^="javascript"]').count()).toBe(0);
    expect(await pwned()).toBeUndefined();
    await screenshot(page, dir, 'item');
    await expectAccessible(page, 'item');
    await page.getByRole('button', { name: /Undo KAN-1/ }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Undo queued');
    expect(fake.calls.at(-1)).toMatchObject({ action: 'undo', by: 'ada' });
  });

  it('triages with the keyboard: j moves, y confirms and n rejects the top suggestion, as the person', async () => {
    await page.goto(`${base}/console/triage`);
    await expect(page.locator('nav .count').textContent()).resolves.toBe('3');
    await screenshot(page, dir, 'triage');
    await expectAccessible(page, 'triage');
    expect(await pwned()).toBeUndefined();
    await page.keyboard.press('j');
    await expect(page.locator('.ticket.current').getAttribute('data-ticket-key')).resolves.toBe('HELP-2');
    await page.keyboard.press('y');
    await page.waitForURL(/done=confirmed/);
    expect(fake.calls.at(-1)).toMatchObject({
      action: 'confirmLink',
      by: 'ada',
      args: [{ tracker: 'jira', id: '20001' }, { tracker: 'jira', id: '10003' }, { name: 'ada' }],
    });
    expect(await page.locator('[data-ticket-key="HELP-2"]').count()).toBe(0);
    await expect(page.locator('nav .count').textContent()).resolves.toBe('2');
    // The person goes on where they were: the ticket after the one answered, not back at the top of the inbox.
    await expect(page.locator('.ticket.current').getAttribute('data-ticket-key')).resolves.toBe('HELP-3');
    await page.keyboard.press('n');
    await page.waitForURL(/done=rejected/);
    expect(fake.calls.at(-1)).toMatchObject({
      action: 'rejectLink',
      by: 'ada',
      args: [{ tracker: 'jira', id: '20002' }, { tracker: 'jira', id: '10003' }, { name: 'ada' }],
    });
    await expect(page.locator('.ticket.current').getAttribute('data-ticket-key')).resolves.toBe('HELP-3');
    await page.locator('[data-ticket-key="HELP-1"] [data-action="no-match"]').click();
    expect(fake.calls.at(-1)).toMatchObject({ action: 'noMatch', by: 'ada' });
  });

  it('shows acceptance health and sprints as charts with a table fallback', async () => {
    for (const [path, name, charts] of [
      ['/console/acceptance', 'acceptance', 1],
      ['/console/sprints', 'sprints', 2],
      ['/console/operations', 'operations', 1],
    ] as const) {
      await page.goto(`${base}${path}`);
      const figures = page.locator('figure.chart');
      expect(await figures.count(), name).toBe(charts);
      for (const figure of await figures.all()) {
        expect(await figure.locator('svg[role="img"]').isVisible()).toBe(true);
        expect(((await figure.locator('figcaption').textContent()) ?? '').length).toBeGreaterThan(10);
        expect(await figure.locator('table caption').count()).toBe(1);
        expect(await figure.locator('table tbody tr').count()).toBeGreaterThan(1);
      }
      expect(await pwned()).toBeUndefined();
      await screenshot(page, dir, name);
      await expectAccessible(page, name);
    }
  });

  it('shows the audit trail with filters, and retries a failed job', async () => {
    await page.goto(`${base}/console/activity`);
    await screenshot(page, dir, 'activity');
    await expectAccessible(page, 'activity');
    await page.goto(`${base}/console/operations`);
    await page.getByRole('button', { name: 'Retry job job-9' }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Job queued again');
    expect(fake.calls.at(-1)).toMatchObject({ action: 'retryJob', args: ['job-9'] });
  });

  it('refuses a POST without the CSRF token', async () => {
    const before = fake.calls.length;
    const response = await editor.request.post(`${base}/console/triage/no-match`, {
      form: { tracker: 'jira', ticket: '20002' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    expect(fake.calls).toHaveLength(before);
  });

  it('shows a viewer no button and refuses their POST', async () => {
    const viewer = await browser.newContext();
    const viewerPage = await viewer.newPage();
    await signIn(viewer, viewerPage, tokens.vic!);
    await viewerPage.goto(`${base}/console/triage`);
    expect(await viewerPage.locator('[data-action]').count()).toBe(0);
    const csrf = await viewerPage.locator('input[name="_csrf"]').first().getAttribute('value');
    const before = fake.calls.length;
    const response = await viewer.request.post(`${base}/console/triage/no-match`, {
      form: { _csrf: csrf ?? '', tracker: 'jira', ticket: '20002' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    expect(fake.calls).toHaveLength(before);
    await viewer.close();
  });

  it('works without JavaScript: sign-in, sorting, filtering and actions are plain links and forms', async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const plainPage = await plain.newPage();
    await signIn(plain, plainPage, tokens.ada!);
    await plainPage.getByRole('link', { name: 'Effort', exact: true }).click();
    await expect(plainPage.locator('th[aria-sort]').textContent()).resolves.toContain('Effort');
    await plainPage.getByLabel('Title contains').fill('okta');
    await plainPage.getByRole('button', { name: 'Apply' }).click();
    const titles = await plainPage.locator('tr[data-item-key] td.item').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.every((title) => title.includes('Okta'))).toBe(true);
    await plainPage.goto(`${base}/console/triage`);
    await plainPage.locator('[data-action="no-match"]').first().click();
    await plainPage.waitForURL(/done=no-match/);
    expect(fake.calls.at(-1)).toMatchObject({ action: 'noMatch', by: 'ada' });
    await plain.close();
  });

  /** Presses `key` and answers which form it submitted, if any: the submit is kept from leaving the page. */
  async function formSubmittedBy(key: string): Promise<string | undefined> {
    // Page-side code as text, as in browser-support.ts: Node's types have no DOM.
    await page.evaluate(`(() => {
      delete window.__submitted;
      window.__watch = (event) => {
        event.preventDefault();
        window.__submitted = new URL(event.target.action).pathname;
      };
      document.addEventListener('submit', window.__watch, true);
    })()`);
    // A shortcut clicks its button inside the keydown handler, so its submit has fired once the press returns.
    await page.keyboard.press(key);
    const submitted = await page.evaluate(`(() => {
      document.removeEventListener('submit', window.__watch, true);
      return window.__submitted;
    })()`);
    return submitted as string | undefined;
  }

  it("turns the inbox's single-key shortcuts off and on with a button, without JavaScript too, back on the same page", async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const plainPage = await plain.newPage();
    await signIn(plain, plainPage, tokens.ada!);
    const second = `${base}/console/triage?offset=1&limit=1`;
    await plainPage.goto(second);
    expect(await plainPage.locator('a[href*="keys="]').count()).toBe(0);
    await plainPage.getByRole('button', { name: 'Turn these keys off' }).click();
    await plainPage.waitForSelector('.inbox[data-keys="off"]');
    await expect(plainPage.locator('.hint').textContent()).resolves.toContain(
      'Single-key shortcuts are off.',
    );
    const back = new URL(plainPage.url());
    expect([back.pathname, back.searchParams.get('offset'), back.searchParams.get('limit')]).toEqual([
      '/console/triage',
      '1',
      '1',
    ]);
    expect((await plain.cookies()).find((c) => c.name === 'refinery_triage_keys')?.value).toBe('off');
    await plain.close();

    // With JavaScript: off, j moves nothing; on again, it does.
    await page.goto(`${base}/console/triage`);
    await page.getByRole('button', { name: 'Turn these keys off' }).click();
    await page.waitForSelector('.inbox[data-keys="off"]');
    const first = await page.locator('.ticket').first().getAttribute('data-ticket-key');
    await page.keyboard.press('j');
    await expect(page.locator('.ticket.current').getAttribute('data-ticket-key')).resolves.toBe(first);
    // Off, y confirms nothing: no form is sent, the person stays on the page.
    const calls = fake.calls.length;
    const offUrl = page.url();
    expect(await formSubmittedBy('y')).toBeUndefined();
    expect(page.url()).toBe(offUrl);
    expect(fake.calls).toHaveLength(calls);
    await screenshot(page, dir, 'triage-keys-off');
    await expectAccessible(page, 'triage, keys off');
    await page.getByRole('button', { name: 'Turn them on' }).click();
    await page.waitForSelector('.inbox[data-keys="on"]');
    await page.keyboard.press('j');
    await expect(page.locator('.ticket.current').getAttribute('data-ticket-key')).resolves.not.toBe(first);
    // On, y confirms the current ticket's top suggestion.
    const current = await page.locator('.ticket.current').getAttribute('data-ticket-key');
    expect(await formSubmittedBy('y')).toBe('/console/triage/confirm');
    await page.keyboard.press('y');
    await page.waitForURL(/done=confirmed/);
    expect(fake.calls.at(-1)).toMatchObject({ action: 'confirmLink', by: 'ada' });
    expect(await page.locator(`[data-ticket-key="${current}"]`).count()).toBe(0);
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/console/login`);
    await page.goto(`${base}/console/backlog`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
  });
});
