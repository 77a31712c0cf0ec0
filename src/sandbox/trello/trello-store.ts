/** In-memory Trello data, kept in the API's own field names so the JSON views stay thin. */
export interface SbMember {
  id: string;
  fullName: string;
  username: string;
  initials: string;
}
export interface SbBoard {
  id: string;
  name: string;
  shortLink: string;
  /** Who is on the board and how; absent: every known member is a normal member (the bot an admin). */
  members?: { idMember: string; memberType: 'admin' | 'normal' | 'observer' }[];
  /** Who may see the board and who may comment on its cards; absent: private, members comment. */
  prefs?: SbBoardPrefs;
  /** The Workspace the board belongs to; absent: none (Trello answers `idOrganization: null`). */
  idOrganization?: string;
}
/** A Workspace (an organization in the API) and who is a member of it. */
export interface SbOrganization {
  id: string;
  /** The Workspace's short name, which the API takes wherever it takes the id. */
  name: string;
  displayName: string;
  members: string[];
}
export interface SbBoardPrefs {
  permissionLevel: 'private' | 'org' | 'public';
  comments: 'disabled' | 'members' | 'observers' | 'org' | 'public';
}
export const DEFAULT_BOARD_PREFS: SbBoardPrefs = { permissionLevel: 'private', comments: 'members' };
export interface SbList {
  id: string;
  idBoard: string;
  name: string;
  closed: boolean;
  pos: number;
}
export interface SbLabel {
  id: string;
  idBoard: string;
  name: string;
  color: string | null;
}
export interface SbCheckItem {
  id: string;
  idChecklist: string;
  name: string;
  state: 'complete' | 'incomplete';
  pos: number;
}
export interface SbChecklist {
  id: string;
  idBoard: string;
  idCard: string;
  name: string;
  pos: number;
  checkItems: SbCheckItem[];
}
export interface SbAttachment {
  id: string;
  idCard: string;
  idMember: string;
  name: string;
  url: string;
  date: string;
}
export interface SbField {
  id: string;
  idModel: string;
  name: string;
  type: string;
  cardFront: boolean;
}
export interface SbFieldItem {
  id: string;
  idCustomField: string;
  idModel: string;
  value: Record<string, string>;
}
export interface SbCard {
  id: string;
  idBoard: string;
  idList: string;
  idShort: number;
  shortLink: string;
  name: string;
  desc: string;
  idLabels: string[];
  closed: boolean;
  pos: number;
  dateLastActivity: string;
}
export interface SbAction {
  id: string;
  idMemberCreator: string;
  type: string;
  date: string;
  data: Record<string, unknown>;
}

/** An enabled Power-Up, as GET /boards/{id}/boardPlugins lists it. */
export interface SbBoardPlugin {
  id: string;
  idBoard: string;
  idPlugin: string;
  promotional: boolean;
}

/** The Custom Fields Power-Up: custom fields work only on boards where it is enabled. */
export const CUSTOM_FIELDS_PLUGIN = '56d5e249a98895a9797bebb9';

/** Trello's limit on card descriptions and comments. */
export const TRELLO_TEXT_LIMIT = 16_384;
/** `name` of `POST /1/cards/{id}/attachments`: "max 256 characters". */
export const TRELLO_ATTACHMENT_NAME_LIMIT = 256;

export interface SbWebhook {
  id: string;
  idModel: string;
  callbackURL: string;
  description: string;
  active: boolean;
  /**
   * Another member's token, when that token made it (absent: the service's). Webhooks belong to the token that
   * made them, and only it lists them; Trello still signs its deliveries with the secret of the API key.
   */
  token?: string;
}

/** What the member set up around the boards: the token, webhooks, and the clock the API reports. */
export interface SbSetup {
  tokenWrite: boolean;
  tokenExpires: string | null;
  webhooks: SbWebhook[];
  clockSkewMs: number;
}

export interface TrelloStore {
  members: Map<string, SbMember>;
  boards: Map<string, SbBoard>;
  organizations: Map<string, SbOrganization>;
  lists: Map<string, SbList>;
  labels: Map<string, SbLabel>;
  cards: Map<string, SbCard>;
  checklists: Map<string, SbChecklist>;
  attachments: Map<string, SbAttachment>;
  fields: Map<string, SbField>;
  fieldItems: Map<string, SbFieldItem>;
  boardPlugins: SbBoardPlugin[];
  /** Newest last. */
  actions: SbAction[];
  setup: SbSetup;
  sequence: number;
}

export function createStore(): TrelloStore {
  return {
    members: new Map(),
    boards: new Map(),
    organizations: new Map(),
    lists: new Map(),
    labels: new Map(),
    cards: new Map(),
    checklists: new Map(),
    attachments: new Map(),
    fields: new Map(),
    fieldItems: new Map(),
    boardPlugins: [],
    actions: [],
    setup: { tokenWrite: true, tokenExpires: null, webhooks: [], clockSkewMs: 0 },
    sequence: 0,
  };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Ids look like Trello's ObjectIds (creation second first), so ids sort by creation and carry a date. */
export function nextId(store: TrelloStore, now: Date): string {
  store.sequence += 1;
  const seconds = Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${seconds}${store.sequence.toString(16).padStart(16, '0')}`;
}

/** Eight base62 characters, unique per store. */
export function nextShortLink(store: TrelloStore): string {
  store.sequence += 1;
  let n = 62 ** 7 + store.sequence * 104_729;
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** A card by id or shortLink: Trello accepts either wherever it takes a card id. */
export function findCard(store: TrelloStore, idOrShortLink: string): SbCard | undefined {
  return (
    store.cards.get(idOrShortLink) ??
    [...store.cards.values()].find((card) => card.shortLink === idOrShortLink)
  );
}

export function findBoard(store: TrelloStore, idOrShortLink: string): SbBoard | undefined {
  return (
    store.boards.get(idOrShortLink) ??
    [...store.boards.values()].find((board) => board.shortLink === idOrShortLink)
  );
}

export function findOrganization(store: TrelloStore, idOrName: string): SbOrganization | undefined {
  return (
    store.organizations.get(idOrName) ??
    [...store.organizations.values()].find((organization) => organization.name === idOrName)
  );
}

/**
 * Whether Trello lets a member comment on the board's cards (`prefs.comments`): members and admins; observers too
 * from "observers" on; the members of the board's Workspace too with "org", where they can see the board (it is
 * Workspace-visible or public: a private board shows only to its own people); anyone with an account on a public
 * board whose comments are public. A board without members listed lets everyone.
 */
export function mayComment(store: TrelloStore, board: SbBoard, memberId: string): boolean {
  if (!board.members) return true;
  const type = board.members.find((m) => m.idMember === memberId)?.memberType;
  const prefs = board.prefs ?? DEFAULT_BOARD_PREFS;
  const workspace = board.idOrganization ? store.organizations.get(board.idOrganization) : undefined;
  switch (prefs.comments) {
    case 'disabled':
      return false;
    case 'members':
      return type === 'admin' || type === 'normal';
    case 'observers':
      return type !== undefined;
    case 'org':
    case 'public':
      return (
        type !== undefined ||
        (prefs.comments === 'public' && prefs.permissionLevel === 'public') ||
        (prefs.permissionLevel !== 'private' && workspace?.members.includes(memberId) === true)
      );
  }
}
