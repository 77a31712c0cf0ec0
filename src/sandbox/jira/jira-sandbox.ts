import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createLedger, type Effect, silentLedger } from '../ledger.ts';
import type { RecordedWrite, SandboxFault, SandboxPart, SandboxWebhookTarget } from '../sandbox-part.ts';
import type { ApiDeps } from './api-deps.ts';
import { fieldContextRoutes } from './field-contexts.ts';
import {
  actorOf,
  issueNotFound,
  jiraError,
  type RateLimitAnswer,
  takeFault,
  tooManyRequests,
} from './http.ts';
import { createIssueWriteLimit, type IssueWriteWindow } from './issue-write-limit.ts';
import { createPersonActions, type PersonActions, toAdf } from './person-actions.ts';
import { agileRoutes } from './routes-agile.ts';
import { changelogRoutes } from './routes-changelogs.ts';
import { commentRoutes } from './routes-comments.ts';
import { controlRoutes } from './routes-control.ts';
import { issueRoutes } from './routes-issues.ts';
import { linkRoutes } from './routes-links.ts';
import { permissionRoutes } from './routes-permissions.ts';
import { screenRoutes } from './routes-screens.ts';
import { searchRoutes } from './routes-search.ts';
import {
  DEFAULT_ADMIN_WEBHOOK_EVENTS,
  type JiraMisconfiguration,
  misconfigure,
  setupRoutes,
} from './routes-setup.ts';
import { applySeed, type JiraSeed, type SeedResult } from './seed.ts';
import { createState, type JiraState } from './state.ts';
import { createWebhookSender, type Delivery } from './webhooks.ts';
import type { JiraWorld } from './world.ts';

export interface JiraSandboxOptions {
  webhook?: SandboxWebhookTarget;
  botAccountId?: string;
  now?: () => Date;
  /**
   * Enforce Jira's per-issue write limit with these windows (`JIRA_ISSUE_WRITE_WINDOWS`, as Jira Cloud does; the
   * stacks do). Absent: not enforced, so a test may write to one issue as fast as it likes.
   */
  issueWriteLimit?: readonly IssueWriteWindow[];
}

/** A request answered 429, injected or refused by the per-issue write limit. */
export interface RateLimitedRequest {
  at: string;
  method: string;
  path: string;
  reason: string;
}

export interface JiraSandbox extends SandboxPart {
  /** Basic-auth credentials of the bot account, for createJiraTracker. */
  readonly botCredentials: { email: string; apiToken: string; accountId: string };
  readonly state: JiraState;
  readonly deliveries: Delivery[];
  readonly act: PersonActions;
  /** Every effect a write had, per item, in order (seeding is not recorded). */
  readonly ledger: readonly Effect[];
  /** Every API request answered, reads too, in order (`GET /rest/api/3/field`, no query): what a job costs. */
  readonly requests: readonly string[];
  /** Every 429 answered, in order: a service that paces itself gets none. */
  readonly rateLimited: readonly RateLimitedRequest[];
  seed(seed: JiraSeed): SeedResult;
  /** Resolves when every webhook queued so far was delivered or given up on. */
  settled(): Promise<void>;
}

const PREFIX = '/jira';
const ISSUE_PATH = /^\/rest\/api\/[23]\/issue\/(?!createmeta|bulkfetch|picker)[^/]+/;
const BOT_EMAIL = 'refinery-bot@sandbox.test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createJiraSandbox(options: JiraSandboxOptions = {}): JiraSandbox {
  const botAccountId = options.botAccountId ?? '712020:sandbox-refinery-bot';
  const bot = {
    accountId: botAccountId,
    displayName: 'Backlog Refinery',
    email: BOT_EMAIL,
    accountType: 'app' as const,
  };
  const webhooks = createWebhookSender(options.webhook);
  const writes: RecordedWrite[] = [];
  const requests: string[] = [];
  const rateLimited: RateLimitedRequest[] = [];
  const faults: SandboxFault[] = [];
  const actors = new WeakMap<FastifyRequest, string>();
  const lateAnswers = new WeakMap<FastifyRequest, number>();
  const now = options.now ?? (() => new Date());
  const ledger = createLedger(now);
  const issueWrites = options.issueWriteLimit && createIssueWriteLimit(options.issueWriteLimit, now);
  // A spent quota (points per hour) refuses every request of the site until it resets, not the one request only.
  let quotaShut: { reason: string; until: number } | undefined;
  let site = `http://127.0.0.1${PREFIX}`;
  // The site's admin webhook points where the sandbox delivers, as an admin would have set it up.
  const freshState = () => {
    const state = createState(bot);
    if (options.webhook) {
      state.setup.adminWebhooks.push({
        id: state.nextId.webhook++,
        name: 'backlog-refinery',
        url: options.webhook.url,
        events: [...DEFAULT_ADMIN_WEBHOOK_EVENTS],
        enabled: true,
      });
    }
    return state;
  };
  const world: JiraWorld = {
    state: freshState(),
    now,
    site: () => site,
    webhooks,
    botAccountId,
    ledger,
  };
  const act = createPersonActions(world);
  const deps: ApiDeps = { world, actor: (request) => actors.get(request) ?? botAccountId };

  function reset(): void {
    // In place: route modules hold on to the state object.
    Object.assign(world.state, freshState());
    writes.length = 0;
    requests.length = 0;
    rateLimited.length = 0;
    quotaShut = undefined;
    issueWrites?.reset();
    ledger.clear();
    faults.length = 0;
    webhooks.reset();
  }

  function seed(input: JiraSeed): SeedResult {
    const silent = { ...webhooks, send: () => {} };
    return applySeed({ ...world, webhooks: silent, ledger: silentLedger }, input, toAdf);
  }

  function registerApi(api: FastifyInstance): void {
    // Clients (jira.js among them) send Content-Type: application/json on bodiless DELETEs; Jira accepts that.
    api.removeContentTypeParser('application/json');
    api.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      if (body === '') return done(null, undefined);
      try {
        done(null, JSON.parse(String(body)));
      } catch {
        done(Object.assign(new Error('Unexpected character in JSON body'), { statusCode: 400 }), undefined);
      }
    });
    api.addHook('onRequest', async (request, reply) => {
      site = `${request.protocol}://${request.host}${PREFIX}`;
      const path = request.url.slice(PREFIX.length).split('?')[0] ?? '';
      const refuse = (answer: RateLimitAnswer) => {
        rateLimited.push({
          at: world.now().toISOString(),
          method: request.method,
          path,
          reason: answer.reason ?? 'jira-burst-based',
        });
        return tooManyRequests(reply, answer, request.method, world.now());
      };
      const quotaLeftMs = (quotaShut?.until ?? 0) - world.now().getTime();
      if (quotaShut && quotaLeftMs > 0)
        return refuse({ reason: quotaShut.reason, retryAfterSeconds: Math.ceil(quotaLeftMs / 1_000) });
      const fault = takeFault(faults, request.method, path);
      if (fault?.delayMs) await sleep(fault.delayMs);
      if (fault?.status === 429) {
        const { rateLimitReason: reason, retryAfterSeconds } = fault;
        if (reason?.startsWith('jira-quota-') && retryAfterSeconds !== undefined)
          quotaShut = { reason, until: world.now().getTime() + retryAfterSeconds * 1_000 };
        return refuse({ reason, retryAfterSeconds });
      }
      if (fault && fault.status > 0) {
        if (fault.retryAfterSeconds !== undefined)
          reply.header('Retry-After', String(fault.retryAfterSeconds));
        return jiraError(reply, fault.status, [`Sandbox fault: ${fault.status}`]);
      }
      const actor = actorOf(world.state, request);
      // Jira serves a token it no longer takes as no login: an anonymous visitor, who may browse nothing here.
      const expired = actor === botAccountId && world.state.setup.botTokenExpired;
      if (expired) reply.header('X-Seraph-LoginReason', 'AUTHENTICATED_FAILED');
      if (expired && ISSUE_PATH.test(path)) return issueNotFound(reply);
      if (!actor || expired) {
        return jiraError(reply, 401, [
          'You are not authenticated. Authentication required to perform this operation.',
        ]);
      }
      const refused = issueWrites?.take(world.state, request.method, path);
      if (refused) return refuse({ reason: 'jira-per-issue-on-write', ...refused });
      actors.set(request, actor);
      if (fault?.delayAfterMs) lateAnswers.set(request, fault.delayAfterMs);
      return undefined;
    });
    const record = (request: FastifyRequest, status: number) => {
      if (request.method === 'GET' || status >= 400) return;
      writes.push({
        at: world.now().toISOString(),
        method: request.method,
        path: request.url.slice(PREFIX.length),
        body: request.body ?? null,
        actor: actors.get(request) ?? '',
      });
    };
    api.addHook('onSend', async (request, reply, payload) => {
      const skewMs = world.state.setup.clockSkewMs;
      if (skewMs !== 0) reply.header('date', new Date(world.now().getTime() + skewMs).toUTCString());
      const delayMs = lateAnswers.get(request);
      if (delayMs === undefined) return payload;
      // Recorded now: the write landed, and a client that dies during the delay means onResponse never runs.
      record(request, reply.statusCode);
      await sleep(delayMs);
      return payload;
    });
    api.addHook('onResponse', async (request, reply) => {
      requests.push(`${request.method} ${request.url.slice(PREFIX.length).split('?')[0]}`);
      if (!lateAnswers.has(request)) record(request, reply.statusCode);
    });
    for (const routes of [
      issueRoutes,
      changelogRoutes,
      searchRoutes,
      commentRoutes,
      linkRoutes,
      agileRoutes,
      permissionRoutes,
      setupRoutes,
      screenRoutes,
      fieldContextRoutes,
    ])
      routes(api, deps);
  }

  return {
    name: 'jira',
    prefix: PREFIX,
    writes,
    requests,
    rateLimited,
    ledger: ledger.effects,
    botCredentials: { email: BOT_EMAIL, apiToken: 'sandbox-token', accountId: botAccountId },
    get state() {
      return world.state;
    },
    deliveries: webhooks.deliveries,
    act,
    seed,
    settled: () => webhooks.idle(),
    register(app) {
      app.register(async (api) => registerApi(api), { prefix: PREFIX });
      app.register(
        async (control) =>
          controlRoutes(control, {
            actions: act,
            seed,
            reset,
            injectFault: (fault) => faults.push({ ...fault }),
            dump: () => dumpState(world.state),
            writes: () => writes,
            ledger: () => ledger.effects,
            deliveries: async () => webhooks.deliveries,
          }),
        { prefix: '/_sandbox/jira' },
      );
      app.post<{ Body: JiraMisconfiguration }>('/_sandbox/jira/misconfigure', async (request) => {
        misconfigure(world.state, request.body ?? {});
        return { ok: true };
      });
    },
    injectFault(fault) {
      faults.push({ ...fault });
    },
    reset,
  };
}

function dumpState(state: JiraState) {
  return {
    users: [...state.users.values()],
    projects: [...state.projects.values()],
    issues: [...state.issues.values()],
    comments: state.comments,
    links: state.links,
    remoteLinks: state.remoteLinks,
    boards: [...state.boards.values()],
    sprints: [...state.sprints.values()],
  };
}
