import type { CommandSpec } from '../../src/domain/commands/command-registry.ts';
import type { ParsedCommand } from '../../src/domain/commands/parse-commands.ts';
import type { Block } from '../../src/domain/doc.ts';
import type { TrackerName } from '../../src/domain/events.ts';
import type { CommentEvent } from '../../src/domain/job-requests.ts';
import type { Tracker } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import type { Permissions } from './permissions.ts';

export interface CommandContext extends JobContext {
  event: CommentEvent;
  tracker(name?: CommentEvent['tracker']): Tracker;
  /** What the commenter may see and change: a command never acts beyond it. */
  permissions: Permissions;
}

/**
 * A command's last attempt failed, and its reply says so (what it did, what it could not): the reply is posted, then
 * the job fails with `cause`, so an operator sees it too.
 */
export class AnsweredFailure extends Error {
  readonly blocks: Block[];
  constructor(blocks: Block[], cause: Error) {
    super(cause.message, { cause });
    this.name = 'AnsweredFailure';
    this.blocks = blocks;
  }
}

/** A slash command: its help, and what it does. Its reply is a few blocks of the comment the service answers with. */
export interface CommandExecutor {
  spec: CommandSpec;
  /**
   * Whether this use changes the item commented on (its fields, description, links, or what is suggested for it)
   * or writes to the tracker in the team's name (a summary posted), so the commenter needs edit permission on it:
   * someone who may only comment (a Service Management customer, a Trello observer) asks, and does not change.
   */
  edits?(command: ParsedCommand, tracker: TrackerName): boolean;
  run(command: ParsedCommand, context: CommandContext): Promise<Block[]>;
}
