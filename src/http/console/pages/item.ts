import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { type TrackerName, TrackerNameSchema } from '../../../domain/events.ts';
import type { ItemDetail, LinkedTicket } from '../../../read-model/read-model.ts';
import { HttpError } from '../../errors.ts';
import type { ConsoleContext } from '../console-plugin.ts';
import { docToHtml } from '../doc-html.ts';
import { externalLink, type Html, html, isolate } from '../html.ts';
import type { PageFrame } from '../layout.ts';
import { activityTable, UNDONE_NOTICE } from './activity-table.ts';
import { itemPath, notice, trackerLink, when } from './common.ts';

function tickets(list: readonly LinkedTicket[]): Html {
  if (list.length === 0) return html`<p class="empty">No linked support tickets.</p>`;
  return html`<ul class="tickets">${list.map(
    (ticket) =>
      html`<li>${trackerLink(ticket)}${ticket.customer ? html` <span class="customer">${isolate(ticket.customer)}</span>` : ''} <span class="muted">${ticket.how === 'auto' ? 'linked automatically' : ticket.how === 'command' ? 'linked by a person' : 'linked in the tracker'}${ticket.confidence !== undefined ? html`, ${Math.round(ticket.confidence * 100)} %` : ''}</span></li>`,
  )}</ul>`;
}

function acceptance(detail: ItemDetail): Html {
  const { status, template, findings, skipped, checkedAt } = detail.acceptance;
  const head = html`<p>Status: <strong>${status}</strong>${template ? html` · template ${template}` : ''}${checkedAt ? html` · checked ${when(checkedAt)}` : ''}</p>`;
  if (skipped)
    return html`${head}<p>Skipped by ${isolate(skipped.by)} on ${when(skipped.at)}: ${isolate(skipped.reason)}</p>`;
  if (findings.length === 0) return head;
  return html`${head}<table><caption class="sr-only">Acceptance findings</caption><thead><tr><th scope="col">Finding</th><th scope="col">Severity</th><th scope="col">What is wrong</th><th scope="col">How to fix it</th></tr></thead><tbody>${findings.map(
    (f) =>
      html`<tr><td>${f.name}</td><td>${f.severity}</td><td>${f.message}${f.excerpt ? html`<div class="excerpt">${f.line ? `Line ${f.line}: ` : ''}<q>${f.excerpt}</q></div>` : ''}</td><td>${f.fix}</td></tr>`,
  )}</tbody></table>`;
}

function itemView(frame: PageFrame, detail: ItemDetail, undone = false): Html {
  const { row } = detail;
  const open = row.url
    ? externalLink(row.url, `Open ${row.key} in ${row.tracker === 'jira' ? 'Jira' : 'Trello'}`)
    : '';
  return html`${notice(undone ? UNDONE_NOTICE : undefined)}
<p class="lead" data-item-key="${row.key}" data-score="${row.score}">${open} <span class="muted">${isolate(row.containerName)}${row.type ? html` · ${row.type}` : ''}${row.status ? html` · ${row.status}` : ''}</span></p>
<section aria-labelledby="scorecard"><h2 id="scorecard">Scorecard</h2>
<p>Score <strong>${row.score}</strong> (${row.model}), ${row.customers} distinct customer${row.customers === 1 ? '' : 's'}, scored ${when(row.scoredAt)}.</p>
${docToHtml(detail.scorecard)}</section>
<section aria-labelledby="tickets"><h2 id="tickets">Linked support tickets</h2>${tickets(detail.tickets)}</section>
<section aria-labelledby="acceptance"><h2 id="acceptance">Acceptance</h2>${acceptance(detail)}</section>
<section aria-labelledby="history"><h2 id="history">History</h2>${activityTable(frame, detail.history, itemPath(row))}</section>`;
}

export function registerItem(scope: FastifyInstance, context: ConsoleContext): void {
  scope.get(
    '/items/:tracker/:idOrKey',
    {
      schema: {
        params: Type.Object({
          tracker: TrackerNameSchema,
          idOrKey: Type.String({ minLength: 1, maxLength: 200 }),
        }),
      },
    },
    async (request, reply) => {
      const { tracker, idOrKey } = request.params as { tracker: TrackerName; idOrKey: string };
      const detail = await context.readModel.item({ tracker, idOrKey });
      if (!detail) throw new HttpError(404, `No ${tracker} item ${idOrKey} in the read model yet.`);
      return context.page(request, reply, '/backlog', `${detail.row.key}: ${detail.row.title}`, (frame) =>
        itemView(frame, detail, (request.query as { undone?: '1' }).undone === '1'),
      );
    },
  );
}
