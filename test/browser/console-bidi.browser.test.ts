import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/chromium.ts';
import { createRedisUserStore } from '../../src/console/users.ts';
import { createReadModelWriter } from '../../src/read-model/index.ts';
import { consoleClient } from '../console/console-client.ts';
import { realConsole } from '../console/real-console.ts';
import { makeItem } from '../domain/scoring/make-item.ts';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.ts';

const RLO = '\u202E';

/**
 * Tracker text with a right-to-left override (U+202E, pasted from a right-to-left text or typed to mislead) as
 * Chromium lays it out: it never reorders the figures the console writes beside it.
 */
// Chromium's page loads take seconds each on a busy two-core machine; the suite's 20 s suits Node-only tests.
describe('console pages with right-to-left tracker text', { timeout: 60_000 }, () => {
  let harness: ApiHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    harness = await startApiHarness({ console: realConsole });
    const writer = createReadModelWriter(harness.redis, harness.prefix);
    const ticket = (key: string, customer: string, suggested: string) =>
      writer.suggested(
        makeItem({
          key,
          title: 'Refund',
          container: { id: '20000', key: 'HELP', projectType: 'service_desk' },
          createdAt: '2026-12-01T09:30:00.000Z',
        }),
        customer,
        [
          {
            item: { ref: { tracker: 'jira', id: '10', key: 'APP-10' }, title: suggested, url: '' },
            confidence: 0.37,
            sharedTerms: ['refund'],
          },
        ],
      );
    await ticket('HELP-1', `Acme${RLO}`, `Refund fails${RLO}`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const ada = consoleClient(harness.app);
    await ada.signIn((await createRedisUserStore(harness.redis, harness.prefix).add('ada', 'viewer')).token);
    await page.setContent((await ada.get('/console/triage')).body);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  /** The characters of the first element `selector` matches inside `ticket`, in the order a person reads them. */
  function seen(ticket: string, selector: string): Promise<string> {
    return page
      .locator(`[data-ticket-key="${ticket}"] ${selector}`)
      .first()
      .evaluate((element) => {
        const text = element.firstChild!;
        const chars = [...(text.textContent ?? '')].map((char, i) => {
          const range = element.ownerDocument.createRange();
          range.setStart(text, i);
          range.setEnd(text, i + 1);
          return { char, x: range.getBoundingClientRect().left };
        });
        return chars
          .filter(({ char }) => char.trim() !== '')
          .sort((a, b) => a.x - b.x)
          .map(({ char }) => char)
          .join('');
      });
  }

  it("shows a suggestion's confidence as 37 %, not reversed by the override in the item's title", async () => {
    expect(await seen('HELP-1', '.confidence')).toBe('37%');
  });

  it('shows when a ticket was filed in order, after a customer name ending in an override', async () => {
    expect(await seen('HELP-1', '.meta time')).toBe('2026-12-0109:30UTC');
  });
});
