import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { indexItem } from '../capabilities/linking.ts';
import type { JobContext } from '../job-context.ts';

export async function indexItemHandler({ event }: JobDataMap['index-item'], context: JobContext) {
  const result = await indexItem(event.item, context);
  context.log.info({ item: event.item.key, kind: event.kind, ...result }, 'Link index updated');
  return result;
}
