import {
  renderCommandHelp,
  renderHelp,
  renderUnknownCommand,
  resolveCommand,
} from '../../src/domain/commands/command-registry.ts';
import { commandName } from '../../src/domain/commands/parse-commands.ts';
import type { CommandExecutor } from './command-executor.ts';

export function helpCommand(all: () => readonly CommandExecutor[]): CommandExecutor {
  return {
    spec: {
      name: 'help',
      summary: 'List the commands, or explain one',
      usage: [
        { example: '/help', description: 'Lists every command with what it does' },
        { example: '/help score', description: 'What one command is for, and every way to use it' },
      ],
    },
    run: async (command, context) => {
      const specs = all().map((executor) => executor.spec);
      const { prefixes } = context.rules().commands;
      // People write the name as they would the command: `/help score`, `/help /score` or `/help !score`.
      const [word = ''] = command.args.toLowerCase().split(' ');
      // Anything else than a name (too long, markup) gets the list: a reply never repeats what cannot be a command.
      const name = commandName(word.slice(prefixes.find((prefix) => word.startsWith(prefix))?.length ?? 0));
      if (name !== undefined) {
        const resolution = resolveCommand(specs, name);
        return resolution.kind === 'known'
          ? renderCommandHelp(resolution.spec).blocks
          : renderUnknownCommand(name, resolution).blocks;
      }
      return renderHelp(specs, { prefixes, mention: context.selfMentions?.(context.event.tracker)[0] })
        .blocks;
    },
  };
}
