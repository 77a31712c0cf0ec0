import {
  type Block,
  bulletList,
  code,
  type Doc,
  doc,
  heading,
  type Inline,
  inline,
  italic,
  link,
  orderedList,
  paragraph,
  table,
} from '../doc.ts';
import type { ItemRef } from '../events.ts';
import { plural } from '../scoring/format.ts';
import type { Evidence } from '../scoring/types.ts';
import { dateIn } from './rules.ts';
import type { Destination, Figure, ItemList, ReEstimate, Scope, SprintStats, SummaryItem } from './types.ts';

export function summaryTitle(sprintName: string): string {
  return `${sprintName} summary`;
}

const APPROX = '≈ ';

function figure(f: Figure, text: string): string {
  return `${f.approximate ? APPROX : ''}${text}`;
}

function scope(s: Scope): string {
  const unestimated = s.unestimated ? ` (${s.unestimated} unestimated)` : '';
  const points = s.points ? `, ${plural(s.points.value, 'point')}${unestimated}` : '';
  return figure(s.count, `${plural(s.count.value, 'item')}${points}`);
}

function listCount(list: ItemList): string {
  return figure(
    { value: list.items.length, approximate: list.approximate },
    plural(list.items.length, 'item'),
  );
}

const where = (to: Destination) => (to.kind === 'sprint' ? to.name : 'backlog');

function itemLine(item: SummaryItem, suffix = ''): Inline {
  const points = item.points === undefined ? '' : ` (${plural(item.points, 'point')})`;
  const moved = item.movedTo ? ` → ${where(item.movedTo)}` : '';
  const late = item.addedAfterStart ? ' — added after start' : '';
  return inline(link(item.ref.key, item.url), ` ${item.title}${points}${moved}${late}${suffix}`);
}

/** "(to Sprint 13)", or "(1 to Sprint 13, 2 to the backlog)" when the open items went different ways. */
function destinations(list: ItemList): string {
  const counts = new Map<string, number>();
  for (const { movedTo } of list.items) {
    if (!movedTo) continue;
    const label = movedTo.kind === 'sprint' ? movedTo.name : 'the backlog';
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  if (counts.size === 0) return '';
  if (counts.size === 1) return ` (to ${[...counts.keys()][0]})`;
  return ` (${[...counts].map(([label, count]) => `${count} to ${label}`).join(', ')})`;
}

function ticketRef(ticket: Evidence): Inline {
  return inline(ticket.url ? link(ticket.ticketRef, ticket.url) : code(ticket.ticketRef));
}

function reEstimateLine({ item, from, to }: ReEstimate): Inline {
  const show = (points: number | undefined) => (points === undefined ? 'unestimated' : String(points));
  return inline(link(item.ref.key, item.url), ` ${item.title}: ${show(from)} → ${show(to)}`);
}

function figureRows(stats: SprintStats): string[][] {
  const rows: string[][] = [];
  if (stats.committed) rows.push(['Committed', scope(stats.committed)]);
  rows.push(['Completed', scope(stats.completed)]);
  const rate = stats.completionRate;
  if (rate)
    rows.push([
      'Completion rate',
      figure(rate, `${Math.round(rate.value * 100)}% of committed ${rate.basis}`),
    ]);
  if (stats.completedOutside?.items.length)
    rows.push(['Completed outside the sprint', listCount(stats.completedOutside)]);
  rows.push(['Carried over', `${listCount(stats.carriedOver)}${destinations(stats.carriedOver)}`]);
  rows.push([stats.committed ? 'Added after start' : 'Created in window', listCount(stats.added)]);
  if (stats.committed)
    rows.push(['Removed after start', stats.removed ? listCount(stats.removed) : 'unknown']);
  if (stats.committed) {
    rows.push(['Re-estimated', stats.reEstimated ? plural(stats.reEstimated.length, 'item') : 'unknown']);
  }
  rows.push(['Bugs fixed', listCount(stats.bugsFixed)]);
  const { tickets, customers } = stats.customerImpact;
  const who = customers ? ` (${plural(customers.value, 'customer')})` : '';
  rows.push(['Support tickets resolved', figure(tickets, `${tickets.value}${who}`)]);
  return rows;
}

/** A section: its list of the items shown, then how many it leaves out, so that its lines still add up. */
function section(
  title: string,
  approximate: boolean | undefined,
  list: Block | undefined,
  hidden = 0,
): Block[] {
  if (!list && hidden === 0) return [];
  return [
    heading(3, `${title}${approximate ? ` ${APPROX.trim()}` : ''}`),
    ...(list ? [list] : []),
    ...(hidden > 0 ? [paragraph(plural(hidden, 'restricted item'))] : []),
  ];
}

/** Which items' lines a reader is shown; the figures still count every item. */
type Shows = (item: SummaryItem) => boolean;

/**
 * Who reads a posted summary is everyone who may browse where it goes: an issue behind a security level is seen by
 * its members only, so it is counted but not named.
 */
const everyoneSees: Shows = (item) => !item.restricted;

function items(list: ItemList | undefined): Block | undefined {
  return list && list.items.length > 0 ? bulletList(list.items.map((item) => itemLine(item))) : undefined;
}

/** The summary's lists with only the items `shows` keeps. */
function listsShown(stats: SprintStats, shows: Shows): SprintStats {
  const kept = (list: ItemList): ItemList => ({ ...list, items: list.items.filter(shows) });
  return {
    ...stats,
    done: kept(stats.done),
    ...(stats.completedOutside ? { completedOutside: kept(stats.completedOutside) } : {}),
    carriedOver: kept(stats.carriedOver),
    added: kept(stats.added),
    ...(stats.removed ? { removed: kept(stats.removed) } : {}),
    bugsFixed: kept(stats.bugsFixed),
    topDelivered: stats.topDelivered.filter(shows),
    ...(stats.reEstimated ? { reEstimated: stats.reEstimated.filter(({ item }) => shows(item)) } : {}),
    customerImpact: {
      ...stats.customerImpact,
      items: stats.customerImpact.items.filter(({ item }) => shows(item)),
    },
  };
}

/** Every item whose title the summary lists, once each: what a reader must be allowed to see. */
export function listedItems(stats: SprintStats): ItemRef[] {
  const lists = [
    stats.done,
    stats.completedOutside,
    stats.carriedOver,
    stats.added,
    stats.removed,
    stats.bugsFixed,
  ];
  const listed = [
    ...stats.topDelivered,
    ...lists.flatMap((list) => list?.items ?? []),
    ...(stats.reEstimated ?? []).map(({ item }) => item),
    ...stats.customerImpact.items.map(({ item }) => item),
  ];
  return [...new Map(listed.map(({ ref }) => [`${ref.tracker}:${ref.id}`, ref])).values()];
}

function sections(all: SprintStats, shows: Shows): Block[] {
  const stats = listsShown(all, shows);
  const { topDelivered, reEstimated, customerImpact } = stats;
  const left = (shown: readonly unknown[] | undefined, every: readonly unknown[] | undefined) =>
    (every?.length ?? 0) - (shown?.length ?? 0);
  const listed = (pick: (s: SprintStats) => ItemList | undefined) =>
    [items(pick(stats)), left(pick(stats)?.items, pick(all)?.items)] as const;
  return [
    ...section(
      'Top delivered by priority score',
      false,
      topDelivered.length > 0
        ? orderedList(topDelivered.map((item) => itemLine(item, ` — score ${item.score}`)))
        : undefined,
      left(topDelivered, all.topDelivered),
    ),
    ...section('Completed', stats.done.approximate, ...listed((s) => s.done)),
    ...section('Completed outside the sprint', false, ...listed((s) => s.completedOutside)),
    ...section('Carried over', stats.carriedOver.approximate, ...listed((s) => s.carriedOver)),
    ...section(
      stats.committed ? 'Added after start' : 'Created in window',
      stats.added.approximate,
      ...listed((s) => s.added),
    ),
    ...section('Removed after start', stats.removed?.approximate, ...listed((s) => s.removed)),
    ...section(
      'Re-estimated',
      false,
      reEstimated && reEstimated.length > 0 ? bulletList(reEstimated.map(reEstimateLine)) : undefined,
      left(reEstimated, all.reEstimated),
    ),
    ...section('Bugs fixed', stats.bugsFixed.approximate, ...listed((s) => s.bugsFixed)),
    ...section(
      'Customer impact',
      false,
      customerImpact.items.length > 0
        ? bulletList(
            customerImpact.items.map(({ item, tickets }) =>
              inline(
                itemLine(item),
                ': ',
                ...tickets.flatMap((t, i) => [...(i > 0 ? [', '] : []), ticketRef(t)]),
              ),
            ),
          )
        : undefined,
      left(customerImpact.items, all.customerImpact.items),
    ),
  ];
}

function period(stats: SprintStats, timeZone: string): Block[] {
  const dates = [stats.start, stats.end].map((date) => (date ? dateIn(timeZone, date) : '?')).join(' – ');
  const goal = stats.goal ? [paragraph('Goal: ', stats.goal)] : [];
  return [paragraph(stats.start || stats.end ? dates : 'Dates unknown'), ...goal];
}

/**
 * The sprint summary as a Doc; approximate figures carry "≈" and the notes say why. `shows` keeps the lines of
 * items a reader may not see out of the lists, each list saying how many it leaves out (default: those behind a
 * security level); dates are the team's (`timeZone`, UTC).
 */
export function renderSprintSummary(
  stats: SprintStats,
  options: { title: string; shows?: Shows; timeZone?: string },
): Doc {
  const notes = stats.notes.map((note) => paragraph(italic(`${APPROX}${note}`)));
  return doc(
    heading(2, options.title),
    ...period(stats, options.timeZone ?? 'UTC'),
    table(['Figure', 'Value'], figureRows(stats)),
    ...notes,
    ...sections(stats, options.shows ?? everyoneSees),
  );
}
