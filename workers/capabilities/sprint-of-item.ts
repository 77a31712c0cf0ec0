import type { ItemRef } from '../../src/domain/events.ts';
import { jiraBoardOfProject } from '../../src/domain/sprint-summary/index.ts';
import type { Sprint } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { sprintReader } from './sprint-summary.ts';

/**
 * The active sprint an issue belongs to: the sprints its Sprint-field history names (newest first), else the
 * active sprint of the board the rules map its project to. The port reads no board of a project directly.
 */
export async function activeSprintOf(
  ref: ItemRef,
  projectKey: string,
  context: JobContext,
): Promise<Sprint | undefined> {
  const reader = sprintReader(context.tracker('jira'));
  const history = await reader.getSprintHistory(ref);
  const named = [...new Set(history.flatMap((change) => change.to).reverse())];
  for (const id of named.filter((value) => /^\d+$/.test(value))) {
    const sprint = await reader.getSprint(id);
    if (sprint.state === 'active') return sprint;
  }
  const boardId = jiraBoardOfProject(context.rules().summaries, projectKey);
  return boardId ? reader.getActiveSprint(boardId) : undefined;
}
