import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { postTrelloSummary } from '../capabilities/board-summary.ts';
import { jiraBoardView, readModelOf, sprintRecordOf, trelloBoardView } from '../capabilities/read-model.ts';
import { postJiraSummary } from '../capabilities/sprint-summary.ts';
import type { JobContext } from '../job-context.ts';

async function post({ request }: JobDataMap['post-sprint-summary'], context: JobContext) {
  const postedAt = context.now().toISOString();
  if (request.tracker === 'jira') {
    const posted = await postJiraSummary(request.sprintId, context);
    const { sprint } = posted;
    const record = sprintRecordOf(sprint.id, posted.stats, posted.body, postedAt, posted.ref.key);
    await readModelOf(context).sprintPosted(jiraBoardView(sprint.boardId), record, sprint.state === 'active');
    return posted;
  }
  const end = request.end ? new Date(request.end) : context.now();
  const posted = await postTrelloSummary(request.boardId, end, context);
  const id = `${request.boardId}-${posted.window.end.slice(0, 10)}`;
  const record = sprintRecordOf(id, posted.stats, posted.body, postedAt, posted.ref.key);
  await readModelOf(context).sprintPosted(trelloBoardView(request.boardId), record, false);
  return posted;
}

export async function postSprintSummary(data: JobDataMap['post-sprint-summary'], context: JobContext) {
  const posted = await post(data, context);
  const result = {
    tracker: data.request.tracker,
    trigger: data.request.trigger,
    summary: posted.ref.key,
    action: posted.action,
    approximate: posted.stats.notes.length > 0,
  };
  context.log.info(result, 'Sprint summary posted');
  return result;
}
