import { unlinkByHand } from '../capabilities/linking-manual.ts';
import type { CommandExecutor } from './command-executor.ts';

export const unlinkCommand: CommandExecutor = {
  spec: {
    name: 'unlink',
    summary: 'Remove a link between a support ticket and a backlog item',
    usage: [{ example: '/unlink APP-12', description: 'Removes the link (key, issue URL or card URL)' }],
  },
  edits: () => true,
  run: (command, context) => unlinkByHand(context.event.item, command.args, context.event.actor, context),
};
