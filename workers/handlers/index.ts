import { COMMANDS } from '../commands/index.ts';
import type { JobHandlers } from '../job-context.ts';
import { checkAcceptance } from './check-acceptance.ts';
import { createRunCommands } from './run-commands.ts';

/** Every job name has its handler: `satisfies` makes a missing one a compile error. */
export const HANDLERS = {
  'run-commands': createRunCommands(COMMANDS),
  'check-acceptance': checkAcceptance,
} satisfies JobHandlers;
