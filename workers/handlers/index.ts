import { COMMANDS } from '../commands/index.ts';
import type { JobHandlers } from '../job-context.ts';
import { backfillIndex } from './backfill-index.ts';
import { createCatchUp } from './catch-up.ts';
import { checkAcceptance, checkChecklist } from './check-acceptance.ts';
import { indexItemHandler } from './index-item.ts';
import { learnLinkHandler } from './learn-link.ts';
import { linkTicketHandler } from './link-ticket.ts';
import { notifyResolutionHandler } from './notify-resolution.ts';
import { postSprintSummary } from './post-sprint-summary.ts';
import { reconcileRemoteLinks } from './reconcile-remote-links.ts';
import { rescoreScope } from './rescore-scope.ts';
import { createRunCommands } from './run-commands.ts';
import { scoreItemHandler } from './score-item.ts';
import { snapshotSprint } from './snapshot-sprint.ts';
import { unplannedDelivery } from './unplanned-delivery.ts';

/** Every job name has its handler: the type makes a missing one a compile error. */
export const HANDLERS: JobHandlers = {
  'run-commands': createRunCommands(COMMANDS),
  'check-acceptance': checkAcceptance,
  'check-checklist': checkChecklist,
  'snapshot-sprint': snapshotSprint,
  'post-sprint-summary': postSprintSummary,
  'score-item': scoreItemHandler,
  'rescore-scope': rescoreScope,
  'index-item': indexItemHandler,
  'link-ticket': linkTicketHandler,
  'notify-resolution': notifyResolutionHandler,
  'learn-link': learnLinkHandler,
  'backfill-index': backfillIndex,
  'catch-up': createCatchUp(() => HANDLERS),
  'reconcile-remote-links': reconcileRemoteLinks,
  'unplanned-delivery': unplannedDelivery,
};
