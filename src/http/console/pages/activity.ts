import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { TrackerNameSchema } from '../../../domain/events.ts';
import { type ActivityQuery, ActivityQuerySchema } from '../../../read-model/read-model.ts';
import { HttpError } from '../../errors.ts';
import type { ConsoleContext } from '../console-plugin.ts';
import { html } from '../html.ts';
import { CONSOLE_PREFIX } from '../layout.ts';
import { activityTable, UNDO_PATH, UNDONE_NOTICE } from './activity-table.ts';
import { notice, pager, returnTo, selectOptions, withQuery } from './common.ts';

const PATH = `${CONSOLE_PREFIX}/activity`;
const TRACKERS = [
  { value: '', label: 'Any tracker' },
  { value: 'jira', label: 'Jira' },
  { value: 'trello', label: 'Trello' },
];

function filterForm(query: ActivityQuery) {
  return html`<form class="filters" method="get" action="${PATH}" role="search" aria-label="Filter the audit trail">
<label>Tracker <select name="tracker">${selectOptions(TRACKERS, query.tracker)}</select></label>
<label>Item <input name="item" value="${query.item ?? ''}" size="12" placeholder="KAN-12"></label>
<label>Person <input name="person" value="${query.person ?? ''}" placeholder="console: ada"></label>
<label>Capability <input name="capability" value="${query.capability ?? ''}" size="14" placeholder="scoring"></label>
<button type="submit">Apply</button>
<a href="${PATH}">Clear</a>
</form>`;
}

export function registerActivity(scope: FastifyInstance, context: ConsoleContext): void {
  scope.get(
    '/activity',
    {
      schema: {
        querystring: Type.Object(
          { ...ActivityQuerySchema.properties, undone: Type.Optional(Type.Literal('1')) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { undone, ...query } = request.query as ActivityQuery & { undone?: '1' };
      if (query.item && !query.tracker) throw new HttpError(400, 'Choose the tracker of the item too.');
      const page = await context.readModel.activity(query);
      const next = page.nextBefore ? withQuery(PATH, { ...query, before: page.nextBefore }) : undefined;
      const newest = withQuery(PATH, { ...query, before: undefined });
      return context.page(
        request,
        reply,
        '/activity',
        'Activity',
        (frame) =>
          html`${notice(undone ? UNDONE_NOTICE : undefined)}
${filterForm(query)}
${
  page.expired
    ? html`<p class="problem">This page has expired: the entries it went on from are no longer in the audit trail. <a href="${newest}">Show the newest activity</a></p>`
    : html`${activityTable(frame, page.entries, withQuery(PATH, { ...query, undone: undefined }))}
${pager(query.before ? newest : undefined, next, 'newest')}`
}`,
      );
    },
  );

  scope.post(
    UNDO_PATH.slice(CONSOLE_PREFIX.length),
    {
      schema: {
        body: Type.Object({
          tracker: TrackerNameSchema,
          id: Type.String({ minLength: 1, maxLength: 200 }),
          /**
           * The change the page offered to undo: a newer one is not undone in its place. A page of the release
           * before names none, and is answered as a stale page (reload it).
           */
          change: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          back: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
      },
    },
    async (request, reply) => {
      context.requireEditor(request);
      const body = request.body as { tracker: 'jira' | 'trello'; id: string; change?: string; back?: string };
      await context.actions.undo(
        { tracker: body.tracker, id: body.id },
        body.change ?? '',
        context.person(request),
      );
      return reply.redirect(returnTo(body.back, PATH, { undone: '1' }), 303);
    },
  );
}
