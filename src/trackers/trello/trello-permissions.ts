import { BoardSchema } from 'trello.js/models';
import type { ItemRef } from '../../domain/events.ts';
import type { BoardAudience } from '../../domain/linking/audience.ts';
import type { ItemPermission } from '../tracker.ts';
import type { TrelloDeps } from './trello-deps.ts';
import { TrelloHttpError } from './trello-errors.ts';

/** Observers may see a board and comment, not change cards. */
const EDITORS = new Set(['admin', 'normal']);

/** A personal board answers `idOrganization: null`, which trello.js's board schema refuses: read loose, check here. */
const LooseBoard = BoardSchema.pick({ id: true, prefs: true }).loose();

/** A board's prefs and Workspace, kept per board for the board cache's TTL: comments and titles share the read. */
function boardSettings(deps: TrelloDeps, boardId: string) {
  return deps.boardCache.get(`settings:${boardId}`, async () => {
    const board = await deps.client.sendRequest({
      url: `/boards/${boardId}`,
      searchParams: { fields: 'prefs,idOrganization' },
      schema: LooseBoard,
    });
    const workspace = board.idOrganization;
    return { ...board.prefs, workspace: typeof workspace === 'string' ? workspace : undefined };
  });
}

/**
 * The members of the Workspace who may comment on a board's cards without being on the board: Trello's comment pref
 * "org" lets them where they can see the board (Workspace-visible or public; a private board shows only to its own
 * people). None on other boards. Kept per board for the board cache's TTL, so a run of comments costs two requests.
 */
function commentingWorkspaceMembers(deps: TrelloDeps, boardId: string): Promise<ReadonlySet<string>> {
  return deps.boardCache.get(`workspace-commenters:${boardId}`, async () => {
    const { comments, permissionLevel, workspace } = await boardSettings(deps, boardId);
    // Public comments take in the Workspace too, where the board shows to it.
    const open = comments === 'org' || comments === 'public';
    if (!open || permissionLevel === 'private' || workspace === undefined) return new Set();
    const members = await deps.api.organizations.getOrganizationMembers({ id: workspace });
    return new Set(members.map((member) => member.id));
  });
}

/**
 * Who may see the board, from the read its comment rights use. A board Trello will not show the service (gone, or
 * the token not on it) has no audience known: titles of its cards are withheld.
 */
export async function boardAudience(deps: TrelloDeps, boardId: string): Promise<BoardAudience | undefined> {
  try {
    const { permissionLevel, workspace } = await boardSettings(deps, boardId);
    return { level: permissionLevel ?? 'private', ...(workspace !== undefined && { workspace }) };
  } catch (error) {
    if (error instanceof TrelloHttpError && [401, 403, 404].includes(error.status)) return undefined;
    throw error;
  }
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
