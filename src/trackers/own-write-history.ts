import type { ChangedBy, OwnWrite, WrittenValues } from './tracker.ts';

/** A change of one subject in a tracker's history: when, by the tracker's clock, who made it, and what it set. */
export interface HistoryChange {
  at: number;
  by: ChangedBy;
  /** Absent where the history does not say, or says it in terms the audit does not keep. */
  wrote?: WrittenValues;
}

/** The doctor fails a clock further off a tracker's than this; within it, the service's own write is found. */
const OWN_WRITE_WINDOW_MS = 5 * 60_000;

/** Status and list names are matched as the trackers match them, whatever their case. */
const sameValue = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string'
    ? a.trim().toLowerCase() === b.trim().toLowerCase()
    : a === b;

/** A change that may be the write: it set what the write set, or one of the two does not say. */
const mayBe = (change: HistoryChange, own: OwnWrite) =>
  !change.wrote ||
  !own.wrote ||
  (sameValue(change.wrote.from, own.wrote.from) && sameValue(change.wrote.to, own.wrote.to));

/**
 * Who last changed the subject after the service's write `own`, given the subject's changes oldest first. The audit
 * dates a write by this machine's clock and the history by the tracker's: seconds apart, comparing the two took the
 * service's own write for a later one, or a person's change right after it for an earlier one. So the write is found
 * in the history and what follows it counts; without it in reach, what the tracker dates after `own.at`. It is the
 * service's change that set what the audit says it wrote, nearest `own.at`: by time alone, of two writes of the
 * service seconds apart the other one may be nearer.
 */
export function changedAfterOwnWrite(
  changes: readonly HistoryChange[],
  own: OwnWrite,
): ChangedBy | undefined {
  const sinceMs = Date.parse(own.at);
  let found = -1;
  for (const [index, change] of changes.entries()) {
    const distance = Math.abs(change.at - sinceMs);
    if (
      change.by.service &&
      distance <= OWN_WRITE_WINDOW_MS &&
      mayBe(change, own) &&
      (found < 0 || distance < Math.abs((changes[found]?.at ?? 0) - sinceMs))
    )
      found = index;
  }
  const after = found < 0 ? changes.filter((change) => change.at > sinceMs) : changes.slice(found + 1);
  return after.at(-1)?.by;
}
