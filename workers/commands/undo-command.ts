import type { AuditEntry } from '../../src/audit/audit-entry.ts';
import { writtenThing } from '../../src/audit/describe-write.ts';
import { changeToUndo, UndoInterrupted, type UndoResult, undoEntries } from '../../src/audit/undo.ts';
import { type Block, bulletList, code, paragraph } from '../../src/domain/doc.ts';
import { asksToWait } from '../../src/errors.ts';
import { AnsweredFailure, type CommandContext, type CommandExecutor } from './command-executor.ts';

function render(change: AuditEntry[], result: UndoResult, dryRun: boolean): Block[] {
  const byId = new Map(change.map((entry) => [entry.id, entry]));
  const restored = result.restored.map((r) => writtenThing(byId.get(r.id)!));
  const failed = result.failed.map((f) => `${writtenThing(byId.get(f.id)!)}: ${f.reason}`);
  const when = change[0] ? ` (${change[0].context.capability}, ${change[0].at})` : '';
  const lead = (verb: string) => paragraph(verb, ` the service's last change${when}:`);
  if (dryRun) return [lead('Dry run: would restore'), bulletList(restored)];
  // Nothing restored: nothing to redo either, and "Restored" over an empty list would say the opposite.
  if (restored.length === 0) return [lead('Could not restore'), bulletList(failed)];
  return [
    lead('Restored'),
    bulletList(restored),
    ...(failed.length > 0 ? [paragraph('Could not restore:'), bulletList(failed)] : []),
    paragraph('Write ', code('/undo'), ' again to redo it.'),
  ];
}

/**
 * An undo the tracker interrupted: retried (the job's backoff, or the queue's pause for Retry-After) while attempts
 * remain, going on where it stopped; on the last attempt, the reply says what was restored and what not, and the
 * job fails. A 429 spends no attempt, so it is always waited out (RATE_LIMIT_GIVE_UP_MS ends it).
 */
function interrupted(
  error: UndoInterrupted,
  change: AuditEntry[],
  context: CommandContext,
  dryRun: boolean,
): never {
  const cause = error.cause as Error;
  const attempt = context.attempt ?? { number: 1, max: 1 };
  if (attempt.number < attempt.max || asksToWait(cause)) throw cause;
  const reason = `${cause.message} (tried ${attempt.max} times)`;
  const result: UndoResult = {
    restored: error.result.restored,
    failed: [
      ...error.result.failed,
      ...error.pending.map((entry) => ({ id: entry.id, operation: entry.operation, reason })),
    ],
  };
  throw new AnsweredFailure(render(change, result, dryRun), cause);
}

/** `/undo`: puts back what the service's last change to this item replaced; the undo is audited in turn. */
export const undoCommand: CommandExecutor = {
  spec: {
    name: 'undo',
    summary: "Undo the service's last change to this item",
    usage: [
      {
        example: '/undo',
        description:
          'Restores the fields, labels, links and own comments the last change replaced; again to redo',
      },
    ],
  },
  edits: () => true,
  async run(_command, context) {
    if (!context.audit) return [paragraph('Undo is not available: this worker keeps no audit trail.')];
    const change = await changeToUndo(context.audit, context.event.item, context.jobId);
    if (change.length === 0)
      return [paragraph('Nothing to undo: no change of the service to this item is on record.')];
    const dryRun = context.dryRun === true;
    try {
      const result = await undoEntries(change, {
        tracker: context.tracker(),
        audit: context.audit,
        dryRun,
        undoneBy: context.jobId,
      });
      return render(change, result, dryRun);
    } catch (error) {
      if (error instanceof UndoInterrupted) interrupted(error, change, context, dryRun);
      throw error;
    }
  },
};
