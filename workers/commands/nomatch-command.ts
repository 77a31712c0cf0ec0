import { noMatchByHand } from '../capabilities/linking-manual.ts';
import type { CommandExecutor } from './command-executor.ts';

export const noMatchCommand: CommandExecutor = {
  spec: {
    name: 'nomatch',
    summary: 'Say that no suggested backlog item matches this support ticket',
    usage: [
      {
        example: '/nomatch',
        description: "Dismisses this ticket's suggestions (it leaves the console's triage inbox)",
      },
    ],
  },
  edits: () => true,
  run: (_command, context) => noMatchByHand(context.event.item, context.event.actor, context),
};
