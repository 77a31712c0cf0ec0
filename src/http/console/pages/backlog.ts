import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import {
  type AcceptanceStatus,
  BACKLOG_DEFAULT_DIRECTION,
  type BacklogQuery,
  BacklogQuerySchema,
  type BacklogRow,
  type BacklogSortKey,
  type ContainerView,
  type ScoreInputName,
} from '../../../read-model/read-model.ts';
import type { ConsoleContext } from '../console-plugin.ts';
import { type Html, html, isolate } from '../html.ts';
import { CONSOLE_PREFIX } from '../layout.ts';
import { day, itemPath, lastPageOffset, pager, selectOptions, trackerLink, withQuery } from './common.ts';

const PATH = `${CONSOLE_PREFIX}/backlog`;
const RICE: ScoreInputName[] = ['reach', 'impact', 'confidence', 'effort'];
const DEFAULT_LIMIT = 50;

const COLUMNS: { sort: BacklogSortKey; label: string }[] = [
  { sort: 'score', label: 'Score' },
  { sort: 'reach', label: 'Reach' },
  { sort: 'impact', label: 'Impact' },
  { sort: 'confidence', label: 'Confidence' },
  { sort: 'effort', label: 'Effort' },
  { sort: 'customers', label: 'Customers' },
  { sort: 'acceptance', label: 'Acceptance' },
  { sort: 'scoredAt', label: 'Scored' },
];

/** How the summary names each sort, and its two directions. */
const TEXT = { asc: 'A to Z', desc: 'Z to A' };
const FIGURE = { asc: 'lowest first', desc: 'highest first' };
const ORDER: Record<BacklogSortKey, { name: string; asc: string; desc: string }> = {
  score: { name: 'priority score', ...FIGURE },
  key: { name: 'key', ...TEXT },
  title: { name: 'title', ...TEXT },
  type: { name: 'issue type', ...TEXT },
  reach: { name: 'reach', ...FIGURE },
  impact: { name: 'impact', ...FIGURE },
  confidence: { name: 'confidence', ...FIGURE },
  effort: { name: 'effort', ...FIGURE },
  customers: { name: 'customers', ...FIGURE },
  acceptance: { name: 'acceptance', asc: 'passing first', desc: 'failing first' },
  scoredAt: { name: 'when scored', asc: 'oldest first', desc: 'newest first' },
};

/** The sort and direction the rows follow: a query naming no direction gets the read model's default. */
function order(query: BacklogQuery): { sort: BacklogSortKey; dir: 'asc' | 'desc' } {
  const sort = query.sort ?? 'score';
  return { sort, dir: query.dir ?? BACKLOG_DEFAULT_DIRECTION[sort] };
}

function orderText(query: BacklogQuery): string {
  const { sort, dir } = order(query);
  return `${sort === 'score' ? 'ranked' : 'sorted'} by ${ORDER[sort].name}, ${ORDER[sort][dir]}`;
}

/** The view's filter and sort as querystring parameters (the page's links and the CSV export share them). */
function viewParams(query: BacklogQuery) {
  return {
    container: query.container,
    type: query.type,
    failing: query.failing || undefined,
    customers: query.customers || undefined,
    q: query.q,
    sort: query.sort,
    dir: query.dir,
  };
}

function acceptanceCell(status: AcceptanceStatus, findings: readonly string[]): Html {
  switch (status) {
    case 'passes':
      return html`<span class="ok">passes</span>`;
    case 'fails':
      return html`<span class="bad">fails</span>${findings.map((f) => html`<span class="findings">${f}</span>`)}`;
    case 'skipped':
      return html`<span class="muted">skipped</span>`;
    case 'unchecked':
      return html`<span class="muted">not checked</span>`;
  }
}

function inputCell(row: BacklogRow, name: ScoreInputName): Html {
  const input = row.inputs[name];
  if (!input) return html`<td class="num muted">—</td>`;
  return html`<td class="num"${input.detail ? html` title="${input.detail}"` : ''}>${input.value}<span class="source">${input.source}</span></td>`;
}

function rowHtml(row: BacklogRow): Html {
  return html`<tr data-item-key="${row.key}" data-score="${row.score}">
<td class="item"><a class="open" href="${itemPath(row)}" aria-label="Details of ${row.key}">Details</a> ${trackerLink(row)}<span class="container">${isolate(row.containerName)}${row.type ? html` · ${row.type}` : ''}</span></td>
<td class="num"><strong>${row.score}</strong><span class="source">${row.model}</span></td>
${RICE.map((name) => inputCell(row, name))}
<td class="num">${row.customers}</td>
<td>${acceptanceCell(row.acceptance.status, row.acceptance.findings)}</td>
<td title="${row.scoredAt}">${day(row.scoredAt)}</td>
</tr>`;
}

function header(query: BacklogQuery): Html {
  const { sort, dir } = order(query);
  const sortLink = (key: BacklogSortKey, label: string) => {
    const active = key === sort;
    const nextDir = active ? (dir === 'asc' ? 'desc' : 'asc') : BACKLOG_DEFAULT_DIRECTION[key];
    const href = withQuery(PATH, { ...viewParams(query), sort: key, dir: nextDir });
    return html`<a href="${href}">${label}${active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}</a>`;
  };
  const ariaSort = (keys: readonly BacklogSortKey[]) =>
    keys.includes(sort) ? html` aria-sort="${dir === 'asc' ? 'ascending' : 'descending'}"` : '';
  // The item column holds key, title and type: each sorts on its own.
  const item = html`<th scope="col"${ariaSort(['key', 'title', 'type'])}>${sortLink('key', 'Item')} <span class="subsort">(${sortLink('title', 'title')}, ${sortLink('type', 'type')})</span></th>`;
  return html`<tr>${item}${COLUMNS.map(
    (column) => html`<th scope="col"${ariaSort([column.sort])}>${sortLink(column.sort, column.label)}</th>`,
  )}</tr>`;
}

function filterForm(query: BacklogQuery, containers: readonly ContainerView[]): Html {
  const options = [
    { value: '', label: 'All backlogs' },
    ...containers
      .filter((c) => c.role === 'backlog')
      .map((c) => ({ value: c.id, label: `${c.name} (${c.tracker}, ${c.items} items)` })),
  ];
  return html`<form class="filters" method="get" action="${PATH}" role="search" aria-label="Filter the backlog">
<label>Backlog <select name="container">${selectOptions(options, query.container)}</select></label>
<label>Issue type <input name="type" value="${query.type ?? ''}" size="10"></label>
<label>Title contains <input type="search" name="q" value="${query.q ?? ''}"></label>
<label><input type="checkbox" name="failing" value="true"${query.failing ? html` checked` : ''}> Failing acceptance</label>
<label><input type="checkbox" name="customers" value="true"${query.customers ? html` checked` : ''}> Has customer evidence</label>
${query.sort ? html`<input type="hidden" name="sort" value="${query.sort}">` : ''}
${query.dir ? html`<input type="hidden" name="dir" value="${query.dir}">` : ''}
<button type="submit">Apply</button>
<a href="${PATH}">Clear</a>
</form>`;
}

/** CSV cells: quoted, and a leading = + - @ made inert, so a hostile title is not a formula in a spreadsheet. */
export function csvCell(value: string | number): string {
  const text = String(value);
  const inert = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${inert.replace(/"/g, '""')}"`;
}

const CSV_HEADER = [
  'key',
  'title',
  'url',
  'container',
  'type',
  'score',
  'model',
  ...RICE.flatMap((name) => [name, `${name}_source`]),
  'customers',
  'acceptance',
  'findings',
  'scored_at',
];

function csvLine(row: BacklogRow): string {
  const cells: (string | number)[] = [
    row.key,
    row.title,
    row.url ?? '',
    row.containerName,
    row.type ?? '',
    row.score,
    row.model,
    ...RICE.flatMap((name) => [row.inputs[name]?.value ?? '', row.inputs[name]?.source ?? '']),
    row.customers,
    row.acceptance.status,
    row.acceptance.findings.join('; '),
    row.scoredAt,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function registerBacklog(scope: FastifyInstance, context: ConsoleContext): void {
  scope.get('/', async (_request, reply) => reply.redirect(PATH, 303));

  scope.get(`/backlog`, { schema: { querystring: BacklogQuerySchema } }, async (request, reply) => {
    const query = request.query as BacklogQuery;
    const limit = query.limit ?? DEFAULT_LIMIT;
    const [page, containers] = await Promise.all([
      context.readModel.backlog({ ...query, limit }),
      context.readModel.containers(),
    ]);
    const params = { ...viewParams(query), limit: query.limit };
    // A page past the end (a bookmark, a Next link of a longer view): the view's last page, not "Items 1001–1000".
    if (page.rows.length === 0 && page.offset > 0 && page.total > 0) {
      const offset = lastPageOffset(page.total, limit) || undefined;
      return reply.redirect(withQuery(PATH, { ...params, offset }), 303);
    }
    const first = page.total === 0 ? 0 : page.offset + 1;
    const last = page.offset + page.rows.length;
    const previous =
      page.offset > 0
        ? withQuery(PATH, { ...params, offset: Math.max(0, page.offset - limit) || undefined })
        : undefined;
    const next =
      page.nextOffset !== undefined ? withQuery(PATH, { ...params, offset: page.nextOffset }) : undefined;
    const content = html`${filterForm(query, containers)}
<p class="summary">Items ${first}–${last} of ${page.total}, ${orderText(query)}. <a href="${withQuery(`${PATH}.csv`, viewParams(query))}" download>Export this view as CSV</a></p>
${
  page.rows.length === 0
    ? html`<p class="empty">No item matches this view.</p>`
    : html`<div class="scroll"><table class="backlog"><caption class="sr-only">Backlog items</caption><thead>${header(query)}</thead><tbody>${page.rows.map(rowHtml)}</tbody></table></div>`
}
${pager(previous, next)}`;
    return context.page(request, reply, '/backlog', 'Backlog', content);
  });

  scope.get(`/backlog.csv`, { schema: { querystring: BacklogQuerySchema } }, async (request, reply) => {
    const query = request.query as BacklogQuery;
    async function* lines() {
      yield `${CSV_HEADER.map(csvCell).join(',')}\r\n`;
      for await (const row of context.readModel.backlogRows(query)) yield csvLine(row);
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="backlog.csv"')
      .send(Readable.from(lines()));
  });
}
