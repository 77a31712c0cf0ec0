import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { type ContainerId, ContainerIdSchema, type SprintsView } from '../../../read-model/read-model.ts';
import { barChart, lineChart } from '../charts.ts';
import type { ConsoleContext } from '../console-plugin.ts';
import { externalLink, type Html, html } from '../html.ts';
import { CONSOLE_PREFIX } from '../layout.ts';
import { containerPicker } from './acceptance.ts';
import { day, when } from './common.ts';

const PATH = `${CONSOLE_PREFIX}/sprints`;

/** Days for a sprint of days; hours when everything happened within two days (a short or new sprint). */
function burnUpLabel(at: string, points: readonly { at: string }[]): string {
  const first = Date.parse(points[0]?.at ?? at);
  const last = Date.parse(points.at(-1)?.at ?? at);
  return last - first < 2 * 86_400_000 ? at.slice(5, 16).replace('T', ' ') : at.slice(5, 10);
}

function sprintsView(view: SprintsView): Html {
  const { sprints, active } = view;
  const trend =
    sprints.length === 0
      ? html`<p class="empty">No sprint summary posted yet.</p>`
      : barChart({
          id: 'sprint-trend',
          title: `Committed, completed, carried over and added items, last ${sprints.length} sprints (${view.board.name})`,
          xLabel: 'Sprint',
          yLabel: 'Items',
          categories: sprints.map((s) => s.name),
          series: [
            { name: 'Committed', values: sprints.map((s) => s.figures.committed ?? 0) },
            { name: 'Completed', values: sprints.map((s) => s.figures.completed) },
            { name: 'Carried over', values: sprints.map((s) => s.figures.carriedOver) },
            { name: 'Added', values: sprints.map((s) => s.figures.added) },
          ],
        });
  const burnUp = active
    ? lineChart({
        id: 'burn-up',
        title: `Burn-up of ${active.name} (${active.unit})`,
        xLabel: 'Date (UTC)',
        yLabel: active.unit === 'points' ? 'Story points' : 'Items',
        categories: active.points.map((p) => burnUpLabel(p.at, active.points)),
        series: [
          { name: 'Scope', values: active.points.map((p) => p.scope) },
          { name: 'Done', values: active.points.map((p) => p.done) },
        ],
      })
    : html`<p class="empty">No active sprint.</p>`;
  const summaries = [...sprints].reverse().map(
    (s, index) => html`<article class="sprint">
<h3>${externalLink(s.summaryUrl, s.name)}</h3>
<p class="meta">${day(s.start)} → ${day(s.end)} · posted ${when(s.postedAt)} · ${s.figures.completed} completed, ${s.figures.carriedOver} carried over, ${s.figures.added} added</p>
<details${index === 0 ? html` open` : ''}><summary>The summary as posted</summary><pre class="summary-text">${s.summaryText}</pre></details>
</article>`,
  );
  return html`<div class="charts"><section aria-labelledby="trend"><h2 id="trend">Trend</h2>${trend}</section>
<section aria-labelledby="active"><h2 id="active">Active sprint</h2>${burnUp}</section></div>
<h2>Summaries posted</h2>${summaries}`;
}

export function registerSprints(scope: FastifyInstance, context: ConsoleContext): void {
  scope.get(
    '/sprints',
    { schema: { querystring: Type.Object({ board: Type.Optional(ContainerIdSchema) }) } },
    async (request, reply) => {
      const boards = await context.readModel.boards();
      const chosen: ContainerId | undefined =
        (request.query as { board?: ContainerId }).board ?? boards[0]?.id;
      const view = chosen ? await context.readModel.sprints(chosen) : undefined;
      const options = boards.map((b) => ({ value: b.id, label: `${b.name} (${b.tracker})` }));
      const content = html`${containerPicker(PATH, 'board', 'Board', options, chosen)}
${view ? sprintsView(view) : html`<p class="empty">No sprints recorded yet.</p>`}`;
      return context.page(request, reply, '/sprints', 'Sprints', content);
    },
  );
}
