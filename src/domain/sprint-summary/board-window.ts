import type { BoardAction, TrackerItem } from '../../trackers/tracker.ts';
import type { ItemRef } from '../events.ts';
import type { Evidence } from '../scoring/types.ts';
import { customerImpact, scopeOf, summaryItem, topDelivered } from './delivered.ts';
import type { SprintStats, SummaryItem } from './types.ts';

/** What the summary needs of a card; a TrackerItem fits. */
export interface CardInfo {
  title: string;
  url: string;
  labels?: readonly string[];
  estimate?: { storyPoints?: number };
}

export interface BoardWindowInput {
  window: { start: string; end: string; name: string };
  /** The board summarized, by id or shortLink: a card read on another board has left it. */
  boardId: string;
  /** Board actions; those outside [start, end) are ignored. */
  actions: readonly BoardAction[];
  doneLists: readonly string[];
  inProgressLists: readonly string[];
  /**
   * Cards in the in-progress lists at close; a card whose known list is not one of them is ignored, and so is one
   * archived or moved to another board (Trello still names the list it is or was in).
   */
  cardsInProgress: readonly TrackerItem[];
  /** Title and URL by card id, for cards that moved or were created. */
  cards: ReadonlyMap<string, CardInfo>;
  bugLabels?: readonly string[];
  linkedTicketsResolved?: Readonly<Record<string, readonly Evidence[]>>;
  scores?: Readonly<Record<string, number>>;
}

function matcher(names: readonly string[]): (name: string) => boolean {
  const wanted = new Set(names.map((name) => name.trim().toLowerCase()));
  return (name) => wanted.has(name.trim().toLowerCase());
}

function inWindow(actions: readonly BoardAction[], start: string, end: string): BoardAction[] {
  const from = Date.parse(start);
  const to = Date.parse(end);
  return actions
    .filter((action) => {
      const at = Date.parse(action.date);
      return at >= from && at < to;
    })
    .sort((a, b) => Date.parse(a.date) - Date.parse(b.date) || a.id.localeCompare(b.id));
}

function cardItem(ref: ItemRef, card: CardInfo | undefined): SummaryItem {
  return summaryItem(
    { ref, title: card?.title ?? ref.key, url: card?.url ?? `https://trello.com/c/${ref.key}` },
    card?.estimate?.storyPoints,
  );
}

/**
 * Done cards are those whose last list change in the window put them in a done list, so a card moved to
 * Done and back is not counted, and a card still in an in-progress list is never both done and carried over.
 * A card must also have entered the done lists in the window: one moved on from Done to Released was finished
 * in an earlier window.
 */
function doneCards(actions: readonly BoardAction[], isDone: (list: string) => boolean): ItemRef[] {
  const lastList = new Map<string, { ref: ItemRef; list: string }>();
  const entered = new Set<string>();
  for (const action of actions) {
    // Only a creation or a move names the list a card ended up in.
    if (action.listAfter === undefined) continue;
    lastList.set(action.card.id, { ref: action.card, list: action.listAfter });
    if (isDone(action.listAfter) && !(action.listBefore !== undefined && isDone(action.listBefore)))
      entered.add(action.card.id);
  }
  return [...lastList.values()]
    .filter((entry) => isDone(entry.list) && entered.has(entry.ref.id))
    .map((entry) => entry.ref);
}

/** A Trello "sprint": what a board delivered in a time window, read from its actions. */
export function summarizeBoardWindow(input: BoardWindowInput): SprintStats {
  const { window, cards } = input;
  const actions = inWindow(input.actions, window.start, window.end);
  const isInProgress = matcher(input.inProgressLists);
  const onBoard = (card: TrackerItem) =>
    !card.archived && (card.container.id === input.boardId || card.container.key === input.boardId);
  const carried = input.cardsInProgress.filter(
    (card) =>
      onBoard(card) && (card.container.listName === undefined || isInProgress(card.container.listName)),
  );
  const carriedIds = new Set(carried.map((card) => card.ref.id));
  const done = doneCards(actions, matcher(input.doneLists))
    .filter((ref) => !carriedIds.has(ref.id))
    .map((ref) => cardItem(ref, cards.get(ref.id)));
  const created = new Map(actions.filter((a) => a.type === 'createCard').map((a) => [a.card.id, a.card]));
  const isBug = matcher(input.bugLabels ?? ['bug']);
  return {
    name: window.name,
    start: window.start,
    end: window.end,
    completed: scopeOf(done, false),
    done: { items: done, approximate: false },
    carriedOver: {
      items: carried.map((card) => summaryItem(card, card.estimate.storyPoints)),
      approximate: false,
    },
    added: {
      items: [...created.values()].map((ref) => cardItem(ref, cards.get(ref.id))),
      approximate: false,
    },
    bugsFixed: {
      items: done.filter((item) => (cards.get(item.ref.id)?.labels ?? []).some((label) => isBug(label))),
      approximate: false,
    },
    customerImpact: customerImpact(done, input.linkedTicketsResolved ?? {}),
    topDelivered: topDelivered(done, input.scores ?? {}),
    notes: [],
  };
}
