import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { DeclineReason } from '../../../domain/commands/command-results.ts';
import type { OperationsView, RateLimitPause } from '../../../read-model/read-model.ts';
import { HttpError } from '../../errors.ts';
import { barChart } from '../charts.ts';
import type { ConsoleContext } from '../console-plugin.ts';
import { type Html, html } from '../html.ts';
import { actionForm, CONSOLE_PREFIX, type PageFrame } from '../layout.ts';
import { notice, when, withQuery } from './common.ts';

const PATH = `${CONSOLE_PREFIX}/operations`;
const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The page's words for each reason, in the order of `OperationsView.commandsDeclined` (docs/commands.md). */
const DECLINED: Record<DeclineReason, string> = {
  app_account: 'App account (not in commands.allowedApps)',
  not_board_member: 'Not a member of the Trello board',
  no_edit_right: 'No edit right on the item',
  old_comment_edit: 'Edit of a comment older than 90 days',
  not_allowed: 'Not allowed to run commands (commands.allowedActors)',
};

/**
 * A Jira 429 for one issue or one endpoint holds only that (docs/tracker-behaviour.md): read as a pause of
 * everything, one hot issue would look like the site stopped.
 */
function whatWaited({ tracker, scope }: RateLimitPause): string {
  if (scope === 'item') return tracker === 'trello' ? 'one card held' : 'one issue held';
  if (scope === 'endpoint') return 'one endpoint held';
  return 'the whole queue paused';
}

function operationsView(frame: PageFrame, view: OperationsView, done: string | undefined): Html {
  const editor = frame.user.role === 'editor';
  const outcomes = [...new Set(view.deliveries.flatMap((hour) => Object.keys(hour.outcomes)))].sort();
  const deliveries = barChart({
    id: 'deliveries',
    title: 'Webhook deliveries per hour by outcome, last 24 hours',
    xLabel: 'Hour (UTC)',
    yLabel: 'Deliveries',
    categories: view.deliveries.map((hour) => hour.hour.slice(11, 16)),
    series: outcomes.map((outcome) => ({
      name: outcome,
      values: view.deliveries.map((hour) => hour.outcomes[outcome] ?? 0),
    })),
    stacked: true,
  });
  const failed =
    view.failedJobs.length === 0
      ? html`<p class="empty">No failed job.</p>`
      : html`${editor ? actionForm(frame, `${PATH}/retry-all`, {}, html`<button type="submit" data-action="retry-all">Retry all failed jobs</button>`) : ''}
<div class="scroll"><table><caption class="sr-only">Failed jobs, newest first</caption><thead><tr><th scope="col">Job</th><th scope="col">Item</th><th scope="col">Attempts</th><th scope="col">Failed</th><th scope="col">Reason</th>${editor ? html`<th scope="col">Action</th>` : ''}</tr></thead>
<tbody>${view.failedJobs.map(
          (job) =>
            html`<tr><td>${job.name}<div class="muted">${job.id}</div></td><td>${job.item ?? '—'}</td><td class="num">${job.attemptsMade}</td><td>${when(job.finishedAt)}</td><td class="reason">${job.failedReason ?? ''}</td>${
              editor
                ? html`<td>${actionForm(frame, `${PATH}/retry`, { id: job.id }, html`<button type="submit" data-action="retry">Retry<span class="sr-only"> job ${job.id}</span></button>`)}</td>`
                : ''
            }</tr>`,
        )}</tbody></table></div>`;
  const limits =
    view.rateLimits.length === 0
      ? html`<p class="empty">No tracker has asked us to wait.</p>`
      : html`<table><caption class="sr-only">Times each tracker asked us to wait</caption><thead><tr><th scope="col">Tracker</th><th scope="col">Asked to wait</th><th scope="col">Time waited</th></tr></thead><tbody>${view.rateLimits.map(
          (r) =>
            html`<tr><td>${r.tracker}</td><td class="num">${r.pauses}</td><td class="num">${seconds(r.waitedMs)}</td></tr>`,
        )}</tbody></table>
${view.recentPauses.length > 0 ? html`<h3>Latest waits</h3><ul>${view.recentPauses.map((p) => html`<li>${when(p.at)}: ${p.tracker}, ${whatWaited(p)} for ${seconds(p.pauseMs)}</li>`)}</ul>` : ''}`;
  const declined = view.commandsDeclined.some(({ counts }) => counts.jira + counts.trello > 0)
    ? html`<table><caption>Commands not run for who asked them, per tracker</caption><thead><tr><th scope="col">Reason</th><th scope="col">Jira</th><th scope="col">Trello</th></tr></thead><tbody>${view.commandsDeclined.map(
        ({ reason, counts }) =>
          html`<tr><th scope="row">${DECLINED[reason]}</th><td class="num">${counts.jira}</td><td class="num">${counts.trello}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="empty">No command was declined.</p>`;
  // BullMQ keeps a scheduler's next run among its delayed jobs: shown apart, so "delayed" counts only retries.
  const scheduled =
    view.scheduled.length === 0
      ? ''
      : html`<p class="scheduled">Scheduled (not counted as delayed): ${view.scheduled.map(
          (run, i) => html`${i > 0 ? '; ' : ''}${run.name}, next run at ${when(run.at)}`,
        )}.</p>`;
  return html`${notice(done)}
<section aria-labelledby="queue"><h2 id="queue">Queue${view.queue.paused ? ' (paused)' : ''}</h2>
<table class="depths"><caption class="sr-only">Jobs per state</caption><thead><tr>${STATES.map((s) => html`<th scope="col">${s}</th>`)}</tr></thead><tbody><tr>${STATES.map((s) => html`<td class="num">${view.queue[s]}</td>`)}</tr></tbody></table>
${scheduled}
</section>
<section aria-labelledby="failed"><h2 id="failed">Failed jobs</h2>${failed}</section>
<section aria-labelledby="deliveries-h"><h2 id="deliveries-h">Webhook deliveries</h2>${deliveries}</section>
<section aria-labelledby="limits"><h2 id="limits">Tracker rate limits</h2>${limits}</section>
<section aria-labelledby="declined"><h2 id="declined">Commands declined</h2>${declined}</section>
<section aria-labelledby="more"><h2 id="more">More</h2>
<ul><li><a href="/docs">API documentation (/docs)</a></li><li><a href="/admin/queues">Queue dashboard (/admin/queues, needs the admin token)</a></li><li><a href="/metrics">Prometheus metrics (/metrics)</a></li></ul>
</section>`;
}

const DONE = { retried: 'Job queued again.', 'retried-all': 'Failed jobs queued again.' } as const;

export function registerOperations(scope: FastifyInstance, context: ConsoleContext): void {
  scope.get(
    '/operations',
    {
      schema: {
        querystring: Type.Object({
          done: Type.Optional(Type.Union(Object.keys(DONE).map((k) => Type.Literal(k)))),
        }),
      },
    },
    async (request, reply) => {
      const { done } = request.query as { done?: keyof typeof DONE };
      const view = await context.readModel.operations();
      return context.page(request, reply, '/operations', 'Operations', (frame) =>
        operationsView(frame, view, done && DONE[done]),
      );
    },
  );

  scope.post(
    '/operations/retry',
    { schema: { body: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }) } },
    async (request, reply) => {
      context.requireEditor(request);
      const { id } = request.body as { id: string };
      if (!(await context.actions.retryJob(id))) throw new HttpError(409, `Job ${id} is not a failed job.`);
      request.log.info({ person: context.person(request).name, jobId: id }, 'Console: failed job retried');
      return reply.redirect(withQuery(PATH, { done: 'retried' }), 303);
    },
  );

  scope.post('/operations/retry-all', async (request, reply) => {
    context.requireEditor(request);
    const retried = await context.actions.retryAllFailed();
    request.log.info({ person: context.person(request).name, retried }, 'Console: all failed jobs retried');
    return reply.redirect(withQuery(PATH, { done: 'retried-all' }), 303);
  });
}
