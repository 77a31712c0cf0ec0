import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { notifyResolution } from '../capabilities/linking-resolution.ts';
import type { JobContext } from '../job-context.ts';

export async function notifyResolutionHandler(
  { event }: JobDataMap['notify-resolution'],
  context: JobContext,
) {
  const result = await notifyResolution(event.item, context);
  context.log.info({ item: event.item.key, ...result }, 'Resolution checked');
  return result;
}
