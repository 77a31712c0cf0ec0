import { BoardSchema } from 'trello.js/models';
import type { ItemRef } from '../../domain/events.ts';
import type { ItemPermission } from '../tracker.ts';
import type { TrelloDeps } from './trello-deps.ts';

/** Observers may see a board and comment, not change cards. */
const EDITORS = new Set(['admin', 'normal']);

/** A personal board answers `idOrganization: null`, which trello.js's board schema refuses: read loose, check here. */
const LooseBoard = BoardSchema.pick({ id: true, prefs: true }).loose();

/**
 * The members of the Workspace who may comment on a board's cards without being on the board: Trello's comment pref
 * "org" lets them where they can see the board (Workspace-visible or public; a private board shows only to its own
 * people). None on other boards. Kept per board for the board cache's TTL, so a run of comments costs two requests.
 */
function commentingWorkspaceMembers(deps: TrelloDeps, boardId: string): Promise<ReadonlySet<string>> {
  return deps.boardCache.get(`workspace-commenters:${boardId}`, async () => {
    const board = await deps.client.sendRequest({
      url: `/boards/${boardId}`,
      searchParams: { fields: 'prefs,idOrganization' },
      schema: LooseBoard,
    });
    const { comments, permissionLevel } = board.prefs ?? {};
    const workspace = board.idOrganization;
    if (comments !== 'org' || permissionLevel === 'private' || typeof workspace !== 'string')
      return new Set();
    const members = await deps.api.organizations.getOrganizationMembers({ id: workspace });
    return new Set(members.map((member) => member.id));
  });
}

/**
 * A member may browse the cards of the boards they are a member of, and edit them unless they only observe. A
 * Workspace member the board lets comment (its comment pref "org") may browse them too: they see the card they
 * comment on. A card Trello will not show the service (deleted, or a board the token cannot see) is permitted to
 * nobody.
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
    if (!membership || membership.unconfirmed === true) {
      if (permission === 'browse' && (await commentingWorkspaceMembers(deps, boardId)).has(memberId))
        permitted.add(ref.id);
      continue;
    }
    if (permission === 'browse' || EDITORS.has(membership.memberType ?? '')) permitted.add(ref.id);
  }
  return permitted;
}
