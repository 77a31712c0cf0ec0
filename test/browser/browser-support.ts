import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Where screenshots go: CONSOLE_SCREENSHOTS (docs/console when refreshing the docs' pictures) or a temp dir. */
export function screenshotDir(label: string): string {
  const dir = process.env.CONSOLE_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), `refinery-${label}-`));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A screenshot that must show something: a blank page compresses to a few kilobytes, the plainest console
 * page (sign-in) to about twenty, one with tables and charts to hundreds.
 */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  const path = join(dir, `${name}.png`);
  // The whole page up to a screen and a half: long tables are cut, the picture stays readable in the docs.
  const height = Math.min(Number(await page.evaluate('document.documentElement.scrollHeight')), 1_300);
  const width = page.viewportSize()?.width ?? 1280;
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width, height } });
  expect(statSync(path).size, `${name}.png looks blank`).toBeGreaterThan(12_000);
  expect(
    ((await page.locator('main').textContent()) ?? '').trim().length,
    `${name}: no text`,
  ).toBeGreaterThan(40);
  return path;
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    );
  expect(bad, `${name}: accessibility`).toEqual([]);
}
