import type { Action } from 'trello.js/models';
import type { ItemRef } from '../../domain/events.ts';
import type { ChangedBy, ChangeSubject, ItemLink } from '../tracker.ts';
import { named } from './trello-board-activity.ts';
import type { TrelloDeps } from './trello-deps.ts';
import { sameName } from './trello-writes.ts';

/** Trello's most; a card's label and attachment actions rarely come near it. */
const ACTION_PAGE = 1000;

/** The card's actions of those types, newest first (as Trello lists them), each with who made it. */
async function cardActions(deps: TrelloDeps, ref: ItemRef, types: string[]) {
  const [me, actions] = await Promise.all([
    deps.me(),
    deps.api.cards.getCardActions({ id: ref.id, filter: types.join(','), limit: ACTION_PAGE }),
  ]);
  const by = (action: Action): ChangedBy => ({
    name: action.memberCreator?.fullName || action.memberCreator?.username || 'someone',
    service: action.idMemberCreator === me.id,
  });
  return actions.map((action) => ({ action, by: by(action) }));
}

/** The card action types that change the subject, and whether one of them changed it. */
function subjectActions(what: ChangeSubject): [string[], (action: Action) => boolean] {
  if ('label' in what)
    return [
      ['addLabelToCard', 'removeLabelFromCard'],
      (action) => sameName(named(action.data.label, 'name'), what.label),
    ];
  if ('field' in what)
    return [
      ['updateCustomFieldItem'],
      (action) => sameName(named(action.data.customField, 'name'), what.field),
    ];
  return [['updateCard:idList'], (action) => action.data.listAfter !== undefined];
}

/**
 * Who last added or removed the label, set the custom field, or moved the card to another list, after `since`: the service's own write
 * of that instant does not count.
 */
export async function changedBy(
  deps: TrelloDeps,
  ref: ItemRef,
  what: ChangeSubject,
  since: string,
): Promise<ChangedBy | undefined> {
  const after = Date.parse(since);
  const [types, touches] = subjectActions(what);
  const actions = await cardActions(deps, ref, types);
  return actions.find(({ action, by }) => {
    const at = action.date.getTime();
    return touches(action) && (at > after || (at === after && !by.service));
  })?.by;
}

/** Who attached the link: the action that added that attachment (by its id). */
export async function linkAddedBy(
  deps: TrelloDeps,
  ref: ItemRef,
  link: ItemLink,
): Promise<ChangedBy | undefined> {
  const actions = await cardActions(deps, ref, ['addAttachmentToCard']);
  return actions.find(
    ({ action }) => link.id !== undefined && named(action.data.attachment, 'id') === link.id,
  )?.by;
}
