import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { argsOf } from './trello-api-routes.ts';
import type { TrelloModel } from './trello-model.ts';
import { CUSTOM_FIELDS_PLUGIN, findBoard, nextId, type SbWebhook } from './trello-store.ts';
import { boardJson } from './trello-views.ts';

type Params = Record<string, string>;

/**
 * Trello's check of a new webhook's callback: "We run a quick HTTP HEAD request on the URL, and if a 200 status
 * code is not returned in the response, then the webhook will not be created." The refusal's wording is the one
 * developers report; undefined when the callback answered 200.
 */
async function callbackRefusal(callbackURL: string): Promise<string | undefined> {
  const refused = `URL (${callbackURL}) did not return 200 status code`;
  try {
    const answer = await fetch(callbackURL, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });
    return answer.status === 200 ? undefined : `${refused}, got ${answer.status}`;
  } catch {
    return refused;
  }
}

function webhookJson({ token: _token, ...hook }: SbWebhook) {
  return { ...hook, consecutiveFailures: 0, firstConsecutiveFailDate: null };
}

/** The token, the member's boards, board power-ups and webhooks: what a member sets up once. */
export function registerTrelloSetupApi(
  app: FastifyInstance,
  model: TrelloModel,
  actorOf: (request: FastifyRequest) => string,
): void {
  const { store } = model;
  const setup = () => store.setup;
  const text = (reply: FastifyReply, code: number, message: string) =>
    reply.code(code).type('text/plain').send(message);

  app.get<{ Params: Params }>('/tokens/:token', async (request) => ({
    id: nextId(store, model.now()),
    identifier: 'backlog-refinery',
    idMember: actorOf(request),
    dateCreated: '2026-01-05T10:00:00.000Z',
    dateExpires: setup().tokenExpires,
    permissions: ['Board', 'Organization'].map((modelType) => ({
      idModel: '*',
      modelType,
      read: true,
      write: setup().tokenWrite,
    })),
  }));

  // The sandbox's API has one caller, the service: its webhooks are those no other token made.
  const own = () => setup().webhooks.filter((hook) => hook.token === undefined);
  app.get('/tokens/:token/webhooks', async () => own().map(webhookJson));

  // trello.js posts to /webhooks/ (trailing slash), as Trello's own docs write it.
  app.post('/webhooks/', async (request, reply) => {
    const args = argsOf(request);
    const board = findBoard(store, args.idModel ?? '');
    if (!board || !args.callbackURL) return text(reply, 400, 'invalid value for idModel');
    if (!setup().tokenWrite) return text(reply, 401, 'unauthorized permission requested');
    if (own().some((h) => h.idModel === board.id && h.callbackURL === args.callbackURL))
      return text(reply, 400, 'A webhook with that callback, model, and token already exists');
    const refusal = await callbackRefusal(args.callbackURL);
    if (refusal) return text(reply, 400, refusal);
    const hook: SbWebhook = {
      id: nextId(store, model.now()),
      idModel: board.id,
      callbackURL: args.callbackURL,
      description: args.description ?? '',
      active: true,
    };
    setup().webhooks.push(hook);
    return webhookJson(hook);
  });

  // Trello checks a callbackURL it is given, as on creation; switching `active` back on checks nothing. What the
  // service changes (callbackURL, active) is modelled; idModel and description are not.
  app.put<{ Params: Params }>('/webhooks/:id', async (request, reply) => {
    const hook = own().find((h) => h.id === request.params.id);
    if (!hook) return text(reply, 404, 'webhook not found');
    const args = argsOf(request);
    if (args.active !== undefined && args.active !== 'true' && args.active !== 'false')
      return text(reply, 400, 'invalid value for active');
    if (!setup().tokenWrite) return text(reply, 401, 'unauthorized permission requested');
    if (args.callbackURL !== undefined && args.callbackURL !== hook.callbackURL) {
      const refusal = await callbackRefusal(args.callbackURL);
      if (refusal) return text(reply, 400, refusal);
    }
    Object.assign(hook, {
      ...(args.callbackURL !== undefined && { callbackURL: args.callbackURL }),
      ...(args.active !== undefined && { active: args.active === 'true' }),
    });
    return webhookJson(hook);
  });

  app.delete<{ Params: Params }>('/webhooks/:id', async (request, reply) => {
    const before = setup().webhooks.length;
    setup().webhooks = setup().webhooks.filter((h) => h.id !== request.params.id || h.token !== undefined);
    return setup().webhooks.length < before ? { _value: null } : text(reply, 404, 'webhook not found');
  });

  app.get<{ Params: Params }>('/members/:id/boards', async (request) => {
    const fields = (argsOf(request).fields ?? 'all').split(',');
    return [...store.boards.values()].map((board) => {
      const json: Record<string, unknown> = boardJson(board);
      return fields.includes('all')
        ? json
        : Object.fromEntries(Object.entries(json).filter(([key]) => key === 'id' || fields.includes(key)));
    });
  });

  app.post<{ Params: Params }>('/boards/:id/boardPlugins', async (request, reply) => {
    const board = findBoard(store, request.params.id ?? '');
    if (!board) return text(reply, 404, 'The requested resource was not found.');
    const idPlugin = argsOf(request).idPlugin;
    if (idPlugin !== CUSTOM_FIELDS_PLUGIN) return text(reply, 400, 'invalid value for idPlugin');
    const enabled = store.boardPlugins.find((p) => p.idBoard === board.id && p.idPlugin === idPlugin);
    if (enabled) return enabled;
    const plugin = { id: nextId(store, model.now()), idBoard: board.id, idPlugin, promotional: false };
    store.boardPlugins.push(plugin);
    return plugin;
  });
}

/** What a test switches on to see the doctor find it (POST /_sandbox/trello/misconfigure). */
export interface TrelloMisconfiguration {
  /** A board id or shortLink whose Custom Fields power-up is turned off. */
  customFieldsOff?: string;
  readOnlyToken?: boolean;
  tokenExpires?: string | null;
  removeWebhooks?: boolean;
  /** Trello gave up on every webhook after failed deliveries: they stay, inactive. */
  inactiveWebhooks?: boolean;
  clockSkewMs?: number;
}

export function misconfigureTrello(model: TrelloModel, change: TrelloMisconfiguration): void {
  const { setup } = model.store;
  const board = change.customFieldsOff ? findBoard(model.store, change.customFieldsOff) : undefined;
  if (board)
    model.store.boardPlugins = model.store.boardPlugins.filter(
      (p) => p.idBoard !== board.id || p.idPlugin !== CUSTOM_FIELDS_PLUGIN,
    );
  if (change.readOnlyToken !== undefined) setup.tokenWrite = !change.readOnlyToken;
  if (change.tokenExpires !== undefined) setup.tokenExpires = change.tokenExpires;
  if (change.removeWebhooks) setup.webhooks = [];
  if (change.inactiveWebhooks) for (const hook of setup.webhooks) hook.active = false;
  if (change.clockSkewMs !== undefined) setup.clockSkewMs = change.clockSkewMs;
}
