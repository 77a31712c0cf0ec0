import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { learnLink } from '../capabilities/linking-match.ts';
import type { JobContext } from '../job-context.ts';

export async function learnLinkHandler({ event }: JobDataMap['learn-link'], context: JobContext) {
  const result = await learnLink(event, context);
  context.log.info(
    { item: event.item.key, target: event.target.key, kind: event.kind, ...result },
    'Link words',
  );
  return result;
}
