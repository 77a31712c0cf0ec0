import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Effect, LedgerQuery } from '../ledger.ts';
import type { SandboxFault } from '../sandbox-part.ts';
import type { TrelloModel } from './trello-model.ts';
import {
  CUSTOM_FIELDS_PLUGIN,
  DEFAULT_BOARD_PREFS,
  findBoard,
  findCard,
  findOrganization,
  mayComment,
  nextId,
  nextShortLink,
  type SbBoardPrefs,
  type SbCard,
  type SbOrganization,
} from './trello-store.ts';

export interface SeedCard {
  list: string;
  name: string;
  desc?: string;
  labels?: string[];
  fields?: Record<string, number | string>;
  checklists?: { name: string; items: { text: string; checked?: boolean }[] }[];
}

export interface SeedBoard {
  name: string;
  lists: string[];
  labels?: string[];
  customFields?: { name: string; type: 'number' | 'text' }[];
  /** The Custom Fields Power-Up (default on); off, the board's custom fields cannot be written. */
  customFieldsPowerUp?: boolean;
  cards?: SeedCard[];
  /** Board members (member id → type); absent: everyone is a member. */
  members?: Record<string, 'admin' | 'normal' | 'observer'>;
  /** Visibility and who may comment (default: private, members comment). */
  prefs?: Partial<SbBoardPrefs>;
  /** The Workspace the board belongs to, made on first use of its name (default: none); members by id. */
  workspace?: { name: string; members: string[] };
  /**
   * The webhook calling the service on this board, as the doctor registers it: `true` (default) the service's
   * token's; `false` none (a board out of its scope: none of its actions is delivered); `'foreign'` one another
   * member's token made with the service's callback URL (Trello delivers it, signed with the API key's secret, and
   * the service's token does not list it).
   */
  webhook?: boolean | 'foreign';
}

export interface SeededBoard {
  id: string;
  shortLink: string;
  lists: Record<string, string>;
  cards: { id: string; shortLink: string; name: string }[];
}

/** The token of a member who is not the service: someone who authorised the service's public API key for themself. */
const FOREIGN_TOKEN = 'stranger-token';

function seedWorkspace(model: TrelloModel, input: { name: string; members: string[] }): SbOrganization {
  const { store } = model;
  const name = input.name.toLowerCase().replace(/[^a-z0-9_]+/g, '');
  const known = findOrganization(store, name);
  if (known) return known;
  const organization = {
    id: nextId(store, model.now()),
    name,
    displayName: input.name,
    members: input.members,
  };
  store.organizations.set(organization.id, organization);
  return organization;
}

/** Seeding writes state directly: it is the world before the story starts, so it sends no webhooks. */
export function seedBoard(model: TrelloModel, input: SeedBoard): SeededBoard {
  const { store } = model;
  const now = model.now();
  const members = input.members
    ? Object.entries(input.members).map(([idMember, memberType]) => ({ idMember, memberType }))
    : undefined;
  const board = {
    id: nextId(store, now),
    name: input.name,
    shortLink: nextShortLink(store),
    members,
    prefs: { ...DEFAULT_BOARD_PREFS, ...input.prefs },
    idOrganization: input.workspace && seedWorkspace(model, input.workspace).id,
  };
  store.boards.set(board.id, board);
  const callbackURL = model.callbackUrl;
  if (input.webhook !== false && callbackURL) {
    store.setup.webhooks.push({
      id: nextId(store, now),
      idModel: board.id,
      callbackURL,
      description: `backlog-refinery ${board.id}`,
      active: true,
      ...(input.webhook === 'foreign' ? { token: FOREIGN_TOKEN } : {}),
    });
  }
  if (input.customFieldsPowerUp !== false) {
    store.boardPlugins.push({
      id: nextId(store, now),
      idBoard: board.id,
      idPlugin: CUSTOM_FIELDS_PLUGIN,
      promotional: false,
    });
  }
  const lists = Object.fromEntries(input.lists.map((name) => [name, model.createList(board.id, name).id]));
  const labels = new Map(
    (input.labels ?? []).map((name) => [name, model.createLabel(board.id, name, 'green')]),
  );
  const fields = new Map(
    (input.customFields ?? []).map((f) => [f.name, model.createField(board.id, f.name, f.type, true)]),
  );
  const cards = (input.cards ?? []).map((seed, index) => {
    const card: SbCard = {
      id: nextId(store, now),
      idBoard: board.id,
      idList: lists[seed.list] ?? Object.values(lists)[0] ?? '',
      idShort: index + 1,
      shortLink: nextShortLink(store),
      name: seed.name,
      desc: seed.desc ?? '',
      idLabels: (seed.labels ?? []).flatMap((name) => labels.get(name)?.id ?? []),
      closed: false,
      pos: 16384 * (index + 1),
      dateLastActivity: now.toISOString(),
    };
    store.cards.set(card.id, card);
    for (const [name, value] of Object.entries(seed.fields ?? {})) {
      const field = fields.get(name);
      if (!field) continue;
      const id = nextId(store, now);
      const typed: Record<string, string> = { [field.type === 'number' ? 'number' : 'text']: String(value) };
      store.fieldItems.set(id, { id, idCustomField: field.id, idModel: card.id, value: typed });
    }
    for (const [position, checklist] of (seed.checklists ?? []).entries()) {
      const idChecklist = nextId(store, now);
      store.checklists.set(idChecklist, {
        id: idChecklist,
        idBoard: board.id,
        idCard: card.id,
        name: checklist.name,
        pos: 16384 * (position + 1),
        checkItems: checklist.items.map((item, i) => ({
          id: nextId(store, now),
          idChecklist,
          name: item.text,
          state: item.checked ? 'complete' : 'incomplete',
          pos: 16384 * (i + 1),
        })),
      });
    }
    return { id: card.id, shortLink: card.shortLink, name: card.name };
  });
  return { id: board.id, shortLink: board.shortLink, lists, cards };
}

type Body = Record<string, string | undefined>;

export interface ControlHooks {
  personId: string;
  state(): unknown;
  ledger(query: LedgerQuery): Effect[];
  injectFault(fault: SandboxFault): void;
  reset(): void;
}

/** Routes a demo or test uses to set the scene and to act as a person in Trello's UI. */
export function registerTrelloControl(app: FastifyInstance, model: TrelloModel, hooks: ControlHooks): void {
  const { store } = model;
  const bad = (reply: FastifyReply, message: string) => reply.code(400).send({ error: message });
  const actor = (body: Body) => body.memberId ?? hooks.personId;
  const cardOf = (body: Body) => findCard(store, body.cardId ?? '');
  /** The card named by `cardId` and its checklist named by `checklistId` (none when it is another card's). */
  const checklistOf = (body: Body) => {
    const card = cardOf(body);
    const checklist = store.checklists.get(body.checklistId ?? '');
    return { card, checklist: card && checklist?.idCard === card.id ? checklist : undefined };
  };
  /** The card named by `cardId` and the item `checkItemId` of one of its checklists. */
  const checkItemOf = (body: Body) => {
    const card = cardOf(body);
    const item = [...store.checklists.values()]
      .filter((c) => c.idCard === card?.id)
      .flatMap((c) => c.checkItems)
      .find((i) => i.id === body.checkItemId);
    return { card, item };
  };
  const listOn = (idBoard: string, name: string | undefined) =>
    [...store.lists.values()].find((l) => l.idBoard === idBoard && l.name === name);

  app.post<{ Body: SeedBoard }>('/seed', async (request) => seedBoard(model, request.body));
  app.get('/state', async () => hooks.state());
  app.get<{ Querystring: LedgerQuery }>('/ledger', async (request) => hooks.ledger(request.query));
  app.post<{ Body: SandboxFault }>('/faults', async (request) => {
    hooks.injectFault(request.body);
    return { ok: true };
  });
  app.post('/reset', async () => {
    hooks.reset();
    return { ok: true };
  });

  app.post<{ Body: Body }>('/act/create-card', async (request, reply) => {
    const board = findBoard(store, request.body.boardId ?? '');
    const list = board && listOn(board.id, request.body.list);
    if (!list) return bad(reply, 'unknown board or list');
    const card = model.createCard(actor(request.body), list, {
      name: request.body.name ?? '',
      desc: request.body.desc ?? '',
    });
    return { id: card.id, shortLink: card.shortLink };
  });
  app.post<{ Body: Body }>('/act/comment', async (request, reply) => {
    const card = cardOf(request.body);
    if (!card) return bad(reply, 'unknown card');
    const board = store.boards.get(card.idBoard);
    // What Trello's API answers a member who may not comment there; its UI shows them no comment box.
    if (board && !mayComment(store, board, actor(request.body)))
      return reply.code(401).type('text/plain').send('unauthorized permission requested');
    return { id: model.comment(actor(request.body), card, request.body.text ?? '').id };
  });
  app.post<{ Body: Body }>('/act/edit-comment', async (request, reply) => {
    const card = cardOf(request.body);
    const comment = store.actions.find((a) => a.id === request.body.actionId && a.type === 'commentCard');
    if (!card || !comment) return bad(reply, 'unknown card or comment');
    return { id: model.editComment(actor(request.body), card, comment, request.body.text ?? '').id };
  });
  /**
   * `boardId` (id or shortLink) moves the card to that board's list, as "Move" in a card's menu does;
   * `order: 'joined-first'` delivers the joined board's `moveCardToBoard` before the left board's action.
   */
  app.post<{ Body: Body }>('/act/move-card', async (request, reply) => {
    const card = cardOf(request.body);
    const idBoard = request.body.boardId ? findBoard(store, request.body.boardId)?.id : card?.idBoard;
    const list = idBoard && listOn(idBoard, request.body.list);
    if (!card || !list) return bad(reply, 'unknown card, board or list');
    if (list.idBoard !== card.idBoard)
      model.moveCardToBoard(actor(request.body), card, list, {
        joinedHearsFirst: request.body.order === 'joined-first',
      });
    else model.updateCard(actor(request.body), card, { idList: list.id });
    return { ok: true };
  });
  /** `label` by name, on the card's board; `present: 'false'` takes it off. */
  app.post<{ Body: Body }>('/act/set-label', async (request, reply) => {
    const card = cardOf(request.body);
    const label =
      card &&
      [...store.labels.values()].find((l) => l.idBoard === card.idBoard && l.name === request.body.label);
    if (!card || !label) return bad(reply, 'unknown card or label');
    model.setLabel(actor(request.body), card, label, request.body.present !== 'false');
    return { ok: true };
  });
  /** A custom field by name, on the card's board; an empty `value` clears it. */
  app.post<{ Body: Body }>('/act/set-field', async (request, reply) => {
    const card = cardOf(request.body);
    const field =
      card &&
      [...store.fields.values()].find((f) => f.idModel === card.idBoard && f.name === request.body.field);
    if (!card || !field) return bad(reply, 'unknown card or field');
    const value = request.body.value ?? '';
    model.setFieldItem(actor(request.body), card, field, value === '' ? undefined : { [field.type]: value });
    return { ok: true };
  });
  app.post<{ Body: Body }>('/act/archive-card', async (request, reply) => {
    const card = cardOf(request.body);
    if (!card) return bad(reply, 'unknown card');
    model.updateCard(actor(request.body), card, { closed: request.body.closed !== 'false' });
    return { ok: true };
  });
  app.post<{ Body: Body }>('/act/delete-card', async (request, reply) => {
    const card = cardOf(request.body);
    if (!card) return bad(reply, 'unknown card');
    model.deleteCard(actor(request.body), card);
    return { ok: true };
  });
  app.post<{ Body: Body }>('/act/edit-desc', async (request, reply) => {
    const card = cardOf(request.body);
    if (!card) return bad(reply, 'unknown card');
    model.updateCard(actor(request.body), card, { desc: request.body.desc ?? '' });
    return { ok: true };
  });
  app.post<{ Body: Body }>('/act/add-checklist', async (request, reply) => {
    const card = cardOf(request.body);
    if (!card) return bad(reply, 'unknown card');
    return { id: model.addChecklist(actor(request.body), card, request.body.name ?? 'Checklist').id };
  });
  app.post<{ Body: Body }>('/act/add-check-item', async (request, reply) => {
    const { card, checklist } = checklistOf(request.body);
    if (!card || !checklist) return bad(reply, 'unknown card or checklist');
    return { id: model.addCheckItem(actor(request.body), card, checklist, request.body.name ?? '').id };
  });
  app.post<{ Body: Body }>('/act/check-item', async (request, reply) => {
    const { card, item } = checkItemOf(request.body);
    if (!card || !item) return bad(reply, 'unknown card or check item');
    model.setCheckItemState(actor(request.body), card, item, request.body.checked !== 'false');
    return { ok: true };
  });
  app.post<{ Body: Body }>('/act/rename-checklist', async (request, reply) => {
    const { card, checklist } = checklistOf(request.body);
    if (!card || !checklist) return bad(reply, 'unknown card or checklist');
    model.renameChecklist(actor(request.body), card, checklist, request.body.name ?? '');
    return { ok: true };
  });
  app.post<{ Body: Body }>('/act/rename-check-item', async (request, reply) => {
    const { card, item } = checkItemOf(request.body);
    if (!card || !item) return bad(reply, 'unknown card or check item');
    model.renameCheckItem(actor(request.body), card, item, request.body.name ?? '');
    return { ok: true };
  });
  app.post<{ Body: Body }>('/act/convert-check-item', async (request, reply) => {
    const { card, item } = checkItemOf(request.body);
    if (!card || !item) return bad(reply, 'unknown card or check item');
    const created = model.convertCheckItem(actor(request.body), card, item);
    return { id: created.id, shortLink: created.shortLink };
  });
  app.post<{ Body: Body }>('/act/delete-checklist', async (request, reply) => {
    const { card, checklist } = checklistOf(request.body);
    if (!card || !checklist) return bad(reply, 'unknown card or checklist');
    model.deleteChecklist(actor(request.body), card, checklist);
    return { ok: true };
  });
  app.post<{ Body: Body }>('/act/add-attachment', async (request, reply) => {
    const card = cardOf(request.body);
    if (!card || !request.body.url) return bad(reply, 'unknown card or missing url');
    return {
      id: model.addAttachment(
        actor(request.body),
        card,
        request.body.url,
        request.body.name ?? request.body.url,
      ),
    };
  });
  app.post<{ Body: Body }>('/act/delete-attachment', async (request, reply) => {
    const card = cardOf(request.body);
    const attachment = store.attachments.get(request.body.attachmentId ?? '');
    if (!card || attachment?.idCard !== card.id) return bad(reply, 'unknown card or attachment');
    model.deleteAttachment(actor(request.body), card, attachment.id);
    return { ok: true };
  });
}
