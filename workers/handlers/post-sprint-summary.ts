import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { postTrelloSummary } from '../capabilities/board-summary.ts';
import { postJiraSummary } from '../capabilities/sprint-summary.ts';
import type { JobContext } from '../job-context.ts';

export async function postSprintSummary({ request }: JobDataMap['post-sprint-summary'], context: JobContext) {
  const posted =
    request.tracker === 'jira'
      ? await postJiraSummary(request.sprintId, context)
      : await postTrelloSummary(
          request.boardId,
          request.end ? new Date(request.end) : context.now(),
          context,
        );
  const result = {
    tracker: request.tracker,
    trigger: request.trigger,
    summary: posted.ref.key,
    action: posted.action,
    approximate: posted.stats.notes.length > 0,
  };
  context.log.info(result, 'Sprint summary posted');
  return result;
}
