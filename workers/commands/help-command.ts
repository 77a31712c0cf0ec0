import { renderHelp } from '../../src/domain/commands/command-registry.ts';
import type { CommandExecutor } from './command-executor.ts';

export function helpCommand(all: () => readonly CommandExecutor[]): CommandExecutor {
  return {
    spec: {
      name: 'help',
      summary: 'List the commands',
      usage: [{ example: '/help', description: 'Lists every command with what it does' }],
    },
    run: async (_command, context) =>
      renderHelp(
        all().map((executor) => executor.spec),
        {
          prefixes: context.rules().commands.prefixes,
          mention: context.selfMentions?.(context.event.tracker)[0],
        },
      ).blocks,
  };
}
