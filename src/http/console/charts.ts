import { type Html, html } from './html.ts';

/**
 * Charts drawn on the server as SVG: no script, nothing to load, readable in any browser. Each chart carries its
 * title, axis labels and legend, and the same numbers as a table for screen readers.
 */
export interface Series {
  name: string;
  values: readonly number[];
}

export interface ChartSpec {
  /** Unique on the page: ids of the title and table hang off it. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** One label per position on the x axis. */
  categories: readonly string[];
  series: readonly Series[];
  /** How values read in the ticks and the table (default: the number). */
  format?: (value: number) => string;
  /** Fixed top of the y axis (e.g. 1 for shares); default: a round number above the largest value. */
  yMax?: number;
}

/** Colour-blind-safe (Okabe-Ito), each dark enough against white for a 3:1 contrast of graphics. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8C6D00', '#56B4E9', '#000000'];

const WIDTH = 640;
const HEIGHT = 300;
const MARGIN = { top: 16, right: 28, bottom: 64, left: 64 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
const TICKS = 4;
/** At most this many x labels are written; the others are in the table. */
const MAX_X_LABELS = 12;
/** A longer x label (a sprint's own name) is cut with an ellipsis; its full text is in its tooltip and the table. */
const MAX_LABEL_CHARS = 14;

/**
 * X labels that tell the categories apart in little room. Sprints are named alike ("Platform Sprint 4"): the words
 * every label starts with are left out (the axis title says what they are; not a shared date, which holds digits),
 * and a label still too long keeps its end, where names differ, after an ellipsis.
 */
export function shortLabels(categories: readonly string[]): string[] {
  const words = categories.map((label) => label.split(' '));
  let shared = 0;
  while (
    categories.length > 1 &&
    !/\d/.test(words[0]![shared] ?? '') &&
    words.every((w) => w.length > shared + 1 && w[shared] === words[0]![shared])
  )
    shared += 1;
  return words.map((w) => {
    const label = w.slice(shared).join(' ');
    return label.length > MAX_LABEL_CHARS ? `…${label.slice(-(MAX_LABEL_CHARS - 1)).trimStart()}` : label;
  });
}
/** A character of the 12 px labels is at most this wide (generous, so a label never runs into the next). */
const LABEL_CHAR_W = 7.5;
const LABEL_GAP = 8;

const plain = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
const round1 = (value: number) => Math.round(value * 10) / 10;

/** The y axis: about four steps of 1, 2 or 5 times a power of ten (whole steps for counts), from 0 to the top. */
export interface Axis {
  top: number;
  step: number;
}

export function niceAxis(largest: number, counts = true): Axis {
  if (!(largest > 0)) return { top: 1, step: counts ? 1 : 0.25 };
  const raw = largest / TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((f) => f * power).find((candidate) => candidate >= raw) ?? 10 * power;
  if (counts) step = Math.max(1, step);
  // toPrecision: 3 × 0.1 is 0.30000000000000004 in floating point, and would show so.
  return { top: Number((step * Math.ceil(largest / step)).toPrecision(12)), step };
}

function axes(spec: ChartSpec, { top, step }: Axis, xAt: (index: number) => number): Html {
  const format = spec.format ?? plain;
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => {
    const value = Number((step * i).toPrecision(12));
    const y = round1(MARGIN.top + PLOT_H - (PLOT_H * value) / top);
    return html`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#d0d7de"/><text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end" font-size="12" fill="#24292f">${format(value)}</text>`;
  });
  const shown = shortLabels(spec.categories);
  // Every `every`-th label is written, as many as fit side by side without touching.
  const widest = Math.max(0, ...shown.map((label) => label.length)) * LABEL_CHAR_W + LABEL_GAP;
  const spacing = spec.categories.length > 1 ? xAt(1) - xAt(0) : PLOT_W;
  const every = Math.max(Math.ceil(spec.categories.length / MAX_X_LABELS), Math.ceil(widest / spacing));
  const labels = spec.categories.map((label, index) =>
    index % every === 0
      ? html`<text x="${round1(xAt(index))}" y="${MARGIN.top + PLOT_H + 18}" text-anchor="middle" font-size="12" fill="#24292f">${shown[index] === label ? label : html`<title>${label}</title>${shown[index]}`}</text>`
      : '',
  );
  const bottom = MARGIN.top + PLOT_H;
  return html`${ticks}<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}" stroke="#57606a"/>${labels}
<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 28}" text-anchor="middle" font-size="13" fill="#24292f">${spec.xLabel}</text>
<text transform="translate(16 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle" font-size="13" fill="#24292f">${spec.yLabel}</text>`;
}

function legend(series: readonly Series[]): Html {
  let x = MARGIN.left;
  const entries = series.map((s, index) => {
    const at = x;
    x += 24 + s.name.length * 7 + 16;
    return html`<rect x="${at}" y="${HEIGHT - 14}" width="12" height="12" fill="${PALETTE[index % PALETTE.length]}"/><text x="${at + 16}" y="${HEIGHT - 4}" font-size="12" fill="#24292f">${s.name}</text>`;
  });
  return html`${entries}`;
}

function dataTable(spec: ChartSpec): Html {
  const format = spec.format ?? plain;
  return html`<table class="sr-only" id="${spec.id}-data">
<caption>${spec.title}</caption>
<thead><tr><th scope="col">${spec.xLabel}</th>${spec.series.map((s) => html`<th scope="col">${s.name}</th>`)}</tr></thead>
<tbody>${spec.categories.map(
    (category, index) =>
      html`<tr><th scope="row">${category}</th>${spec.series.map((s) => html`<td>${format(s.values[index] ?? 0)}</td>`)}</tr>`,
  )}</tbody>
</table>`;
}

function figure(spec: ChartSpec, marks: Html, axis: Axis, xAt: (index: number) => number): Html {
  return html`<figure class="chart" aria-labelledby="${spec.id}-title">
<figcaption id="${spec.id}-title">${spec.title}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${spec.title}: the numbers are in the table that follows" xmlns="http://www.w3.org/2000/svg">
${axes(spec, axis, xAt)}
${marks}
${legend(spec.series)}
</svg>
${dataTable(spec)}
</figure>`;
}

function axisOf(spec: ChartSpec, largest: number): Axis {
  if (spec.yMax !== undefined) return { top: spec.yMax, step: spec.yMax / TICKS };
  const counts = spec.series.every((s) => s.values.every(Number.isInteger));
  return niceAxis(largest, counts);
}

/** Bars per category: side by side (grouped) or one on the other (stacked, e.g. deliveries by outcome). */
export function barChart(spec: ChartSpec & { stacked?: boolean }): Html {
  const n = Math.max(spec.categories.length, 1);
  const slot = PLOT_W / n;
  const xAt = (index: number) => MARGIN.left + slot * (index + 0.5);
  const totals = spec.categories.map((_, i) => spec.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const largest = spec.stacked
    ? Math.max(0, ...totals)
    : Math.max(0, ...spec.series.flatMap((s) => s.values));
  const axis = axisOf(spec, largest);
  const { top } = axis;
  const scale = (value: number) => (PLOT_H * value) / top;
  const bottom = MARGIN.top + PLOT_H;
  const groupWidth = slot * 0.8;
  const barWidth = spec.stacked ? groupWidth : groupWidth / Math.max(spec.series.length, 1);
  const marks = spec.categories.map((category, i) => {
    let stackedBase = 0;
    return spec.series.map((s, k) => {
      const value = s.values[i] ?? 0;
      const h = round1(scale(value));
      const x = round1(xAt(i) - groupWidth / 2 + (spec.stacked ? 0 : k * barWidth));
      const y = round1(bottom - scale(stackedBase) - h);
      if (spec.stacked) stackedBase += value;
      return value > 0
        ? html`<rect x="${x}" y="${y}" width="${round1(Math.max(barWidth - 1, 1))}" height="${h}" fill="${PALETTE[k % PALETTE.length]}"><title>${category}, ${s.name}: ${(spec.format ?? plain)(value)}</title></rect>`
        : '';
    });
  });
  return figure(spec, html`${marks}`, axis, xAt);
}

/** One line per series over the categories (e.g. the failing share per week, a burn-up). */
export function lineChart(spec: ChartSpec): Html {
  const n = spec.categories.length;
  // Inset from the axis ends, so the first and last labels are not cut at the edges.
  const inset = 28;
  const xAt = (index: number) =>
    MARGIN.left + (n <= 1 ? PLOT_W / 2 : inset + ((PLOT_W - 2 * inset) * index) / (n - 1));
  const axis = axisOf(spec, Math.max(0, ...spec.series.flatMap((s) => s.values)));
  const { top } = axis;
  const yAt = (value: number) => round1(MARGIN.top + PLOT_H - (PLOT_H * value) / top);
  const marks = spec.series.map((s, k) => {
    const colour = PALETTE[k % PALETTE.length];
    const points = s.values.map((value, i) => `${round1(xAt(i))},${yAt(value)}`).join(' ');
    const dots = s.values.map(
      (value, i) =>
        html`<circle cx="${round1(xAt(i))}" cy="${yAt(value)}" r="3" fill="${colour}"><title>${spec.categories[i]}, ${s.name}: ${(spec.format ?? plain)(value)}</title></circle>`,
    );
    return html`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>${dots}`;
  });
  return figure(spec, html`${marks}`, axis, xAt);
}

export const percent = (share: number) => `${Math.round(share * 100)} %`;
