import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createLedger, type Effect, type LedgerQuery, ledgerView } from '../ledger.ts';
import type { RecordedWrite, SandboxFault, SandboxPart, SandboxWebhookTarget } from '../sandbox-part.ts';
import { argsOf, registerTrelloApi } from './trello-api-routes.ts';
import {
  registerTrelloControl,
  type SeedBoard,
  type SeededBoard,
  seedBoard,
} from './trello-control-routes.ts';
import { createTrelloModel } from './trello-model.ts';
import {
  misconfigureTrello,
  registerTrelloSetupApi,
  type TrelloMisconfiguration,
} from './trello-setup-routes.ts';
import { createStore, type TrelloStore } from './trello-store.ts';

function stateJson(store: TrelloStore) {
  return Object.fromEntries(
    Object.entries(store).map(([name, value]) => [name, value instanceof Map ? [...value.values()] : value]),
  );
}

import { createWebhookSender } from './trello-webhook-sender.ts';

export interface TrelloSandboxOptions {
  /** Where signed deliveries go; `url` is also the callbackURL the signature covers. */
  webhook?: SandboxWebhookTarget;
  botMemberId?: string;
  rateLimit?: { perToken: number; perKey: number; windowMs: number };
  now?: () => Date;
}

export interface TrelloSandboxCounters {
  requests: number;
  writes: number;
  rateLimited: number;
}

export interface TrelloSandbox extends SandboxPart {
  readonly botMemberId: string;
  readonly personMemberId: string;
  readonly counters: TrelloSandboxCounters;
  /** Every effect a write had, per card, in order (seeding is not recorded). */
  readonly ledger: readonly Effect[];
  seedBoard(input: SeedBoard): SeededBoard;
  /** Resolves when every webhook caused so far was delivered or given up. */
  webhooksIdle(): Promise<void>;
  readonly webhookCounters: { delivered: number; failedAttempts: number; dropped: number };
  state(): TrelloStore;
}

const DEFAULT_RATE_LIMIT = { perToken: 100, perKey: 300, windowMs: 10_000 };
const PERSON_ID = '5a00000000000000000000b0';
const DEFAULT_BOT_ID = '5a00000000000000000000a0';

/** A stateful fake of api.trello.com/1 for the adapter, the demo and end-to-end tests. */
export function createTrelloSandbox(options: TrelloSandboxOptions = {}): TrelloSandbox {
  const now = options.now ?? (() => new Date());
  const limits = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const botMemberId = options.botMemberId ?? DEFAULT_BOT_ID;
  const webhooks = createWebhookSender(options.webhook);
  const writes: RecordedWrite[] = [];
  const counters: TrelloSandboxCounters = { requests: 0, writes: 0, rateLimited: 0 };
  let faults: SandboxFault[] = [];
  /** Requests handled at once whose answer waits: a client that gives up meanwhile never learns its write landed. */
  const lateAnswers = new WeakMap<FastifyRequest, number>();
  let windows = new Map<string, number[]>();
  const ledger = createLedger(now);
  const model = createTrelloModel(createStore(), now, webhooks, ledger);

  function addMembers(): void {
    model.store.members.set(botMemberId, {
      id: botMemberId,
      fullName: 'Backlog Refinery',
      username: 'backlogrefinery',
      initials: 'BR',
    });
    model.store.members.set(PERSON_ID, {
      id: PERSON_ID,
      fullName: 'Pat Person',
      username: 'patperson',
      initials: 'PP',
    });
  }
  addMembers();

  function takeSlot(name: string, limit: number, at: number): boolean {
    const times = (windows.get(name) ?? []).filter((t) => t > at - limits.windowMs);
    windows.set(name, times);
    return times.length < limit;
  }

  async function guard(request: FastifyRequest, reply: FastifyReply, prefix: string) {
    counters.requests += 1;
    const path = request.url.slice(prefix.length).split('?')[0] ?? '';
    const fault = faults.find(
      (f) => f.count > 0 && path.startsWith(f.pathPrefix) && (!f.method || f.method === request.method),
    );
    if (fault) {
      fault.count -= 1;
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.status === 0 && fault.delayAfterMs) lateAnswers.set(request, fault.delayAfterMs);
      if (fault.status !== 0) {
        if (fault.retryAfterSeconds !== undefined)
          reply.header('retry-after', String(fault.retryAfterSeconds));
        return reply.code(fault.status).type('text/plain').send('Sandbox fault');
      }
    }
    const query = request.query as Record<string, string | undefined>;
    if (!query.key || !query.token) return reply.code(401).type('text/plain').send('invalid key');
    const at = now().getTime();
    const tokenKey = `token:${query.token}`;
    const apiKey = `key:${query.key}`;
    const error = !takeSlot(tokenKey, limits.perToken, at)
      ? 'API_TOKEN_LIMIT_EXCEEDED'
      : !takeSlot(apiKey, limits.perKey, at)
        ? 'API_KEY_LIMIT_EXCEEDED'
        : undefined;
    if (error) {
      counters.rateLimited += 1;
      return reply.code(429).send({ error, message: 'Rate limit exceeded' });
    }
    windows.get(tokenKey)!.push(at);
    windows.get(apiKey)!.push(at);
    if (request.method !== 'GET') {
      counters.writes += 1;
      writes.push({
        at: now().toISOString(),
        method: request.method,
        path,
        body: argsOf(request),
        actor: botMemberId,
      });
    }
    return undefined;
  }

  const prefix = '/trello/1';
  const sandbox: TrelloSandbox = {
    name: 'trello',
    prefix,
    writes,
    ledger: ledger.effects,
    counters,
    botMemberId,
    personMemberId: PERSON_ID,
    get webhookCounters() {
      return webhooks.counters;
    },
    register(app: FastifyInstance) {
      app.register(
        async (api) => {
          api.addHook('onRequest', (request, reply) => guard(request, reply, prefix));
          api.addHook('onSend', async (request, reply, payload) => {
            const skewMs = model.store.setup.clockSkewMs;
            if (skewMs !== 0) reply.header('date', new Date(now().getTime() + skewMs).toUTCString());
            const lateMs = lateAnswers.get(request);
            if (lateMs !== undefined) await sleep(lateMs);
            return payload;
          });
          registerTrelloApi(api, model, () => botMemberId);
          registerTrelloSetupApi(api, model, () => botMemberId);
        },
        { prefix },
      );
      app.register(
        async (control) => {
          registerTrelloControl(control, model, {
            personId: PERSON_ID,
            state: () => stateJson(model.store),
            ledger: (query: LedgerQuery) => ledgerView(ledger.effects, query),
            injectFault: (fault) => sandbox.injectFault(fault),
            reset: () => sandbox.reset(),
          });
          control.post<{ Body: TrelloMisconfiguration }>('/misconfigure', async (request) => {
            misconfigureTrello(model, request.body ?? {});
            return { ok: true };
          });
        },
        { prefix: '/_sandbox/trello' },
      );
    },
    injectFault(fault) {
      faults.push({ ...fault });
    },
    reset() {
      Object.assign(model.store, createStore());
      addMembers();
      writes.length = 0;
      ledger.clear();
      Object.assign(counters, { requests: 0, writes: 0, rateLimited: 0 });
      faults = [];
      windows = new Map();
    },
    seedBoard: (input) => seedBoard(model, input),
    webhooksIdle: () => webhooks.idle(),
    state: () => model.store,
  };
  return sandbox;
}
