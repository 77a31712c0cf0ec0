import { acCommand } from './ac-command.ts';
import type { CommandExecutor } from './command-executor.ts';
import { helpCommand } from './help-command.ts';
import { scoreCommand } from './score-command.ts';
import { summaryCommand } from './summary-command.ts';

/** Every slash command the service understands; `/help` lists them in this order. */
export const COMMANDS: readonly CommandExecutor[] = [
  helpCommand(() => COMMANDS),
  acCommand,
  scoreCommand,
  summaryCommand,
];
