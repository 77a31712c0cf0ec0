import type { ChangedBy } from './tracker.ts';

/** A change of one subject in a tracker's history: when, by the tracker's clock, and who made it. */
export interface HistoryChange {
  at: number;
  by: ChangedBy;
}

/** The doctor fails a clock further off a tracker's than this; within it, the service's own write is found. */
const OWN_WRITE_WINDOW_MS = 5 * 60_000;

/**
 * Who last changed the subject after the service's write that the audit trail dates `since`, given the subject's
 * changes oldest first. The audit dates a write by this machine's clock and the history by the tracker's: seconds
 * apart, comparing the two took the service's own write for a later one, or a person's change right after it for
 * an earlier one. So the write is found in the history (the service's change nearest `since`) and what follows it
 * counts; without it in reach, what the tracker dates after `since`.
 */
export function changedAfterOwnWrite(
  changes: readonly HistoryChange[],
  since: string,
): ChangedBy | undefined {
  const sinceMs = Date.parse(since);
  let own = -1;
  for (const [index, change] of changes.entries()) {
    const distance = Math.abs(change.at - sinceMs);
    if (
      change.by.service &&
      distance <= OWN_WRITE_WINDOW_MS &&
      (own < 0 || distance < Math.abs((changes[own]?.at ?? 0) - sinceMs))
    )
      own = index;
  }
  const after = own < 0 ? changes.filter((change) => change.at > sinceMs) : changes.slice(own + 1);
  return after.at(-1)?.by;
}
