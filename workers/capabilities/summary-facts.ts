import { ticketEvidence } from '../../src/domain/scoring/evidence.ts';
import type { Evidence } from '../../src/domain/scoring/types.ts';
import { TrackerError } from '../../src/errors.ts';
import { classifyContainer } from '../../src/rules/scope-rules.ts';
import type { TrackerItem } from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';

/**
 * Support tickets resolved through the delivered items: linked items that live in a support container and
 * are done, each with the customer scoring counts it for. A linked item that is gone, or on a tracker this
 * service does not talk to, is left out.
 */
export async function resolvedTickets(
  delivered: readonly TrackerItem[],
  context: JobContext,
): Promise<Record<string, Evidence[]>> {
  const { scope, scoring } = context.rules();
  const seen = new Map<string, TrackerItem | undefined>();
  const read = async (ref: TrackerItem['ref']) => {
    const id = `${ref.tracker}:${ref.id}`;
    if (!seen.has(id)) {
      try {
        seen.set(id, await context.tracker(ref.tracker).getItem(ref));
      } catch (error) {
        if (!(error instanceof TrackerError) || !['notFound', 'forbidden', 'validation'].includes(error.kind))
          throw error;
        seen.set(id, undefined);
      }
    }
    return seen.get(id);
  };
  const result: Record<string, Evidence[]> = {};
  for (const item of delivered) {
    for (const link of item.links) {
      if (link.target.kind !== 'item') continue;
      const ticket = await read(link.target.ref);
      if (ticket?.status.category !== 'done') continue;
      if (classifyContainer(ticket.ref.tracker, ticket.container, scope) !== 'support') continue;
      result[item.ref.id] = [...(result[item.ref.id] ?? []), ticketEvidence(ticket, scoring)];
    }
  }
  return result;
}

/** Priority scores the scoring capability wrote, by item id. */
export function priorityScores(items: readonly TrackerItem[], context: JobContext): Record<string, number> {
  const field = context.rules().scoring.fields.score;
  return Object.fromEntries(
    items.flatMap((item) => {
      const value = item.fields[field];
      return typeof value === 'number' ? [[item.ref.id, value]] : [];
    }),
  );
}
