import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { snapshotSprint as snapshot } from '../capabilities/sprint-summary.ts';
import type { JobContext } from '../job-context.ts';

export async function snapshotSprint({ event }: JobDataMap['snapshot-sprint'], context: JobContext) {
  const result = await snapshot(event.sprint.id, context);
  context.log.info({ sprintId: event.sprint.id, ...result }, 'Sprint scope snapshot');
  return result;
}
