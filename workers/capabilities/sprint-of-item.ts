import type { ItemRef } from '../../src/domain/events.ts';
import { jiraBoardOfProject } from '../../src/domain/sprint-summary/index.ts';
import type { Sprint } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { sprintReader } from './sprint-summary.ts';

/**
 * The active sprint an issue belongs to: the one its Sprint field lists (an issue is in one open sprint at a time;
 * one created into a sprint has no Sprint-field change to name it), else the active sprint of the board the rules
 * map its project to. The port reads no board of a project directly.
 */
export async function activeSprintOf(
  ref: ItemRef,
  projectKey: string,
  context: JobContext,
): Promise<Sprint | undefined> {
  const reader = sprintReader(context.tracker('jira'));
  const item = await context.tracker('jira').getItem(ref);
  const active = item.sprints?.find((sprint) => sprint.state === 'active');
  if (active) return reader.getSprint(active.id);
  const boardId = jiraBoardOfProject(context.rules().summaries, projectKey);
  return boardId ? reader.getActiveSprint(boardId) : undefined;
}
