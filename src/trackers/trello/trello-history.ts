import type { Action } from 'trello.js/models';
import type { ItemRef } from '../../domain/events.ts';
import type { ChangedBy, ChangeSubject, ItemLink } from '../tracker.ts';
import { named } from './trello-board-activity.ts';
import type { TrelloDeps } from './trello-deps.ts';

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

/**
 * Who last added or removed the label, or moved the card to another list, after `since`: the service's own write
 * of that instant does not count.
 */
export async function changedBy(
  deps: TrelloDeps,
  ref: ItemRef,
  what: ChangeSubject,
  since: string,
): Promise<ChangedBy | undefined> {
  const after = Date.parse(since);
  const wanted = 'label' in what ? what.label.trim().toLowerCase() : undefined;
  const actions = await cardActions(
    deps,
    ref,
    wanted === undefined ? ['updateCard:idList'] : ['addLabelToCard', 'removeLabelFromCard'],
  );
  const touches = (action: Action) =>
    wanted === undefined
      ? action.data.listAfter !== undefined
      : (named(action.data.label, 'name') ?? '').trim().toLowerCase() === wanted;
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
