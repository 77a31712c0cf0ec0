import { refusedAuthor } from '../../src/domain/commands/command-authors.ts';
import { renderUnknownCommand, resolveCommand } from '../../src/domain/commands/command-registry.ts';
import {
  COMMAND_RESULTS_TTL_SECONDS,
  type DeclineReason,
  editOfExpiredComment,
} from '../../src/domain/commands/command-results.ts';
import { type ParsedCommand, parseCommands } from '../../src/domain/commands/parse-commands.ts';
import { type Block, bold, code, doc, heading, paragraph } from '../../src/domain/doc.ts';
import type { TrackerName } from '../../src/domain/events.ts';
import type { CommentEvent, JobDataMap } from '../../src/domain/job-requests.ts';
import { type ErrorKind, TrackerError } from '../../src/errors.ts';
import type { Rules } from '../../src/rules/rules-schema.ts';
import { AnsweredFailure, type CommandContext, type CommandExecutor } from '../commands/command-executor.ts';
import { commenterPermissions, OPERATOR, type Permissions } from '../commands/permissions.ts';
import type { JobContext } from '../job-context.ts';

/** The right a command that writes on the item needs, as each tracker names it. */
const EDIT_RIGHT: Record<TrackerName, string> = {
  jira: 'Jira: the Edit Issues permission',
  trello: 'Trello: board member, not observer',
};

const cannotEdit = (tracker: TrackerName) =>
  paragraph(
    `Nothing changed: you cannot edit this item (${EDIT_RIGHT[tracker]}), so the service does not change it for you.`,
  );

/**
 * What a tracker answers when it will not do what was asked, however often asked: the service account's rights, a
 * field off the screen, an item deleted meanwhile. Outages and rate limits are retried instead.
 */
const REFUSALS: ReadonlySet<ErrorKind> = new Set([
  'forbidden',
  'notFound',
  'deleted',
  'validation',
  'conflict',
]);

async function runOne(
  executor: CommandExecutor,
  command: ParsedCommand,
  context: CommandContext,
): Promise<Block[]> {
  if (executor.edits?.(command, context.event.tracker)) {
    const { item } = context.event;
    if (!(await context.permissions.permitted([item], 'edit')).has(item.id)) {
      context.metrics?.commandsDeclined(item.tracker, 'no_edit_right', 1);
      return [cannotEdit(item.tracker)];
    }
  }
  try {
    return await executor.run(command, context);
  } catch (error) {
    // Failing the job would leave the person with no reply at all, and drop the comment's other commands.
    if (!(error instanceof TrackerError) || !REFUSALS.has(error.kind)) throw error;
    context.log.warn(
      { command: command.name, tracker: error.tracker, kind: error.kind, err: { message: error.message } },
      'Command refused by the tracker',
    );
    return [paragraph(bold('Not done:'), ` the tracker refused it. ${error.message}.`)];
  }
}

/**
 * Why a comment's commands get no action and no reply, when its author is a stranger to the card's board. Trello
 * lets anyone with an account comment on a public board whose comments are public; answering them would let
 * strangers make the service write on the team's board. The Trello adapter lets browse a board's cards exactly the
 * board's people (observers too) and, where its comments are "org", its Workspace's members, so that check tells. A
 * Jira commenter may always browse the issue they comment on.
 */
async function notOnBoard(event: CommentEvent, permissions: Permissions): Promise<string | undefined> {
  if (event.tracker !== 'trello') return undefined;
  const { item, actor } = event;
  if ((await permissions.permitted([item], 'browse')).has(item.id)) return undefined;
  return `commands by ${actor.displayName} (${actor.id}) not run: not a member of the board`;
}

/** Why none of a comment's commands run for its author, if so: the job's `skipped` text and the counted reason. */
async function declined(
  event: CommentEvent,
  rules: Rules['commands'],
  permissions: Permissions,
): Promise<{ reason: DeclineReason; skipped: string } | undefined> {
  if (editOfExpiredComment(event))
    return {
      reason: 'old_comment_edit',
      skipped:
        'commands not run: an edit of a comment written more than 90 days before it (no record says which already ran)',
    };
  const app = refusedAuthor(event.actor, rules);
  if (app) return { reason: 'app_account', skipped: app };
  const stranger = await notOnBoard(event, permissions);
  return stranger ? { reason: 'not_board_member', skipped: stranger } : undefined;
}

/**
 * Runs the commands of a comment and answers with one reply per comment, edited in place. Results are kept
 * per command fingerprint, so editing the comment runs only the commands it adds, and the reply still shows
 * the earlier results.
 */
export function createRunCommands(commands: readonly CommandExecutor[]) {
  return async (
    { event, byOperator }: JobDataMap['run-commands'],
    context: JobContext,
  ): Promise<Record<string, unknown>> => {
    if (event.actor.id === context.selfId(event.tracker)) return { skipped: 'own comment' };
    const rules = context.rules().commands;
    const { maxPerComment, prefixes } = rules;
    // One more than may run, so the reply can say that the rest did not.
    const found = parseCommands(event.comment.text, maxPerComment + 1, {
      prefixes,
      mentions: context.selfMentions?.(event.tracker) ?? [],
      names: commands.map((c) => c.spec.name),
    });
    const parsed = found.slice(0, maxPerComment);
    const permissions = byOperator ? OPERATOR : commenterPermissions(context, event.tracker, event.actor);
    const refusal = await declined(event, rules, permissions);
    if (refusal) {
      context.metrics?.commandsDeclined(event.tracker, refusal.reason, parsed.length);
      context.log.info(
        { item: event.item.key, comment: event.comment.id, actor: event.actor.id, reason: refusal.reason },
        refusal.skipped,
      );
      return { skipped: refusal.skipped };
    }
    const resultsKey = `${context.keyPrefix}:commands:${event.tracker}:${event.item.id}:${event.comment.id}`;
    const stored = await context.redis.hgetall(resultsKey);
    // A result stands for the comment's current text only: a command an edit removed and a later edit brings back
    // ("impact=4", then 5, then 4 again) is new again, else the reply would repeat a change the item no longer has.
    const removed = Object.keys(stored).filter((key) => !parsed.some((c) => c.fingerprint === key));
    if (removed.length > 0) await context.redis.hdel(resultsKey, ...removed);
    const commandContext: CommandContext = {
      ...context,
      event,
      tracker: (name = event.tracker) => context.tracker(name),
      permissions,
    };
    const ran: string[] = [];
    const sections: Block[] = [];
    let failure: AnsweredFailure | undefined;
    const answered = (error: unknown): AnsweredFailure => {
      if (error instanceof AnsweredFailure) return error;
      throw error;
    };
    for (const command of parsed) {
      let blocks = stored[command.fingerprint]
        ? (JSON.parse(stored[command.fingerprint]!) as Block[])
        : undefined;
      if (!blocks) {
        const resolution = resolveCommand(
          commands.map((c) => c.spec),
          command.name,
        );
        const executor =
          resolution.kind === 'known' ? commands.find((c) => c.spec.name === command.name) : undefined;
        const answer = executor
          ? await runOne(executor, command, commandContext).catch(answered)
          : renderUnknownCommand(
              command.name,
              resolution.kind === 'unknown' ? resolution : { kind: 'unknown' },
            ).blocks;
        if (answer instanceof AnsweredFailure) {
          // Not kept as the command's result: a retry of the failed job runs it again, and the reply follows.
          failure = answer;
          blocks = answer.blocks;
        } else {
          blocks = answer;
          await context.redis.hset(resultsKey, command.fingerprint, JSON.stringify(blocks));
          await context.redis.expire(resultsKey, COMMAND_RESULTS_TTL_SECONDS);
        }
        ran.push(command.fingerprint);
      }
      sections.push(heading(3, code(`/${command.name}${command.args ? ` ${command.args}` : ''}`)), ...blocks);
    }
    if (sections.length === 0) return { ran };
    if (found.length > parsed.length)
      sections.push(
        paragraph(
          `Only the first ${maxPerComment} commands of a comment run (commands.maxPerComment in the rules): `,
          'write the others in another comment.',
        ),
      );
    const reply = doc(paragraph(`Reply to ${event.actor.displayName}:`), ...sections);
    // A comment restricted to a group or role is answered for its readers only: the reply repeats its commands.
    const { visibility } = event.comment;
    const outcome = await context
      .tracker(event.tracker)
      .upsertComment(event.item, `reply-${event.comment.id}`, reply, visibility && { visibility });
    context.log.info({ item: event.item.key, ran, reply: outcome.action }, 'Commands answered');
    // Answered, and still a failed job: what the person was told did not all happen.
    if (failure) throw failure.cause;
    return { ran, reply: outcome.action };
  };
}
