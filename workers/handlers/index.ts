import { COMMANDS } from '../commands/index.ts';
import type { JobHandlers } from '../job-context.ts';
import { checkAcceptance } from './check-acceptance.ts';
import { postSprintSummary } from './post-sprint-summary.ts';
import { rescoreScope } from './rescore-scope.ts';
import { createRunCommands } from './run-commands.ts';
import { scoreItemHandler } from './score-item.ts';
import { snapshotSprint } from './snapshot-sprint.ts';

/** Every job name has its handler: `satisfies` makes a missing one a compile error. */
export const HANDLERS = {
  'run-commands': createRunCommands(COMMANDS),
  'check-acceptance': checkAcceptance,
  'snapshot-sprint': snapshotSprint,
  'post-sprint-summary': postSprintSummary,
  'score-item': scoreItemHandler,
  'rescore-scope': rescoreScope,
} satisfies JobHandlers;
