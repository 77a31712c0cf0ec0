import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { enforceAcceptance } from '../capabilities/acceptance.ts';
import type { JobContext } from '../job-context.ts';

const GATED_FIELDS = new Set(['status', 'list']);

export async function checkAcceptance({ event }: JobDataMap['check-acceptance'], context: JobContext) {
  const statusChange =
    event.kind === 'item.updated'
      ? event.changes.find((change) => GATED_FIELDS.has(change.field.toLowerCase()))
      : undefined;
  const result = await enforceAcceptance(event.item, context, statusChange);
  context.log.info({ item: event.item.key, ...result }, 'Acceptance criteria checked');
  return { ...result };
}
