import type { JobDataMap } from '../../src/domain/job-requests.ts';
import { matchTicket } from '../capabilities/linking-match.ts';
import type { JobContext } from '../job-context.ts';

export async function linkTicketHandler(
  { event, ifReopened }: JobDataMap['link-ticket'],
  context: JobContext,
) {
  const reopenedBy = ifReopened && event.kind === 'item.updated' ? event.changes : undefined;
  const result = await matchTicket(event.item, context, reopenedBy);
  context.log.info({ ticket: event.item.key, ...result }, 'Support ticket matched');
  return result;
}
