import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { indexItemAndTickets } from '../capabilities/linking-match.ts';
import type { JobContext } from '../job-context.ts';

export async function indexItemHandler({ event }: JobDataMap['index-item'], context: JobContext) {
  const result = await indexItemAndTickets(event.item, context);
  context.log.info({ item: event.item.key, kind: event.kind, ...result }, 'Link index updated');
  return result;
}
