import { acCommand } from './ac-command.ts';
import type { CommandExecutor } from './command-executor.ts';
import { helpCommand } from './help-command.ts';
import { linkCommand } from './link-command.ts';
import { noMatchCommand } from './nomatch-command.ts';
import { scoreCommand } from './score-command.ts';
import { similarCommand } from './similar-command.ts';
import { summaryCommand } from './summary-command.ts';
import { undoCommand } from './undo-command.ts';
import { unlinkCommand } from './unlink-command.ts';

/** Every slash command the service understands; `/help` lists them in this order. */
export const COMMANDS: readonly CommandExecutor[] = [
  helpCommand(() => COMMANDS),
  acCommand,
  scoreCommand,
  linkCommand,
  unlinkCommand,
  noMatchCommand,
  similarCommand,
  summaryCommand,
  undoCommand,
];
