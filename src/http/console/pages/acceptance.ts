import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import {
  type AcceptanceHealth,
  type ContainerId,
  ContainerIdSchema,
  type ContainerView,
} from '../../../read-model/read-model.ts';
import { lineChart, percent } from '../charts.ts';
import type { ConsoleContext } from '../console-plugin.ts';
import { type Html, html, isolate } from '../html.ts';
import { CONSOLE_PREFIX } from '../layout.ts';
import { itemPath, selectOptions } from './common.ts';

const PATH = `${CONSOLE_PREFIX}/acceptance`;

export function containerPicker(
  path: string,
  name: string,
  label: string,
  options: readonly { value: string; label: string }[],
  selected: string | undefined,
): Html {
  return html`<form class="filters" method="get" action="${path}">
<label>${label} <select name="${name}">${selectOptions(options, selected)}</select></label>
<button type="submit">Show</button>
</form>`;
}

function acceptanceView(health: AcceptanceHealth): Html {
  const share = health.checked === 0 ? 0 : health.failing / health.checked;
  const chart = lineChart({
    id: 'failing-share',
    title: `Share of checked items failing their template, per week (${health.container.name})`,
    xLabel: 'Week starting',
    yLabel: 'Failing share',
    categories: health.weekly.map((w) => w.week.slice(5)),
    series: [{ name: 'Failing share', values: health.weekly.map((w) => w.share) }],
    yMax: 1,
    format: percent,
  });
  const groups =
    health.byFinding.length === 0
      ? html`<p class="empty">No item fails its template.</p>`
      : html`${health.byFinding.map(
          (group, index) => html`<section class="finding" aria-labelledby="finding-${index}">
<h3 id="finding-${index}">${group.finding} <span class="count">${group.count}</span></h3>
<ul>${group.items.map((item) => html`<li><a href="${itemPath(item)}">${item.key}</a> ${isolate(item.title)}</li>`)}</ul>
</section>`,
        )}`;
  return html`<p class="summary">${health.failing} of ${health.checked} checked items fail (${percent(share)}).</p>
${chart}
<h2>Failing items by finding</h2>
${groups}`;
}

/**
 * The backlog the page opens on: the one with the most items missing criteria (ties alphabetical), with the
 * sentence saying why it is the one shown.
 */
function worstFirst(containers: readonly ContainerView[]): { shown: ContainerView; why: Html } | undefined {
  const [shown] = [...containers].sort((a, b) => b.failing - a.failing || a.name.localeCompare(b.name));
  if (!shown) return undefined;
  return {
    shown,
    why:
      shown.failing > 0
        ? html`Showing ${isolate(shown.name)}, the backlog with the most items missing criteria (${shown.failing}).`
        : html`Showing ${isolate(shown.name)}, the first alphabetically: no backlog has items missing criteria.`,
  };
}

export function registerAcceptance(scope: FastifyInstance, context: ConsoleContext): void {
  scope.get(
    '/acceptance',
    { schema: { querystring: Type.Object({ container: Type.Optional(ContainerIdSchema) }) } },
    async (request, reply) => {
      const containers = (await context.readModel.containers()).filter(
        (c: ContainerView) => c.role === 'backlog',
      );
      const picked = (request.query as { container?: ContainerId }).container;
      const opened = picked ? undefined : worstFirst(containers);
      const chosen = picked ?? opened?.shown.id;
      const health = chosen ? await context.readModel.acceptanceHealth(chosen) : undefined;
      const options = containers.map((c) => ({ value: c.id, label: `${c.name} (${c.tracker})` }));
      const content = html`${containerPicker(PATH, 'container', 'Backlog', options, chosen)}
${opened ? html`<p class="chosen">${opened.why}</p>` : ''}
${health ? acceptanceView(health) : html`<p class="empty">No acceptance checks recorded yet.</p>`}`;
      return context.page(request, reply, '/acceptance', 'Acceptance health', content);
    },
  );
}
