import Type from 'typebox';
import { catchUpRequest } from '../../../domain/catch-up.ts';
import { TrackerNameSchema } from '../../../domain/events.ts';
import type { JobRequest } from '../../../domain/job-requests.ts';
import { backfillIndexRequest } from '../../../domain/linking-plan/plan-linking.ts';
import { rescoreScopeRequest } from '../../../domain/scoring/plan-scoring.ts';
import { summaryJob } from '../../../domain/sprint-summary/plan-summaries.ts';
import { HttpError } from '../../errors.ts';
import { ADMIN_ACTOR, type AdminActionContext, defineAdminAction } from './admin-action.ts';

const Enqueued = Type.Object({ deliveryId: Type.String(), jobId: Type.String() });
const DryRun = Type.Optional(
  Type.Boolean({ description: 'Preview: count and audit what would be written, write nothing' }),
);

/** Each capability action is one job; the answer names it, so its progress can be followed. */
async function enqueueOne(context: AdminActionContext, request: JobRequest) {
  const { deliveryId, jobIds } = await context.enqueue([request]);
  return { deliveryId, jobId: jobIds[0] ?? '' };
}

/** Re-scores a project, board or JQL query as one job with progress (see GET /admin/jobs/:id). */
export const rescoreAction = defineAdminAction({
  name: 'rescore',
  summary: 'Re-score every item of a Jira project, a Trello board, or a JQL query (one job with progress)',
  status: 202,
  body: Type.Object(
    {
      tracker: TrackerNameSchema,
      container: Type.Optional(
        Type.String({ minLength: 1, description: 'Jira project key or Trello board id' }),
      ),
      jql: Type.Optional(Type.String({ minLength: 1, maxLength: 2_000, description: 'Jira only' })),
      force: Type.Optional(Type.Boolean({ description: 'Rewrite even where the score did not change' })),
      quiet: Type.Optional(
        Type.Boolean({
          description:
            'Write the score fields only, no scorecard comment (Jira mails every watcher about a comment)',
        }),
      ),
      dryRun: DryRun,
    },
    { additionalProperties: false },
  ),
  response: Enqueued,
  async run(body, context) {
    const scope = body.jql
      ? ({ kind: 'query', query: body.jql } as const)
      : body.container
        ? ({ kind: 'container', containerId: body.container } as const)
        : undefined;
    if (!scope) throw new HttpError(400, 'body needs container (project key or board id) or jql');
    return enqueueOne(
      context,
      rescoreScopeRequest({
        tracker: body.tracker,
        scope,
        requestedBy: ADMIN_ACTOR,
        force: body.force,
        quiet: body.quiet,
        dryRun: body.dryRun,
      }),
    );
  },
});

/** Fills the ticket-linking index from the trackers (first install, or after lost webhooks). */
export const backfillIndexAction = defineAdminAction({
  name: 'backfill-index',
  summary:
    'Fill the link index with the backlog items of Jira projects and Trello boards (one job with progress)',
  status: 202,
  body: Type.Object(
    {
      targets: Type.Array(
        Type.Object(
          { tracker: TrackerNameSchema, containerId: Type.String({ minLength: 1 }) },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 100 },
      ),
    },
    { additionalProperties: false },
  ),
  response: Enqueued,
  async run(body, context) {
    return enqueueOne(context, backfillIndexRequest({ targets: body.targets, requestedBy: ADMIN_ACTOR }));
  },
});

/** Posts (or edits) a sprint summary now: a Jira sprint, or a Trello board's window ending now or at `end`. */
export const sprintSummaryAction = defineAdminAction({
  name: 'sprint-summary',
  summary: 'Post or update the summary of a Jira sprint or of a Trello board window',
  status: 202,
  body: Type.Union([
    Type.Object(
      { tracker: Type.Literal('jira'), sprintId: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        tracker: Type.Literal('trello'),
        boardId: Type.String({ minLength: 1 }),
        end: Type.Optional(Type.String({ format: 'date-time' })),
      },
      { additionalProperties: false },
    ),
  ]),
  response: Enqueued,
  async run(body, context) {
    const request =
      body.tracker === 'jira'
        ? { tracker: 'jira' as const, sprintId: body.sprintId, trigger: 'admin' as const }
        : { tracker: 'trello' as const, boardId: body.boardId, end: body.end, trigger: 'admin' as const };
    return enqueueOne(context, summaryJob(request));
  },
});

/** Runs what lost webhooks would have caused, for the items of a project or board changed since a time. */
export const catchUpAction = defineAdminAction({
  name: 'catch-up',
  summary:
    'After webhooks were lost (an outage longer than the trackers retry), re-check, re-score and re-link every item of a Jira project or Trello board changed since a time (one job with progress)',
  status: 202,
  body: Type.Object(
    {
      tracker: TrackerNameSchema,
      container: Type.String({ minLength: 1, description: 'Jira project key or Trello board id' }),
      since: Type.String({ format: 'date-time', description: 'Start of the outage (ISO 8601)' }),
      dryRun: DryRun,
    },
    { additionalProperties: false },
  ),
  response: Enqueued,
  async run(body, context) {
    if (Date.parse(body.since) > Date.now()) throw new HttpError(400, 'since is in the future');
    return enqueueOne(
      context,
      catchUpRequest({
        tracker: body.tracker,
        containerId: body.container,
        since: new Date(body.since).toISOString(),
        requestedBy: ADMIN_ACTOR,
        dryRun: body.dryRun,
      }),
    );
  },
});
