import type { TrackerItem } from '../../trackers/tracker.ts';
import type { ItemRef } from '../events.ts';
import { customersOf } from '../scoring/evidence.ts';
import { distinctEvidence } from '../scoring/reach.ts';
import type { Evidence } from '../scoring/types.ts';
import type { CustomerImpact, Figure, Scope, ScoredItem, SprintStats, SummaryItem } from './types.ts';

const TOP_DELIVERED = 5;

export const exact = (value: number): Figure => ({ value, approximate: false });

export function summaryItem(
  item: { ref: ItemRef; title: string; url: string; restricted?: true | undefined },
  points: number | null | undefined,
): SummaryItem {
  return {
    ref: item.ref,
    title: item.title,
    url: item.url,
    ...(points != null ? { points } : {}),
    ...(item.restricted ? { restricted: true } : {}),
  };
}

/** Sum of known points; undefined when no item has an estimate, so "0 points" never means "not estimated". */
export function sumPoints(items: readonly SummaryItem[]): number | undefined {
  const known = items.flatMap((item) => (item.points === undefined ? [] : [item.points]));
  return known.length === 0 ? undefined : known.reduce((sum, points) => sum + points, 0);
}

/**
 * Items and their points. Points exist once one item has an estimate; the items without one are then counted
 * apart, as Jira's sprint report shows them with "-" rather than folding them into the total.
 */
export function scopeOf(items: readonly SummaryItem[], approximate: boolean): Scope {
  const points = sumPoints(items);
  const unestimated = items.filter((item) => item.points === undefined).length;
  return {
    count: { value: items.length, approximate },
    ...(points !== undefined && { points: { value: points, approximate } }),
    ...(points !== undefined && unestimated > 0 && { unestimated }),
  };
}

/** A resolution's name as people type it: Won’t Do, won't do and Wont Do are one. */
const resolutionKey = (name: string): string => name.trim().toLowerCase().replace(/['’]/g, '');

/**
 * Whether a linked ticket was resolved by the end of the window (a sprint's close; none while it runs): by its
 * resolution's date, else when its status last reached Done's category (a Trello card: when it last entered a done
 * list or was archived, read from its actions); a ticket with neither date by where it is now. One resolved before the sprint counts: the item the sprint delivered is what its customer waited for.
 * One resolved after the close does not, so a re-run gives the same count; one resolved as one of `notResolved`
 * (the rules' Won't Do, Duplicate…) was not resolved for its customer.
 */
export function resolvedBy(
  ticket: TrackerItem,
  end: string | undefined,
  notResolved: readonly string[],
): boolean {
  const resolution = ticket.resolution && resolutionKey(ticket.resolution.name);
  if (ticket.status.category !== 'done' || notResolved.some((name) => resolutionKey(name) === resolution))
    return false;
  const at = Date.parse(ticket.resolution?.at ?? ticket.status.categorySince ?? '');
  return Number.isNaN(at) || end === undefined || at <= Date.parse(end);
}

/** Support tickets resolved through delivered items; a ticket linked to two items counts once. */
export function customerImpact(
  done: readonly SummaryItem[],
  ticketsByItem: Readonly<Record<string, readonly Evidence[]>>,
): SprintStats['customerImpact'] {
  const items: CustomerImpact[] = done.flatMap((item) => {
    const tickets = distinctEvidence(ticketsByItem[item.ref.id] ?? []);
    return tickets.length > 0 ? [{ item, tickets }] : [];
  });
  const tickets = distinctEvidence(items.flatMap((entry) => entry.tickets));
  const customers = new Set(tickets.flatMap(customersOf));
  return {
    tickets: exact(tickets.length),
    ...(customers.size > 0 ? { customers: exact(customers.size) } : {}),
    items,
  };
}

export function topDelivered(
  done: readonly SummaryItem[],
  scores: Readonly<Record<string, number>>,
): ScoredItem[] {
  return done
    .flatMap((item) => {
      const score = scores[item.ref.id];
      return score === undefined ? [] : [{ ...item, score }];
    })
    .sort((a, b) => b.score - a.score || a.ref.key.localeCompare(b.ref.key))
    .slice(0, TOP_DELIVERED);
}
