import type { ItemRef } from '../../domain/events.ts';
import type { ItemPermission } from '../tracker.ts';
import type { TrelloDeps } from './trello-deps.ts';

/** Observers may see a board and comment, not change cards. */
const EDITORS = new Set(['admin', 'normal']);

/**
 * A member may browse the cards of the boards they are a member of, and edit them unless they only observe.
 * A card Trello will not show the service (deleted, or a board the token cannot see) is permitted to nobody.
 */
export async function permittedItems(
  deps: TrelloDeps,
  memberId: string,
  refs: readonly ItemRef[],
  permission: ItemPermission,
): Promise<Set<string>> {
  const permitted = new Set<string>();
  for (const ref of refs) {
    const card = await deps.api.cards.getCard({ id: ref.id, fields: 'id,idBoard' });
    const boardId = card.idBoard ?? '';
    const memberships = await deps.boardCache.get(`memberships:${boardId}`, () =>
      deps.api.boards.getBoardMemberships({ id: boardId }),
    );
    const membership = memberships.find(
      (candidate) => candidate.idMember === memberId && candidate.deactivated !== true,
    );
    if (!membership || membership.unconfirmed === true) continue;
    if (permission === 'browse' || EDITORS.has(membership.memberType ?? '')) permitted.add(ref.id);
  }
  return permitted;
}
