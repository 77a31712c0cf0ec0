import { COMMANDS } from '../commands/index.ts';
import type { JobHandlers } from '../job-context.ts';
import { checkAcceptance } from './check-acceptance.ts';
import { rescoreScope } from './rescore-scope.ts';
import { createRunCommands } from './run-commands.ts';
import { scoreItemHandler } from './score-item.ts';

/** Every job name has its handler: `satisfies` makes a missing one a compile error. */
export const HANDLERS = {
  'run-commands': createRunCommands(COMMANDS),
  'check-acceptance': checkAcceptance,
  'score-item': scoreItemHandler,
  'rescore-scope': rescoreScope,
} satisfies JobHandlers;
