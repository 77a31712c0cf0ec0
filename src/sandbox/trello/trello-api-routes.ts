import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TrelloModel } from './trello-model.ts';
import {
  CUSTOM_FIELDS_PLUGIN,
  findBoard,
  findCard,
  findOrganization,
  type SbAction,
  type SbBoard,
  type SbCard,
  TRELLO_ATTACHMENT_NAME_LIMIT,
  TRELLO_TEXT_LIMIT,
} from './trello-store.ts';
import {
  actionCardId,
  actionJson,
  attachmentJson,
  boardJson,
  cardJson,
  fieldItemJson,
  fieldJson,
  labelJson,
  listJson,
  memberJson,
} from './trello-views.ts';

type Params = Record<string, string>;

const NOT_FOUND = 'The requested resource was not found.';

/** Trello takes arguments from the query string or a JSON body; trello.js uses both. */
export function argsOf(request: FastifyRequest): Params {
  const merged: Params = {};
  for (const source of [request.query, request.body]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [key, value] of Object.entries(source)) {
      if (key !== 'key' && key !== 'token')
        merged[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return merged;
}

function rawBody(request: FastifyRequest): Record<string, unknown> {
  return typeof request.body === 'object' && request.body !== null
    ? (request.body as Record<string, unknown>)
    : {};
}

/** Trello answers an over-long description or comment with a plain-text 400 naming the argument. */
function tooLong(reply: FastifyReply, args: Params, ...names: string[]) {
  const name = names.find((n) => (args[n]?.length ?? 0) > TRELLO_TEXT_LIMIT);
  return name ? reply.code(400).type('text/plain').send(`invalid value for ${name}`) : undefined;
}

function notFound(reply: FastifyReply) {
  return reply.code(404).type('text/plain').send(NOT_FOUND);
}

function includes(args: Params) {
  return {
    attachments: args.attachments === 'true',
    checklists: args.checklists === 'all',
    customFieldItems: args.customFieldItems === 'true',
  };
}

/**
 * Trello's action `filter`: types, `all`, and `updateCard:<field>` for the updates of that field, as `data.old` names
 * it (`updateCard:idList` a move to another list, `updateCard:closed` an archiving or a restore).
 */
function actionFiltered(filters: readonly string[], action: SbAction): boolean {
  const { old } = action.data;
  return (
    filters.includes('all') ||
    filters.includes(action.type) ||
    (action.type === 'updateCard' &&
      typeof old === 'object' &&
      old !== null &&
      Object.keys(old).some((field) => filters.includes(`updateCard:${field}`)))
  );
}

export function registerTrelloApi(
  app: FastifyInstance,
  model: TrelloModel,
  actorOf: (r: FastifyRequest) => string,
) {
  const { store } = model;
  const cardOr404 = (request: FastifyRequest<{ Params: Params }>) => findCard(store, request.params.id ?? '');
  const boardOr404 = (request: FastifyRequest<{ Params: Params }>) =>
    findBoard(store, request.params.id ?? '');
  const powerUpOn = (idBoard: string) =>
    store.boardPlugins.some((p) => p.idBoard === idBoard && p.idPlugin === CUSTOM_FIELDS_PLUGIN);
  // Modelled, not captured: without the Power-Up the board's fields cannot be written.
  const powerUpOff = (reply: FastifyReply) =>
    reply.code(403).type('text/plain').send('Custom Fields Power-Up is not enabled on this board');
  // Modelled, not captured: a move naming a board but no list lands in the board's first open list.
  const firstList = (idBoard: string) =>
    [...store.lists.values()]
      .filter((l) => l.idBoard === idBoard && !l.closed)
      .sort((a, b) => a.pos - b.pos)[0];
  const boardCards = (board: SbBoard) =>
    [...store.cards.values()].filter((c) => c.idBoard === board.id && !c.closed);

  /**
   * A nested action list, newest first: `since` and `before` take a date or an action id (ids sort by creation, like
   * Trello's), and `limit` (50 unless given) at most 1,000, else Trello's plain-text 400 (wording modelled).
   */
  function actionPage(reply: FastifyReply, actions: SbAction[], args: Params) {
    const limit = Number(args.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 0 || limit > 1000)
      return reply.code(400).type('text/plain').send('invalid value for limit');
    const bound = (value: string | undefined) =>
      /^[0-9a-f]{24}$/.test(value ?? '')
        ? { id: value }
        : { at: value ? Date.parse(value) || undefined : undefined };
    const since = bound(args.since);
    const before = bound(args.before);
    return actions
      .filter(
        (a) =>
          (since.at === undefined || Date.parse(a.date) > since.at) &&
          (since.id === undefined || a.id > since.id) &&
          (before.at === undefined || Date.parse(a.date) < before.at) &&
          (before.id === undefined || a.id < before.id),
      )
      .reverse()
      .slice(0, limit)
      .map((a) => actionJson(store, a));
  }

  function cardPage(cards: SbCard[], args: Params) {
    const limit = Math.min(Number(args.limit ?? 1000), 1000);
    return cards
      .filter((c) => !args.before || c.id < args.before)
      .sort((a, b) => b.id.localeCompare(a.id))
      .slice(0, limit)
      .map((c) => cardJson(store, c, includes(args)));
  }

  // A card on a board the member is not on (one moved there by someone who is) answers 401, as Trello does for
  // a card the token may not see; the wording is modelled, not captured.
  app.addHook('preHandler', async (request: FastifyRequest<{ Params: Params }>, reply) => {
    if (!/\/cards\/:id(\/|$)/.test(request.routeOptions.url ?? '')) return;
    const card = cardOr404(request);
    const members = card && store.boards.get(card.idBoard)?.members;
    if (members && !members.some((m) => m.idMember === actorOf(request)))
      return reply.code(401).type('text/plain').send('unauthorized card permission requested');
  });

  app.get<{ Params: Params }>('/members/:id', async (request, reply) => {
    const id = request.params.id === 'me' ? actorOf(request) : request.params.id;
    const member = store.members.get(id ?? '');
    return member ? memberJson(member) : notFound(reply);
  });

  /** A Workspace's members by id or name, with the fields Trello lists members with unless asked for others. */
  app.get<{ Params: Params }>('/organizations/:id/members', async (request, reply) => {
    const organization = findOrganization(store, request.params.id ?? '');
    if (!organization) return notFound(reply);
    return organization.members.flatMap((id) => {
      const member = store.members.get(id);
      return member ? [{ id: member.id, fullName: member.fullName, username: member.username }] : [];
    });
  });

  app.get<{ Params: Params }>('/cards/:id', async (request, reply) => {
    const card = cardOr404(request);
    return card ? cardJson(store, card, includes(argsOf(request))) : notFound(reply);
  });

  app.post('/cards', async (request, reply) => {
    const args = argsOf(request);
    const list = store.lists.get(args.idList ?? '');
    if (!list) return reply.code(400).type('text/plain').send('invalid value for idList');
    const rejected = tooLong(reply, args, 'desc');
    if (rejected) return rejected;
    const idLabels = args.idLabels ? args.idLabels.split(',') : [];
    const card = model.createCard(actorOf(request), list, {
      name: args.name ?? '',
      desc: args.desc ?? '',
      idLabels,
    });
    return cardJson(store, card);
  });

  app.put<{ Params: Params }>('/cards/:id', async (request, reply) => {
    const card = cardOr404(request);
    if (!card) return notFound(reply);
    const args = argsOf(request);
    const target = args.idBoard !== undefined ? findBoard(store, args.idBoard) : undefined;
    if (args.idBoard !== undefined && !target) return reply.code(400).send('invalid value for idBoard');
    const list = args.idList !== undefined ? store.lists.get(args.idList) : target && firstList(target.id);
    if ((args.idList !== undefined || target) && (!list || (target && list.idBoard !== target.id)))
      return reply.code(400).send('invalid value for idList');
    const rejected = tooLong(reply, args, 'desc');
    if (rejected) return rejected;
    const changes = {
      ...(args.desc !== undefined ? { desc: args.desc } : {}),
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.closed !== undefined ? { closed: args.closed === 'true' } : {}),
    };
    // A list of another board takes the card to that board (a move between boards, not between lists).
    if (list && list.idBoard !== card.idBoard) {
      model.moveCardToBoard(actorOf(request), card, list);
      if (Object.keys(changes).length > 0) model.updateCard(actorOf(request), card, changes);
    } else model.updateCard(actorOf(request), card, { ...(list ? { idList: list.id } : {}), ...changes });
    return cardJson(store, card);
  });

  app.get<{ Params: Params }>('/cards/:id/actions', async (request, reply) => {
    const card = cardOr404(request);
    if (!card) return notFound(reply);
    const args = argsOf(request);
    const filters = (args.filter ?? 'commentCard,updateCard:idList').split(',');
    return actionPage(
      reply,
      store.actions.filter((a) => actionCardId(a) === card.id && actionFiltered(filters, a)),
      args,
    );
  });

  app.post<{ Params: Params }>('/cards/:id/actions/comments', async (request, reply) => {
    const card = cardOr404(request);
    if (!card) return notFound(reply);
    const rejected = tooLong(reply, argsOf(request), 'text');
    if (rejected) return rejected;
    return actionJson(store, model.comment(actorOf(request), card, argsOf(request).text ?? ''));
  });

  function ownComment(request: FastifyRequest<{ Params: Params }>) {
    const card = cardOr404(request);
    const comment = store.actions.find((a) => a.id === request.params.idAction && a.type === 'commentCard');
    return card && comment && actionCardId(comment) === card.id ? { card, comment } : undefined;
  }

  app.put<{ Params: Params }>('/cards/:id/actions/:idAction/comments', async (request, reply) => {
    const found = ownComment(request);
    if (!found) return notFound(reply);
    if (found.comment.idMemberCreator !== actorOf(request))
      return reply.code(401).send('unauthorized comment permissions');
    const rejected = tooLong(reply, argsOf(request), 'text');
    if (rejected) return rejected;
    model.editComment(actorOf(request), found.card, found.comment, argsOf(request).text ?? '');
    return actionJson(store, found.comment);
  });

  app.delete<{ Params: Params }>('/cards/:id/actions/:idAction/comments', async (request, reply) => {
    const found = ownComment(request);
    if (!found) return notFound(reply);
    if (found.comment.idMemberCreator !== actorOf(request))
      return reply.code(401).send('unauthorized comment permissions');
    model.deleteComment(actorOf(request), found.card, found.comment);
    return { _value: null };
  });

  app.put<{ Params: Params }>('/cards/:id/customField/:idField/item', async (request, reply) => {
    const card = cardOr404(request);
    const field = store.fields.get(request.params.idField ?? '');
    if (!card || !field || field.idModel !== card.idBoard) return notFound(reply);
    if (!powerUpOn(card.idBoard)) return powerUpOff(reply);
    const value = rawBody(request).value;
    if (value === '' || (typeof value === 'object' && value !== null && Object.keys(value).length === 0)) {
      model.setFieldItem(actorOf(request), card, field, undefined);
      return {};
    }
    const entries = typeof value === 'object' && value !== null ? Object.entries(value) : [];
    const typed = entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    if (typed.length !== 1 || (field.type === 'number' && Number.isNaN(Number(typed[0]![1])))) {
      return reply.code(400).type('text/plain').send('Invalid custom field item value.');
    }
    model.setFieldItem(actorOf(request), card, field, Object.fromEntries(typed));
    const item = [...store.fieldItems.values()].find(
      (i) => i.idModel === card.id && i.idCustomField === field.id,
    )!;
    return fieldItemJson(item);
  });

  app.post<{ Params: Params }>('/cards/:id/idLabels', async (request, reply) => {
    const card = cardOr404(request);
    const label = store.labels.get(argsOf(request).value ?? '');
    if (!card || !label || label.idBoard !== card.idBoard) return notFound(reply);
    if (card.idLabels.includes(label.id))
      return reply.code(400).type('text/plain').send('that label is already on the card');
    model.setLabel(actorOf(request), card, label, true);
    return card.idLabels;
  });

  app.delete<{ Params: Params }>('/cards/:id/idLabels/:idLabel', async (request, reply) => {
    const card = cardOr404(request);
    const label = store.labels.get(request.params.idLabel ?? '');
    if (!card || !label) return notFound(reply);
    model.setLabel(actorOf(request), card, label, false);
    return card.idLabels;
  });

  app.get<{ Params: Params }>('/cards/:id/attachments', async (request, reply) => {
    const card = cardOr404(request);
    if (!card) return notFound(reply);
    return [...store.attachments.values()].filter((a) => a.idCard === card.id).map(attachmentJson);
  });

  app.post<{ Params: Params }>('/cards/:id/attachments', async (request, reply) => {
    const card = cardOr404(request);
    if (!card) return notFound(reply);
    const { url, name } = argsOf(request);
    if (!url || !/^https?:\/\//.test(url))
      return reply.code(400).type('text/plain').send('invalid value for url');
    if ((name?.length ?? 0) > TRELLO_ATTACHMENT_NAME_LIMIT)
      return reply.code(400).type('text/plain').send('invalid value for name');
    const id = model.addAttachment(actorOf(request), card, url, name ?? url);
    return attachmentJson(store.attachments.get(id)!);
  });

  app.delete<{ Params: Params }>('/cards/:id/attachments/:idAttachment', async (request, reply) => {
    const card = cardOr404(request);
    const attachment = store.attachments.get(request.params.idAttachment ?? '');
    if (!card || !attachment || attachment.idCard !== card.id) return notFound(reply);
    model.deleteAttachment(actorOf(request), card, attachment.id);
    return { limits: {} };
  });

  app.get<{ Params: Params }>('/cards/:id/checklists', async (request, reply) => {
    const card = cardOr404(request);
    return card ? [...store.checklists.values()].filter((c) => c.idCard === card.id) : notFound(reply);
  });

  app.get<{ Params: Params }>('/checklists/:id', async (request, reply) => {
    const checklist = store.checklists.get(request.params.id ?? '');
    if (!checklist) return notFound(reply);
    const fields = argsOf(request).fields;
    const json: Record<string, unknown> = { ...checklist };
    if (!fields || fields === 'all') return json;
    return Object.fromEntries(
      Object.entries(json).filter(([key]) => key === 'id' || fields.split(',').includes(key)),
    );
  });

  app.get<{ Params: Params }>('/boards/:id', async (request, reply) => {
    const board = boardOr404(request);
    if (!board) return notFound(reply);
    // Honouring `fields` matters: a personal board's full JSON has `idOrganization: null`, which trello.js rejects.
    const fields = argsOf(request).fields;
    const json: Record<string, unknown> = boardJson(board);
    if (!fields || fields === 'all') return json;
    return Object.fromEntries(
      Object.entries(json).filter(([key]) => key === 'id' || fields.split(',').includes(key)),
    );
  });

  app.get<{ Params: Params }>('/boards/:id/memberships', async (request, reply) => {
    const board = boardOr404(request);
    if (!board) return notFound(reply);
    const actor = actorOf(request);
    const members =
      board.members ??
      [...store.members.keys()].map((idMember) => ({
        idMember,
        memberType: idMember === actor ? ('admin' as const) : ('normal' as const),
      }));
    return members.map((member, index) => ({
      id: `${board.id.slice(0, 16)}${String(index).padStart(8, '0')}`,
      idMember: member.idMember,
      memberType: member.memberType,
      unconfirmed: false,
      deactivated: false,
    }));
  });

  app.get<{ Params: Params }>('/boards/:id/lists', async (request, reply) => {
    const board = boardOr404(request);
    if (!board) return notFound(reply);
    const filter = argsOf(request).filter ?? 'open';
    return [...store.lists.values()]
      .filter((l) => l.idBoard === board.id && (filter === 'all' || l.closed === (filter === 'closed')))
      .sort((a, b) => a.pos - b.pos)
      .map(listJson);
  });

  app.post<{ Params: Params }>('/boards/:id/lists', async (request, reply) => {
    const board = boardOr404(request);
    if (!board) return notFound(reply);
    return listJson(model.createList(board.id, argsOf(request).name ?? ''));
  });

  app.get<{ Params: Params }>('/boards/:id/cards', async (request, reply) => {
    const board = boardOr404(request);
    return board ? cardPage(boardCards(board), argsOf(request)) : notFound(reply);
  });

  app.get<{ Params: Params }>('/lists/:id', async (request, reply) => {
    const list = store.lists.get(request.params.id ?? '');
    return list ? listJson(list) : notFound(reply);
  });

  app.get<{ Params: Params }>('/lists/:id/cards', async (request, reply) => {
    const list = store.lists.get(request.params.id ?? '');
    if (!list) return notFound(reply);
    const cards = [...store.cards.values()].filter((c) => c.idList === list.id && !c.closed);
    return cardPage(cards, argsOf(request));
  });

  app.get<{ Params: Params }>('/boards/:id/boardPlugins', async (request, reply) => {
    const board = boardOr404(request);
    return board ? store.boardPlugins.filter((p) => p.idBoard === board.id) : notFound(reply);
  });

  app.get<{ Params: Params }>('/boards/:id/customFields', async (request, reply) => {
    const board = boardOr404(request);
    return board
      ? [...store.fields.values()].filter((f) => f.idModel === board.id).map(fieldJson)
      : notFound(reply);
  });

  app.post('/customFields', async (request, reply) => {
    const body = rawBody(request);
    const board = findBoard(store, String(body.idModel ?? ''));
    if (!board || typeof body.name !== 'string' || typeof body.type !== 'string') {
      return reply.code(400).type('text/plain').send('invalid custom field');
    }
    if (!powerUpOn(board.id)) return powerUpOff(reply);
    return fieldJson(model.createField(board.id, body.name, body.type, body.display_cardFront === true));
  });

  app.get<{ Params: Params }>('/boards/:id/labels', async (request, reply) => {
    const board = boardOr404(request);
    return board
      ? [...store.labels.values()].filter((l) => l.idBoard === board.id).map(labelJson)
      : notFound(reply);
  });

  app.post<{ Params: Params }>('/boards/:id/labels', async (request, reply) => {
    const board = boardOr404(request);
    if (!board) return notFound(reply);
    const { name, color } = argsOf(request);
    return labelJson(model.createLabel(board.id, name ?? '', !color || color === 'null' ? null : color));
  });

  app.get<{ Params: Params }>('/boards/:id/actions', async (request, reply) => {
    const board = boardOr404(request);
    if (!board) return notFound(reply);
    const args = argsOf(request);
    const filters = (args.filter ?? 'all').split(',');
    return actionPage(
      reply,
      store.actions.filter(
        (a) => (a.data.board as { id?: string } | undefined)?.id === board.id && actionFiltered(filters, a),
      ),
      args,
    );
  });

  app.get('/search', async (request) => {
    const args = argsOf(request);
    const words = (args.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const limit = Number(args.cards_limit ?? 10);
    const page = Number(args.cards_page ?? 0);
    const cards = [...store.cards.values()]
      .filter((c) => !c.closed && words.every((w) => `${c.name} ${c.desc}`.toLowerCase().includes(w)))
      .slice(page * limit, (page + 1) * limit)
      .map((c) => cardJson(store, c));
    return { options: { terms: words.map((text) => ({ text })), modelTypes: ['cards'] }, cards };
  });
}
