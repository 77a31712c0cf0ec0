import { similarNow } from '../capabilities/linking-manual.ts';
import type { CommandExecutor } from './command-executor.ts';

export const similarCommand: CommandExecutor = {
  spec: {
    name: 'similar',
    summary: 'Backlog items that look like this ticket',
    usage: [{ example: '/similar', description: 'Lists the closest backlog items now, with /link lines' }],
  },
  run: (_command, context) => similarNow(context.event.item, context),
};
