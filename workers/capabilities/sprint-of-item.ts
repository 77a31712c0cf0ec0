import type { ItemRef } from '../../src/domain/events.ts';
import { jiraBoardOfProject } from '../../src/domain/sprint-summary/index.ts';
import type { Sprint } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { sprintReader } from './sprint-summary.ts';

/** Why an issue has no one active sprint to summarize, for the reply to say. */
export type NoActiveSprint =
  | { reason: 'none' }
  | { reason: 'future'; sprintName: string }
  | { reason: 'kanban'; boardId: string }
  | { reason: 'several'; boardId: string; sprints: Sprint[] };

/**
 * The active sprint an issue belongs to: the one its Sprint field lists (an issue is in one open sprint at a time;
 * one created into a sprint has no Sprint-field change to name it), else the active sprint of the board the rules
 * map its project to; with parallel sprints on that board none of them is the issue's. The port reads no board
 * of a project directly.
 */
export async function activeSprintOf(
  ref: ItemRef,
  projectKey: string,
  context: JobContext,
): Promise<Sprint | NoActiveSprint> {
  const reader = sprintReader(context.tracker('jira'));
  const item = await context.tracker('jira').getItem(ref);
  const active = item.sprints?.find((sprint) => sprint.state === 'active');
  if (active) return reader.getSprint(active.id);
  const future = item.sprints?.find((sprint) => sprint.state === 'future');
  const none: NoActiveSprint = future ? { reason: 'future', sprintName: future.name } : { reason: 'none' };
  const boardId = jiraBoardOfProject(context.rules().summaries, projectKey);
  if (!boardId) return none;
  const sprints = await reader.getActiveSprints(boardId);
  if (!sprints) return { reason: 'kanban', boardId };
  if (sprints.length > 1) return { reason: 'several', boardId, sprints };
  return sprints[0] ?? none;
}
