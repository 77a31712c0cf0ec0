import { linkByHand } from '../capabilities/linking-manual.ts';
import type { CommandExecutor } from './command-executor.ts';

export const linkCommand: CommandExecutor = {
  spec: {
    name: 'link',
    summary: 'Link a support ticket to a backlog item',
    usage: [
      {
        example: '/link APP-12',
        description: 'Links this ticket to the Jira issue (or this item to the ticket)',
      },
      { example: '/link https://trello.com/c/AbCd1234', description: 'The same with a Trello card' },
    ],
  },
  edits: () => true,
  run: (command, context) => linkByHand(context.event.item, command.args, context.event.actor, context),
};
