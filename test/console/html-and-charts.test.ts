import { describe, expect, it } from 'vitest';
import { barChart, lineChart, niceAxis, percent } from '../../src/http/console/charts.ts';
import { docToHtml } from '../../src/http/console/doc-html.ts';
import { externalLink, html } from '../../src/http/console/html.ts';
import { csvCell } from '../../src/http/console/pages/backlog.ts';
import { safeUrl } from '../../src/read-model/records.ts';

describe('html template', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const title = `"><img src=x onerror=alert(1)> & <script>alert('x')</script>`;
    const out = html`<p title="${title}">${title}</p>`.value;
    expect(out).toBe(
      '<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>',
    );
  });

  it('keeps markup built with html, joins lists and leaves out null, undefined and false', () => {
    const items = ['a<b', 'c'].map((text) => html`<li>${text}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>0',
    );
  });

  it('links only to absolute http(s) URLs', () => {
    expect(safeUrl('https://acme.atlassian.net/browse/KAN-1')).toBe(
      'https://acme.atlassian.net/browse/KAN-1',
    );
    for (const bad of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,x',
      '//evil.test/x',
      '/relative',
      'vbscript:x',
      '',
    ])
      expect(safeUrl(bad), bad).toBeUndefined();
    expect(externalLink('javascript:alert(1)', 'KAN-1').value).toBe('KAN-1');
    expect(externalLink('https://x.test/?a="b"', 'go').value).toBe(
      '<a href="https://x.test/?a=%22b%22" rel="noopener noreferrer">go</a>',
    );
  });

  it('renders a comment document with every run escaped and unsafe links as text', () => {
    const out = docToHtml({
      blocks: [
        {
          type: 'paragraph',
          content: [
            { text: '<b>bold?</b>', bold: true },
            { text: 'x', href: 'javascript:alert(1)' },
          ],
        },
        { type: 'code', text: '</code><script>' },
      ],
    }).value;
    expect(out).toBe(
      '<div class="doc"><p><strong>&lt;b&gt;bold?&lt;/b&gt;</strong>x</p><pre><code>&lt;/code&gt;&lt;script&gt;</code></pre></div>',
    );
  });

  it('makes CSV cells inert in spreadsheets', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('-1+2')).toBe(`"'-1+2"`);
    expect(csvCell(12.5)).toBe('"12.5"');
  });
});

describe('charts', () => {
  const spec = {
    id: 'sprints',
    title: 'Committed vs completed <per sprint>',
    xLabel: 'Sprint',
    yLabel: 'Items',
    categories: ['S1', 'S2', '<S3>'],
    series: [
      { name: 'Committed', values: [10, 12, 8] },
      { name: 'Completed', values: [8, 12, 0] },
    ],
  };

  it('steps the axis by 1, 2 or 5 times a power of ten, whole steps for counts', () => {
    const axes = [0, 2, 7, 12, 21, 48, 1000].map((n) => niceAxis(n));
    expect(axes).toEqual([
      { top: 1, step: 1 },
      { top: 2, step: 1 },
      { top: 8, step: 2 },
      { top: 15, step: 5 },
      { top: 30, step: 10 },
      { top: 60, step: 20 },
      { top: 1000, step: 500 },
    ]);
    expect(niceAxis(0.3, false)).toEqual({ top: 0.3, step: 0.1 });
  });

  it('draws grouped bars with title, axis labels and a table of the same numbers', () => {
    const out = barChart(spec).value;
    expect(out).toContain(
      '<figcaption id="sprints-title">Committed vs completed &lt;per sprint&gt;</figcaption>',
    );
    expect(out).toContain('role="img"');
    expect(out).toContain('>Sprint</text>');
    expect(out).toContain('>Items</text>');
    // 5 non-zero values, one bar each; the zero draws nothing.
    expect(out.match(/<rect [^>]+><title>/g)).toHaveLength(5);
    expect(out).toContain('<caption>Committed vs completed &lt;per sprint&gt;</caption>');
    expect(out).toContain('<tr><th scope="row">&lt;S3&gt;</th><td>8</td><td>0</td></tr>');
    // Axis to 15 in steps of 5: the 12-high bar fills 12/15 of the 220 px plot.
    expect(out).toContain('>15</text>');
    expect(out).toMatch(/height="176"/);
  });

  it('stacks bars on each other', () => {
    const out = barChart({ ...spec, stacked: true }).value;
    // S2: 12 + 12 = 24 -> axis to 30; the second bar starts where the first ends.
    expect(out).toContain('>30</text>');
    const s2 = [
      ...out.matchAll(/<rect x="([^"]+)" y="([^"]+)" width="[^"]+" height="([^"]+)"[^>]*><title>S2/g),
    ];
    expect(s2).toHaveLength(2);
    const [first, second] = s2.map((m) => ({ y: Number(m[2]), h: Number(m[3]) }));
    expect(second!.y + second!.h).toBeCloseTo(first!.y, 0);
  });

  it('draws lines with shares as percentages', () => {
    const out = lineChart({
      id: 'share',
      title: 'Failing share',
      xLabel: 'Week',
      yLabel: 'Share',
      categories: ['09-14', '09-21'],
      series: [{ name: 'Failing', values: [0.25, 0.5] }],
      yMax: 1,
      format: percent,
    }).value;
    expect(out).toContain('<polyline points="92,181 584,126"');
    expect(out).toContain('<td>25 %</td>');
    expect(out).toContain('>100 %</text>');
  });
});
