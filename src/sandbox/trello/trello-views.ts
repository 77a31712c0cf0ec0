import {
  DEFAULT_BOARD_PREFS,
  type SbAction,
  type SbBoard,
  type SbCard,
  type SbLabel,
  type SbList,
  type SbMember,
  type TrelloStore,
} from './trello-store.ts';

/** JSON in the shapes api.trello.com answers with (trimmed to fields that matter, nothing invented). */

export function memberJson(member: SbMember) {
  return {
    id: member.id,
    activityBlocked: false,
    avatarHash: `${member.id}00000000`,
    avatarUrl: `https://trello-members.s3.amazonaws.com/${member.id}/${member.id}00000000`,
    fullName: member.fullName,
    idMemberReferrer: null,
    initials: member.initials,
    nonPublic: {},
    nonPublicAvailable: true,
    username: member.username,
  };
}

export function boardJson(board: SbBoard) {
  return {
    id: board.id,
    name: board.name,
    desc: '',
    descData: null,
    closed: false,
    idOrganization: board.idOrganization ?? null,
    pinned: false,
    url: `https://trello.com/b/${board.shortLink}/${slug(board.name)}`,
    shortUrl: `https://trello.com/b/${board.shortLink}`,
    shortLink: board.shortLink,
    prefs: {
      ...(board.prefs ?? DEFAULT_BOARD_PREFS),
      voting: 'disabled',
      invitations: 'members',
      selfJoin: false,
      cardCovers: true,
    },
    labelNames: { green: '', yellow: '', orange: '', red: '', purple: '', blue: '' },
  };
}

export function listJson(list: SbList) {
  return {
    id: list.id,
    name: list.name,
    closed: list.closed,
    pos: list.pos,
    softLimit: null,
    idBoard: list.idBoard,
    subscribed: false,
  };
}

export function labelJson(label: SbLabel) {
  return { id: label.id, idBoard: label.idBoard, name: label.name, color: label.color };
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function cardUrl(card: SbCard): string {
  return `https://trello.com/c/${card.shortLink}/${card.idShort}-${slug(card.name)}`;
}

export interface CardIncludes {
  attachments?: boolean;
  checklists?: boolean;
  customFieldItems?: boolean;
}

export function cardJson(store: TrelloStore, card: SbCard, include: CardIncludes = {}) {
  const attachments = [...store.attachments.values()].filter((a) => a.idCard === card.id);
  const checklists = [...store.checklists.values()].filter((c) => c.idCard === card.id);
  const comments = store.actions.filter((a) => a.type === 'commentCard' && cardIdOf(a) === card.id).length;
  const json: Record<string, unknown> = {
    id: card.id,
    badges: {
      attachmentsByType: { trello: { board: 0, card: 0 } },
      location: false,
      votes: 0,
      viewingMemberVoted: false,
      subscribed: false,
      fogbugz: '',
      checkItems: checklists.reduce((n, c) => n + c.checkItems.length, 0),
      checkItemsChecked: checklists.reduce(
        (n, c) => n + c.checkItems.filter((i) => i.state === 'complete').length,
        0,
      ),
      checkItemsEarliestDue: null,
      comments,
      attachments: attachments.length,
      description: card.desc !== '',
      due: null,
      dueComplete: false,
      start: null,
    },
    checkItemStates: [],
    closed: card.closed,
    dueComplete: false,
    dateLastActivity: card.dateLastActivity,
    desc: card.desc,
    descData: { emoji: {} },
    due: null,
    dueReminder: null,
    email: null,
    idBoard: card.idBoard,
    idChecklists: checklists.map((c) => c.id),
    idList: card.idList,
    idMembers: [],
    idMembersVoted: [],
    idShort: card.idShort,
    idAttachmentCover: null,
    labels: card.idLabels.flatMap((id) => {
      const label = store.labels.get(id);
      return label ? [labelJson(label)] : [];
    }),
    idLabels: card.idLabels,
    manualCoverAttachment: false,
    name: card.name,
    pos: card.pos,
    shortLink: card.shortLink,
    shortUrl: `https://trello.com/c/${card.shortLink}`,
    start: null,
    subscribed: false,
    url: cardUrl(card),
    cover: {
      idAttachment: null,
      color: null,
      idUploadedBackground: null,
      size: 'normal',
      brightness: 'dark',
      idPlugin: null,
    },
    isTemplate: false,
    cardRole: null,
  };
  if (include.attachments) json.attachments = attachments.map((a) => attachmentJson(a));
  if (include.checklists) json.checklists = checklists;
  if (include.customFieldItems) {
    json.customFieldItems = [...store.fieldItems.values()]
      .filter((item) => item.idModel === card.id)
      .map(fieldItemJson);
  }
  return json;
}

export function attachmentJson(attachment: {
  id: string;
  name: string;
  url: string;
  date: string;
  idMember: string;
}) {
  return {
    id: attachment.id,
    bytes: null,
    date: attachment.date,
    edgeColor: null,
    idMember: attachment.idMember,
    isUpload: false,
    mimeType: '',
    name: attachment.name,
    previews: [],
    url: attachment.url,
    pos: 16384,
    fileName: null,
  };
}

export function fieldJson(field: {
  id: string;
  idModel: string;
  name: string;
  type: string;
  cardFront: boolean;
}) {
  return {
    id: field.id,
    idModel: field.idModel,
    modelType: 'board',
    fieldGroup: field.id,
    display: { cardFront: field.cardFront },
    name: field.name,
    pos: 16384,
    type: field.type,
    isSuggestedField: false,
  };
}

export function fieldItemJson(item: {
  id: string;
  idCustomField: string;
  idModel: string;
  value: Record<string, string>;
}) {
  return {
    id: item.id,
    value: item.value,
    idCustomField: item.idCustomField,
    idModel: item.idModel,
    modelType: 'card',
  };
}

function cardIdOf(action: SbAction): string | undefined {
  const card = action.data.card;
  return typeof card === 'object' && card !== null
    ? (Reflect.get(card, 'id') as string | undefined)
    : undefined;
}

export function actionCardId(action: SbAction): string | undefined {
  return cardIdOf(action);
}

export function actionJson(store: TrelloStore, action: SbAction) {
  const member = store.members.get(action.idMemberCreator);
  return {
    id: action.id,
    idMemberCreator: action.idMemberCreator,
    data: action.data,
    appCreator: null,
    type: action.type,
    date: action.date,
    limits: null,
    display: { translationKey: DISPLAY_KEYS[action.type] ?? 'action_generic', entities: {} },
    memberCreator: member ? memberJson(member) : { id: action.idMemberCreator },
  };
}

const DISPLAY_KEYS: Record<string, string> = {
  createCard: 'action_create_card',
  commentCard: 'action_comment_on_card',
  updateCard: 'action_changed_description_of_card',
  addAttachmentToCard: 'action_add_attachment_to_card',
  updateCustomFieldItem: 'action_update_custom_field_item',
};
