import type { ItemRef } from '../events.ts';
import type { Evidence } from '../scoring/types.ts';

/** A number in the summary, flagged when it was reconstructed rather than observed. */
export interface Figure {
  value: number;
  approximate: boolean;
}

/** Where an open item went when its sprint closed. */
export type Destination = { kind: 'sprint'; name: string } | { kind: 'backlog' };

export interface SummaryItem {
  ref: ItemRef;
  title: string;
  url: string;
  points?: number;
  /** Carried over from a closed Jira sprint: where it went; absent while the sprint is open, and on Trello. */
  movedTo?: Destination;
  /**
   * Removed from, or completed outside, a Jira sprint it joined after the start: Jira's sprint report marks such an
   * issue so.
   */
  addedAfterStart?: true;
  /** Behind a Jira issue security level: counted, never named where everyone reads (TrackerItem.restricted). */
  restricted?: true;
}

export interface ItemList {
  items: SummaryItem[];
  approximate: boolean;
}

export interface ReEstimate {
  item: SummaryItem;
  from?: number;
  to?: number;
}

export interface CustomerImpact {
  item: SummaryItem;
  tickets: Evidence[];
}

export interface ScoredItem extends SummaryItem {
  score: number;
}

/** A count of items with their points; `unestimated`: how many of them the points leave out (none: absent). */
export interface Scope {
  count: Figure;
  points?: Figure;
  unestimated?: number;
}

/** What one Jira sprint or one Trello board window delivered; both render through renderSprintSummary. */
export interface SprintStats {
  name: string;
  start?: string;
  end?: string;
  goal?: string;
  /** Absent for Trello windows: nothing is committed to up front. */
  committed?: Scope;
  completed: Scope;
  /** Share of the committed scope completed (0–1), by points when the scope had estimates. */
  completionRate?: Figure & { basis: 'points' | 'count' };
  done: ItemList;
  /** Jira: done before the sprint started, so neither committed nor completed in it. Absent for Trello windows. */
  completedOutside?: ItemList;
  carriedOver: ItemList;
  added: ItemList;
  /** Absent for Trello windows, and when unknown (no snapshot, none named by the caller). */
  removed?: ItemList;
  /** Absent when estimates at start are unknown (no snapshot). */
  reEstimated?: ReEstimate[];
  bugsFixed: ItemList;
  customerImpact: { tickets: Figure; customers?: Figure; items: CustomerImpact[] };
  /** Highest priority scores among delivered items, best first. */
  topDelivered: ScoredItem[];
  /** Why figures marked approximate are approximate, for the reader. */
  notes: string[];
}
