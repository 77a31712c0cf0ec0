import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../scripts/lib/chromium.ts';
import { barChart, lineChart, shortLabels } from '../../src/http/console/charts.ts';
import type { Html } from '../../src/http/console/html.ts';

/** The charts' x axis as Chromium lays it out: labels a person can read, never written over each other. */
// Chromium's page loads take seconds each on a busy two-core machine; the suite's 20 s suits Node-only tests.
describe('console charts in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  });
  afterAll(async () => browser?.close());

  /** The x-axis labels' boxes, left to right, and the chart's own box. */
  async function xLabels(chart: Html) {
    await page.setContent(`<!doctype html><html><body>${chart.value}</body></html>`);
    const svg = await page.locator('svg').boundingBox();
    const labels = await page
      .locator('svg > text[text-anchor="middle"][font-size="12"]')
      .evaluateAll((nodes) =>
        nodes.map((node) => {
          const box = node.getBoundingClientRect();
          // What the label shows: a cut one also holds its full name, as a tooltip (<title>).
          const shown = [...node.childNodes].filter((child) => child.nodeName !== 'title');
          return { text: shown.map((child) => child.textContent).join(''), left: box.left, right: box.right };
        }),
      );
    return { svg: svg!, labels };
  }

  function expectReadable({ svg, labels }: Awaited<ReturnType<typeof xLabels>>) {
    expect(labels.length).toBeGreaterThan(0);
    for (const [i, label] of labels.entries()) {
      expect(label.left, `${label.text} starts inside the chart`).toBeGreaterThanOrEqual(svg.x);
      expect(label.right, `${label.text} ends inside the chart`).toBeLessThanOrEqual(svg.x + svg.width);
      const next = labels[i + 1];
      if (next) expect(label.right, `${label.text} runs into ${next.text}`).toBeLessThan(next.left);
    }
  }

  // Jira names a board's sprints "KAN Sprint 1", "KAN Sprint 2"...; teams often rename them longer.
  const sprints = Array.from({ length: 10 }, (_, i) =>
    i === 4 ? 'Payments and checkout revamp, part two' : `KAN Sprint ${i + 21}`,
  );
  const series = [
    { name: 'Committed', values: sprints.map(() => 10) },
    { name: 'Completed', values: sprints.map(() => 8) },
  ];

  it("writes ten sprints' names under the trend's bars without one running into the next", async () => {
    expectReadable(
      await xLabels(
        barChart({
          id: 'trend',
          title: 'Trend',
          xLabel: 'Sprint',
          yLabel: 'Items',
          categories: sprints,
          series,
        }),
      ),
    );
  });

  it('writes long names under a line chart without one running into the next', async () => {
    expectReadable(
      await xLabels(
        lineChart({
          id: 'line',
          title: 'Line',
          xLabel: 'Sprint',
          yLabel: 'Items',
          categories: sprints,
          series,
        }),
      ),
    );
  });

  it('tells sprints named alike apart: the words they share are left out, a long name keeps its end', async () => {
    const alike = ['Platform Sprint 8', 'Platform Sprint 9', 'Platform Sprint 10', 'Platform Sprint 11'];
    const { labels } = await xLabels(
      barChart({ id: 'alike', title: 'Trend', xLabel: 'Sprint', yLabel: 'Items', categories: alike, series }),
    );
    expect(labels.map((label) => label.text)).toEqual(['8', '9', '10', '11']);
    expect(shortLabels(['KAN Sprint 21', 'Payments and checkout revamp, part two'])).toEqual([
      'KAN Sprint 21',
      '…amp, part two',
    ]);
  });

  it('keeps every full name in the table that follows the chart', async () => {
    await page.setContent(
      barChart({
        id: 'trend',
        title: 'Trend',
        xLabel: 'Sprint',
        yLabel: 'Items',
        categories: sprints,
        series,
      }).value,
    );
    const rows = await page.locator('#trend-data tbody th').allTextContents();
    expect(rows).toEqual(sprints);
  });
});
