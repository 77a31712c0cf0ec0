import type { Action } from 'trello.js/models';
import type { ItemRef } from '../../domain/events.ts';
import { changedAfterOwnWrite } from '../own-write-history.ts';
import type { ChangedBy, ChangeSubject } from '../tracker.ts';
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

/**
 * The card action types that change the subject, and whether one of them (among the card's actions of those
 * types) changed it. Trello's removal of an attachment names no URL: it is the target's when the attachment of
 * that id was added with the target's URL.
 */
function subjectActions(what: ChangeSubject): [string[], (action: Action, all: Action[]) => boolean] {
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
  if ('link' in what) {
    const { url } = what.link;
    return [
      ['addAttachmentToCard', 'deleteAttachmentFromCard'],
      (action, all) => {
        const id = named(action.data.attachment, 'id');
        return all.some(
          (added) =>
            added.type === 'addAttachmentToCard' &&
            named(added.data.attachment, 'id') === id &&
            named(added.data.attachment, 'url') === url,
        );
      },
    ];
  }
  return [['updateCard:idList'], (action) => action.data.listAfter !== undefined];
}

/**
 * Who last added or removed the label, set the custom field, moved the card to another list, or attached or
 * removed an attachment of the target's URL, after the service's write dated `since` (`changedAfterOwnWrite`).
 */
export async function changedBy(
  deps: TrelloDeps,
  ref: ItemRef,
  what: ChangeSubject,
  since: string,
): Promise<ChangedBy | undefined> {
  const [types, touches] = subjectActions(what);
  const actions = await cardActions(deps, ref, types);
  const all = actions.map(({ action }) => action);
  const changes = actions
    .filter(({ action }) => touches(action, all))
    .map(({ action, by }) => ({ at: action.date.getTime(), by }))
    .reverse();
  return changedAfterOwnWrite(changes, since);
}
