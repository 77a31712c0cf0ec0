import type { Doc } from '../../src/domain/doc.ts';
import {
  dateIn,
  renderSprintSummary,
  type SprintStats,
  summarizeBoardWindow,
  summaryTitle,
  type TrelloBoardSummary,
  trelloBoardSummary,
  valueAt,
} from '../../src/domain/sprint-summary/index.ts';
import { isAbsent, TrackerError } from '../../src/errors.ts';
import type {
  BoardActivityReader,
  CardChangesSince,
  EstimateChange,
  Tracker,
  TrackerItem,
} from '../../src/trackers/tracker.ts';
import type { JobContext } from '../job-context.ts';
import { priorityScores, resolvedTickets } from './summary-facts.ts';
import { type Published, publishSummary, type SummaryDestination } from './summary-publish.ts';

const DAY_MS = 86_400_000;

function activityOf(tracker: Tracker): BoardActivityReader {
  if (!tracker.boardActivity)
    throw new TrackerError('validation', tracker.name, `${tracker.name} has no board activity`);
  return tracker.boardActivity;
}

/** A board's rules by id, or by the shortLink a person may have written in the rules file instead. */
export function boardRules(context: JobContext, board: { id: string; key?: string }): TrelloBoardSummary {
  const { summaries } = context.rules();
  const listed =
    summaries.trello.boards[board.id] ?? (board.key ? summaries.trello.boards[board.key] : undefined);
  return listed ?? trelloBoardSummary(summaries, board.id);
}

/**
 * Every open card of the board in a few paged requests (the Trello rate limit is shared with every other
 * capability), then the few moved or created cards that are no longer open on it.
 */
async function readCards(
  tracker: Tracker,
  boardId: string,
  skipList: string | undefined,
  refs: readonly TrackerItem['ref'][],
): Promise<Map<string, TrackerItem>> {
  const cards = new Map<string, TrackerItem>();
  let cursor: string | undefined;
  do {
    const page = await tracker.listItems({ kind: 'container', containerId: boardId }, cursor);
    for (const card of page.items) {
      if (card.container.listName?.trim().toLowerCase() !== skipList) cards.set(card.ref.id, card);
    }
    cursor = page.next;
  } while (cursor);
  for (const ref of refs) {
    if (cards.has(ref.id)) continue;
    try {
      cards.set(ref.id, await tracker.getItem(ref));
    } catch (error) {
      if (!(error instanceof TrackerError && isAbsent(error.kind))) throw error;
    }
  }
  return cards;
}

/**
 * The card with the story points it had at `at`, from its changes since (none: it has them still). Read on another
 * board, a card shows that board's custom fields: its points on this one are those its last change set.
 */
function sizedAt(
  card: TrackerItem,
  boardId: string,
  estimates: readonly EstimateChange[],
  at: string,
): TrackerItem {
  const now = onBoard(card, boardId) ? card.estimate.storyPoints : estimates.at(-1)?.to;
  const storyPoints = valueAt(estimates, at, now);
  return { ...card, estimate: storyPoints === undefined ? {} : { storyPoints } };
}

const onBoard = (card: TrackerItem, boardId: string) =>
  card.container.id === boardId || card.container.key === boardId;

/**
 * The card as it stood open on the board at `end`: sized then, in the list it was in then (a card that left since
 * was in the list it left from, unless it moved on the board before leaving).
 */
function standingAt(
  card: TrackerItem,
  boardId: string,
  estimates: readonly EstimateChange[],
  lists: CardChangesSince['lists'],
  end: string,
): TrackerItem {
  const { archived: _archived, ...open } = sizedAt(card, boardId, estimates, end);
  const listName = valueAt(lists, end, card.container.listName);
  return {
    ...open,
    container: {
      ...(onBoard(card, boardId) ? card.container : { id: boardId, key: boardId }),
      ...(listName !== undefined && { listName }),
    },
  };
}

/**
 * The cards that left the board after the end from one of `lists` (by name, lower case), where they were at the
 * end: the board's open cards no longer hold them.
 */
function leftSince(
  since: ReadonlyMap<string, CardChangesSince>,
  lists: ReadonlySet<string>,
  end: string,
): TrackerItem['ref'][] {
  return [...since.values()].flatMap((changes) => {
    const list = changes.left ? valueAt(changes.lists, end, undefined) : undefined;
    return list !== undefined && lists.has(list.trim().toLowerCase()) ? [changes.card] : [];
  });
}

/**
 * Each card as it stood at the window's end, so that a summary re-run long after gives the window's figures: one
 * re-sized or moved between the board's lists since (one paged read of the board's actions after the end) has the
 * points and list it had then. One off the board now, or brought back to it since, has its own actions read
 * instead (one request per such card), which tell when it left: sized as it was then if by the end, else standing
 * as it stood at the end (its story points here changed only here). Says which cards were off the board at the
 * end, whatever list they are in now.
 */
async function asAtEnd(
  tracker: Tracker,
  boardId: string,
  cards: Map<string, TrackerItem>,
  since: ReadonlyMap<string, CardChangesSince>,
  end: string,
): Promise<Set<string>> {
  const offAtEnd = new Set<string>();
  for (const card of cards.values()) {
    const changes = since.get(card.ref.id);
    if ((card.archived || !onBoard(card, boardId) || changes?.returned) && tracker.boardExit) {
      const { leftAt, estimates } = await tracker.boardExit(card.ref, boardId, end);
      if (leftAt) offAtEnd.add(card.ref.id);
      cards.set(
        card.ref.id,
        leftAt || !changes
          ? sizedAt(card, boardId, estimates, leftAt ?? end)
          : standingAt(card, boardId, estimates, changes.lists, end),
      );
      continue;
    }
    if (changes) cards.set(card.ref.id, standingAt(card, boardId, changes.estimates, changes.lists, end));
  }
  return offAtEnd;
}

export interface BoardWindowSummary {
  window: { start: string; end: string; name: string };
  stats: SprintStats;
  body: Doc;
}

/** What a board delivered in the `windowDays` before `end`, read from its actions. */
export async function summarizeTrelloWindow(
  boardId: string,
  end: Date,
  context: JobContext,
): Promise<BoardWindowSummary> {
  const tracker = context.tracker('trello');
  const activity = activityOf(tracker);
  const rules = boardRules(context, { id: boardId });
  const start = new Date(end.getTime() - rules.windowDays * DAY_MS);
  const { timeZone } = context.rules().summaries;
  const window = {
    start: start.toISOString(),
    end: end.toISOString(),
    name: `Sprint ${dateIn(timeZone, start.toISOString())} – ${dateIn(timeZone, end.toISOString())}`,
  };
  const summaryList = rules.target.kind === 'list' ? rules.target.listName.trim().toLowerCase() : undefined;
  // The summary cards of earlier windows are the service's own, not work the team added.
  const actions = (await activity.getBoardActions(boardId, window.start, window.end)).filter(
    (action) => action.type === 'other' || action.listAfter?.trim().toLowerCase() !== summaryList,
  );
  const inProgress = new Set(rules.inProgressLists.map((name) => name.trim().toLowerCase()));
  const since = await activity.changesSince(boardId, window.end);
  const cards = await readCards(tracker, boardId, summaryList, [
    ...actions.filter((action) => action.type !== 'other').map((action) => action.card),
    ...leftSince(since, inProgress, window.end),
  ]);
  const offAtEnd = await asAtEnd(tracker, boardId, cards, since, window.end);
  const cardsInProgress = [...cards.values()].filter(
    (card) =>
      !offAtEnd.has(card.ref.id) && inProgress.has(card.container.listName?.trim().toLowerCase() ?? ''),
  );
  const input = {
    window,
    boardId,
    actions,
    doneLists: rules.doneLists,
    inProgressLists: rules.inProgressLists,
    cardsInProgress,
    cards,
    bugLabels: rules.bugLabels,
  };
  const delivered = summarizeBoardWindow(input).done.items.flatMap((item) => cards.get(item.ref.id) ?? []);
  const stats = summarizeBoardWindow({
    ...input,
    linkedTicketsResolved: await resolvedTickets(delivered, window, context),
    scores: priorityScores(delivered, context),
  });
  return {
    window,
    stats,
    body: renderSprintSummary(stats, { title: summaryTitle(window.name), timeZone }),
  };
}

async function destinationOf(
  boardId: string,
  rules: TrelloBoardSummary,
  context: JobContext,
): Promise<SummaryDestination> {
  const { target } = rules;
  if (target.kind === 'list') {
    return {
      kind: 'item',
      container: { containerId: boardId, typeOrList: target.listName },
      labels: [rules.label],
    };
  }
  const card = await context.tracker('trello').findItem(target.cardId);
  if (!card) throw new TrackerError('notFound', 'trello', `Summary card ${target.cardId} does not exist`);
  return { kind: 'comment', on: card.ref };
}

/** Posts the board's window summary (one per board and end date: a re-run that day edits it). */
export async function postTrelloSummary(
  boardId: string,
  end: Date,
  context: JobContext,
): Promise<BoardWindowSummary & Published> {
  const summary = await summarizeTrelloWindow(boardId, end, context);
  const published = await publishSummary(context, {
    tracker: 'trello',
    summaryKey: `trello-${boardId}-${dateIn(context.rules().summaries.timeZone, summary.window.end)}`,
    title: summaryTitle(summary.window.name),
    body: summary.body,
    destination: await destinationOf(boardId, boardRules(context, { id: boardId }), context),
  });
  return { ...summary, ...published };
}
