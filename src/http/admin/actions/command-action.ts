import Type from 'typebox';
import { parseCommands } from '../../../domain/commands/parse-commands.ts';
import { ActorSchema } from '../../../domain/events.ts';
import type { CommentEvent } from '../../../domain/job-requests.ts';
import { HttpError } from '../../errors.ts';
import { ItemInput } from '../schemas.ts';
import { ADMIN_ACTOR, defineAdminAction } from './admin-action.ts';

/** Runs slash commands on an item as if someone had commented them: a `run-commands` job on a synthetic comment. */
export const commandAction = defineAdminAction({
  name: 'command',
  summary: 'Run slash commands on an item as if they were commented (dryRun: plan only, see the audit trail)',
  status: 202,
  body: Type.Object(
    {
      ...ItemInput,
      command: Type.String({
        minLength: 2,
        maxLength: 10_000,
        description: 'Comment text, e.g. "/score impact=4"',
      }),
      dryRun: Type.Optional(Type.Boolean({ default: false })),
      actor: Type.Optional(ActorSchema),
    },
    { additionalProperties: false },
  ),
  response: Type.Object({
    deliveryId: Type.String(),
    jobId: Type.String(),
    item: Type.String(),
    commands: Type.Array(Type.String()),
    dryRun: Type.Boolean(),
  }),
  async run(body, context) {
    const { maxPerComment, prefixes } = context.rules().commands;
    const commands = parseCommands(body.command, maxPerComment, { prefixes, mentions: [] });
    if (commands.length === 0)
      throw new HttpError(400, 'body/command has no slash command at the start of a line');
    const item = await context.resolveItem(body.tracker, body.item);
    const event: CommentEvent = {
      kind: 'comment.created',
      deliveryId: context.requestId,
      tracker: body.tracker,
      actor: body.actor ?? ADMIN_ACTOR,
      occurredAt: context.now().toISOString(),
      item: item.ref,
      container: item.container,
      comment: { id: context.requestId.replace('.', '-'), text: body.command },
    };
    const dryRun = body.dryRun === true || context.config.dryRun;
    const { deliveryId, jobIds } = await context.enqueue([
      {
        name: 'run-commands',
        data: dryRun ? { event, dryRun: true, byOperator: true } : { event, byOperator: true },
      },
    ]);
    return {
      deliveryId,
      jobId: jobIds[0] ?? '',
      item: item.ref.key,
      commands: commands.map((command) => command.name),
      dryRun,
    };
  },
});
