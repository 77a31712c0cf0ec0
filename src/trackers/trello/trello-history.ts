import type { Action } from 'trello.js/models';
import type { ItemRef } from '../../domain/events.ts';
import { changedAfterOwnWrite } from '../own-write-history.ts';
import type { ChangedBy, ChangeSubject, EstimateChange, OwnWrite, WrittenValues } from '../tracker.ts';
import { ACTION_PAGE, allActions } from './trello-actions.ts';
import { boardPresence, fieldNumber, named, pointsChange } from './trello-board-activity.ts';
import type { TrelloDeps } from './trello-deps.ts';
import { CARD_ARRIVALS } from './trello-webhook.ts';
import { sameName } from './trello-writes.ts';

/** The card's actions of those types, newest first (as Trello lists them), each with who made it. */
async function cardActions(deps: TrelloDeps, ref: ItemRef, types: string[]) {
  const [me, actions] = await Promise.all([
    deps.me(),
    allActions((before) =>
      deps.api.cards.getCardActions({ id: ref.id, filter: types.join(','), limit: ACTION_PAGE, before }),
    ),
  ]);
  const by = (action: Action): ChangedBy => ({
    name: action.memberCreator?.fullName || action.memberCreator?.username || 'someone',
    service: action.idMemberCreator === me.id,
  });
  return actions.map((action) => ({ action, by: by(action) }));
}

/** What an action set a card's label or attachment presence from and to. */
const presence = (added: boolean): { wrote: WrittenValues } => ({ wrote: { from: !added, to: added } });

/**
 * The card action types that change the subject, and what one of them (among the card's actions of those types)
 * set it from and to, in the audit's terms; undefined when it does not change the subject. Trello's removal of an
 * attachment names no URL: it is the target's when the attachment of that id was added with the target's URL.
 */
function subjectActions(
  what: ChangeSubject,
): [string[], (action: Action, all: Action[]) => { wrote?: WrittenValues } | undefined] {
  if ('label' in what)
    return [
      ['addLabelToCard', 'removeLabelFromCard'],
      (action) =>
        sameName(named(action.data.label, 'name'), what.label)
          ? presence(action.type === 'addLabelToCard')
          : undefined,
    ];
  if ('field' in what)
    return [
      ['updateCustomFieldItem'],
      (action) => {
        if (!sameName(named(action.data.customField, 'name'), what.field)) return undefined;
        const [from, to] = [fieldNumber(action.data.old), fieldNumber(action.data.customFieldItem)];
        return Number.isNaN(from) || Number.isNaN(to) ? {} : { wrote: { from, to } };
      },
    ];
  if ('link' in what) {
    const { url } = what.link;
    return [
      ['addAttachmentToCard', 'deleteAttachmentFromCard'],
      (action, all) => {
        const id = named(action.data.attachment, 'id');
        const target = all.some(
          (added) =>
            added.type === 'addAttachmentToCard' &&
            named(added.data.attachment, 'id') === id &&
            named(added.data.attachment, 'url') === url,
        );
        return target ? presence(action.type === 'addAttachmentToCard') : undefined;
      },
    ];
  }
  return [
    ['updateCard:idList'],
    (action) =>
      action.data.listAfter === undefined
        ? undefined
        : {
            wrote: {
              from: named(action.data.listBefore, 'name') ?? null,
              to: named(action.data.listAfter, 'name') ?? null,
            },
          },
  ];
}

/**
 * Who last added or removed the label, set the custom field, moved the card to another list, or attached or
 * removed an attachment of the target's URL, after the service's write `own` (`changedAfterOwnWrite`).
 */
export async function changedBy(
  deps: TrelloDeps,
  ref: ItemRef,
  what: ChangeSubject,
  own: OwnWrite,
): Promise<ChangedBy | undefined> {
  const [types, change] = subjectActions(what);
  const actions = await cardActions(deps, ref, types);
  const all = actions.map(({ action }) => action);
  const changes = actions
    .flatMap(({ action, by }) => {
      const changed = change(action, all);
      return changed ? [{ at: action.date.getTime(), by, ...changed }] : [];
    })
    .reverse();
  return changedAfterOwnWrite(changes, own);
}

/** The actions that put a card in a list (created, copied, moved in, converted; moved) or archive or restore it. */
const PLACEMENTS = [...CARD_ARRIVALS, 'updateCard:idList', 'updateCard:closed'].join(',');

const has = (value: unknown, key: string) => typeof value === 'object' && value !== null && key in value;

/**
 * When the card last entered the done category, a list the rules call done or the archive, from one outside it,
 * and has stayed in it since, replayed from its placements oldest first: what a Jira ticket's resolution date says.
 * Undefined when they do not end in it (actions Trello no longer has).
 */
export async function doneSince(deps: TrelloDeps, ref: ItemRef): Promise<string | undefined> {
  const actions = await allActions((before) =>
    deps.api.cards.getCardActions({ id: ref.id, filter: PLACEMENTS, limit: ACTION_PAGE, before }),
  );
  let list: string | undefined;
  let archived = false;
  let since: string | undefined;
  const done = () => archived || (list !== undefined && deps.categorize(list) === 'done');
  for (const action of actions.reverse()) {
    const wasDone = done();
    const arrived = CARD_ARRIVALS.has(action.type);
    list =
      named(action.data.listAfter, 'name') ?? (arrived ? named(action.data.list, 'name') : undefined) ?? list;
    if (arrived) archived = false;
    else if (has(action.data.old, 'closed'))
      archived = Reflect.get(action.data.card ?? {}, 'closed') === true;
    if (!done()) since = undefined;
    else if (!wasDone) since = action.date.toISOString();
  }
  return since;
}

/** The actions that take a card off a board or bring it back, and those that size it. */
const EXITS = ['updateCard:closed', 'moveCardFromBoard', 'moveCardToBoard', 'updateCustomFieldItem'].join(
  ',',
);

/**
 * When the card last left the board (`boardId`, by id or shortLink) by `by`, archived on it or moved to another,
 * and not brought back since; and its story-point changes made on the board, oldest first. Custom fields belong to
 * a board: on another, the card's story points are that board's field, whose changes are not its points here.
 */
export async function boardExit(
  deps: TrelloDeps,
  ref: ItemRef,
  boardId: string,
  by: string,
): Promise<{ leftAt?: string; estimates: EstimateChange[] }> {
  const actions = await allActions((before) =>
    deps.api.cards.getCardActions({ id: ref.id, filter: EXITS, limit: ACTION_PAGE, before }),
  );
  const onBoard = (action: Action) =>
    [named(action.data.board, 'id'), named(action.data.board, 'shortLink')].includes(boardId);
  let leftAt: string | undefined;
  const estimates: EstimateChange[] = [];
  for (const action of actions.reverse()) {
    const at = action.date.toISOString();
    if (!onBoard(action)) continue;
    if (action.type === 'updateCustomFieldItem') {
      const change = pointsChange(action);
      if (change) estimates.push(change);
    } else if (Date.parse(at) <= Date.parse(by)) {
      leftAt = boardPresence(action) === 'left' ? at : undefined;
    }
  }
  return { ...(leftAt && { leftAt }), estimates };
}
