import type { JobRequest } from '../job-requests.ts';
import type { Planner } from '../plan-jobs.ts';

/** Who asked for a summary: a closed sprint, a schedule, a person (`/summary post`) or the admin API. */
export type SummaryTrigger = 'sprint.closed' | 'schedule' | 'command' | 'admin';

/** Which summary to post. One summary exists per Jira sprint and per Trello board window; re-posting edits it. */
export type SummaryRequest =
  | { tracker: 'jira'; sprintId: string; trigger: SummaryTrigger }
  | {
      tracker: 'trello';
      boardId: string;
      /** End of the window (ISO); absent means "when the job runs" (scheduled runs). */
      end?: string;
      trigger: SummaryTrigger;
    };

/** The job that posts (or edits) a summary; the admin API passes it to its `enqueue`. */
export function summaryJob(request: SummaryRequest): JobRequest {
  return { name: 'post-sprint-summary', data: { request } };
}

/** Snapshots the committed scope when a Jira sprint starts, and summarizes the sprint when it closes. */
export const planSummaries: Planner = (event) => {
  if (event.kind === 'sprint.started') return [{ name: 'snapshot-sprint', data: { event } }];
  if (event.kind === 'sprint.closed') {
    return [
      {
        name: 'post-sprint-summary',
        data: { event, request: { tracker: 'jira', sprintId: event.sprint.id, trigger: 'sprint.closed' } },
      },
    ];
  }
  return [];
};
