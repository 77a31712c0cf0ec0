import type { AuditEntry } from '../../src/audit/audit-entry.ts';
import { findLastChange, type UndoResult, undoEntries } from '../../src/audit/undo.ts';
import { type Block, bulletList, code, paragraph } from '../../src/domain/doc.ts';
import type { LinkTarget } from '../../src/trackers/tracker.ts';
import type { CommandExecutor } from './command-executor.ts';

function describe(entry: AuditEntry): string {
  const { target, before } = entry;
  switch (entry.operation) {
    case 'setNumberFields':
      return `fields ${Object.keys(before as Record<string, unknown>).join(', ')}`;
    case 'setLabel':
      return `label ${String(target.label)}`;
    case 'addLink':
    case 'removeLink':
      return `link to ${(target.link as LinkTarget).title}`;
    case 'upsertComment':
    case 'deleteOwnComment':
      return `comment (${String(target.purpose)})`;
    case 'moveTo':
      return `status (back to ${String(before)})`;
    case 'setDescription':
      return 'description';
    default:
      return entry.operation;
  }
}

function render(change: AuditEntry[], result: UndoResult, dryRun: boolean): Block[] {
  const byId = new Map(change.map((entry) => [entry.id, entry]));
  const restored = result.restored.map((r) => describe(byId.get(r.id)!));
  const failed = result.failed.map((f) => `${describe(byId.get(f.id)!)}: ${f.reason}`);
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
    const change = await findLastChange(context.audit, context.event.item);
    if (change.length === 0)
      return [paragraph('Nothing to undo: no change of the service to this item is on record.')];
    const dryRun = context.dryRun === true;
    const result = await undoEntries(change, {
      tracker: context.tracker(),
      audit: context.audit,
      dryRun,
      undoneBy: context.jobId,
    });
    return render(change, result, dryRun);
  },
};
