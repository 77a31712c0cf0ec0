/**
 * Whether a support ticket's readers may see a backlog item's title (pure). A ticket is read by whoever may browse
 * its project (Jira) or see its board (Trello); an item of another project or board that fewer people may see is
 * named on the ticket by its key only, as one behind an issue security level is.
 */

/** Who may browse a project, as its permission scheme grants Browse Projects. */
export interface BrowseAudience {
  /** Every signed-in user may browse (Jira: "Any logged in user", or anyone at all). */
  everyone: boolean;
  /**
   * The grants whose members are the same in every project (a group, a user, the users of one product), as
   * `type:id`: comparable between two projects' schemes.
   */
  holders: readonly string[];
  /**
   * Some grant's members depend on the project or the issue (a project role, the reporter, a user picker field):
   * they cannot be compared with another project's, even under the same scheme, since each project has its own
   * role members.
   */
  projectBound: boolean;
}

export interface ProjectsOf {
  ticket: string | undefined;
  item: string;
}

/**
 * The title is shown when the item is in the ticket's own project, when every signed-in user may browse the item's
 * project, or when everyone the ticket's project lets browse (all its grants comparable) holds a grant of the item's
 * project too. An audience that could not be read (undefined) shows nothing: the title is withheld, not guessed.
 */
export function titleShownOn(
  projects: ProjectsOf,
  ticketAudience: BrowseAudience | undefined,
  itemAudience: BrowseAudience | undefined,
): boolean {
  if (projects.ticket === projects.item) return true;
  if (!itemAudience) return false;
  if (itemAudience.everyone) return true;
  if (!ticketAudience || ticketAudience.everyone || ticketAudience.projectBound) return false;
  // No comparable grant on the ticket's side is nothing to compare, not a match.
  if (ticketAudience.holders.length === 0) return false;
  return ticketAudience.holders.every((holder) => itemAudience.holders.includes(holder));
}

/** A permission grant's holder, as Jira's permission schemes name it (`type`, and its `parameter` or `value`). */
export interface GrantHolder {
  type: string;
  parameter?: string;
  value?: string;
  /** A project role holder's role, when the read expanded it. */
  projectRole?: { name?: string };
}

/**
 * The project role Jira Cloud puts every installed app's account in, in every project, and grants every permission
 * to: its members read through the API by their apps' scopes, not people reading the ticket, so it neither narrows
 * nor widens who reads.
 */
const APPS_ROLE = 'atlassian-addons-project-access';

/** Holder types whose members are the same whatever the project. */
const COMPARABLE = new Set(['group', 'user', 'applicationRole']);

/**
 * The audience of a project's Browse Projects grants. `anyone` (anonymous access) and an `applicationRole` with no
 * parameter ("Any logged in user") open the project to every signed-in user. A holder type this code does not know
 * counts as project-bound, so it never widens what a ticket may show.
 */
export function browseAudienceOf(holders: readonly GrantHolder[]): BrowseAudience {
  const comparable: string[] = [];
  let everyone = false;
  let projectBound = false;
  for (const holder of holders) {
    if (holder.type === 'projectRole' && holder.projectRole?.name === APPS_ROLE) continue;
    const id = holder.value ?? holder.parameter;
    if (holder.type === 'anyone' || (holder.type === 'applicationRole' && id === undefined)) everyone = true;
    else if (COMPARABLE.has(holder.type) && id !== undefined) comparable.push(`${holder.type}:${id}`);
    else projectBound = true;
  }
  return { everyone, holders: [...new Set(comparable)].sort(), projectBound };
}

/** Who may see a Trello board, by its visibility (prefs.permissionLevel) and its Workspace (idOrganization). */
export interface BoardAudience {
  /** `private` (its members), `org` (and its Workspace's members), `public` (anyone); Trello may add others. */
  level: string;
  workspace?: string;
}

export interface BoardsOf {
  /** Undefined when the ticket is not a Trello card. */
  ticket: string | undefined;
  item: string;
}

/**
 * A card's title is shown on a ticket on the card's own board, or when its board is public, or when its board is
 * Workspace-visible and the ticket is a card on a non-public board of that Workspace (whose members see both).
 * Any other visibility (private, or one this code does not know) and any board that could not be read withhold it.
 */
export function cardTitleShownOn(
  boards: BoardsOf,
  ticketBoard: BoardAudience | undefined,
  itemBoard: BoardAudience | undefined,
): boolean {
  if (boards.ticket === boards.item) return true;
  if (!itemBoard) return false;
  if (itemBoard.level === 'public') return true;
  if (itemBoard.level !== 'org' || itemBoard.workspace === undefined) return false;
  if (!ticketBoard || ticketBoard.level === 'public') return false;
  return ticketBoard.workspace === itemBoard.workspace;
}
