import { STATUS_CODES } from 'node:http';
import { fileURLToPath } from 'node:url';
import cookie, { Signer, type UnsignResult } from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { type ConsoleUser, signedInWithCurrentToken, type UserStore } from '../../console/users.ts';
import {
  type ConsoleActions,
  type ConsolePerson,
  type ReadModel,
  StaleAction,
  UnknownTarget,
} from '../../read-model/index.ts';
import { HttpError } from '../errors.ts';
import { useSecurityHeaders } from '../plugins/security-headers.ts';
import { type Html, html } from './html.ts';
import { barePage, CONSOLE_PREFIX, layout, type PageFrame } from './layout.ts';
import { registerPages } from './pages/index.ts';
import { registerSignIn } from './pages/sign-in.ts';
import { SESSION_TTL_SECONDS, type SessionStore } from './sessions.ts';

export interface ConsoleDeps {
  users: UserStore;
  sessions: SessionStore;
  readModel: ReadModel;
  actions: ConsoleActions;
  /** Sign-in attempts allowed per client address and minute before 429. */
  signInsPerMinute?: number;
}

/** What the page modules use: who is signed in, the frame around a page, replies in HTML. */
export interface ConsoleContext extends ConsoleDeps {
  config: Config;
  user(request: FastifyRequest): ConsoleUser;
  person(request: FastifyRequest): ConsolePerson;
  frame(request: FastifyRequest, reply: FastifyReply, current: string): Promise<PageFrame>;
  /** A signed-in page: layout around the content. */
  page(
    request: FastifyRequest,
    reply: FastifyReply,
    current: string,
    title: string,
    content: Html | ((frame: PageFrame) => Html),
  ): Promise<FastifyReply>;
  sendHtml(reply: FastifyReply, page: Html, status?: number): FastifyReply;
  /** Editors only; viewers get 403. */
  requireEditor(request: FastifyRequest): void;
  cookieOptions: { path: string; httpOnly: true; sameSite: 'strict'; secure: boolean; signed: true };
}

export const SESSION_COOKIE = 'refinery_session';
const SIGN_INS_PER_MINUTE = 10;
const ASSET_DIR = fileURLToPath(new URL('./assets/', import.meta.url));
const PUBLIC_PATHS = new Set([`${CONSOLE_PREFIX}/login`]);

const OFF_MESSAGE = html`<p>The console is off until people are configured. The operator adds someone with</p>
<pre><code>npm run console -- add-user NAME --role viewer|editor</code></pre>
<p>which prints that person's sign-in token once.</p>`;

const REDIS_RETRY_AFTER_SECONDS = '10';
const REDIS_DOWN_MESSAGE = html`<p>The console cannot reach Redis, where its pages and sessions live. Try again in a
few seconds. After a button, look at the page before you press it again: the action may have been queued.</p>
<p>If this lasts, the operator finds the cause in the service log; <code>/readyz</code> answers 503 meanwhile.</p>`;

/**
 * A signer whose secret comes from Redis on the first request (not at start-up, so the API starts while Redis
 * is still down, like the webhook intake does).
 */
interface CookieSigner {
  sign(value: string): string;
  unsign(value: string): UnsignResult;
}

function lazySigner(load: () => Promise<string>): { signer: CookieSigner; ready: () => Promise<void> } {
  let signer: Signer | undefined;
  let loading: Promise<void> | undefined;
  const current = () => {
    if (!signer) throw new Error('the console cookie secret is not loaded yet');
    return signer;
  };
  return {
    signer: {
      sign: (value: string) => current().sign(value),
      unsign: (value: string) => current().unsign(value),
    },
    ready: () => {
      if (signer) return Promise.resolve();
      loading ??= load().then(
        (secret) => {
          signer = new Signer(secret);
        },
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
  };
}

function registerDisabled(app: FastifyInstance): void {
  app.register(
    async (scope) => {
      const off = async (_request: FastifyRequest, reply: FastifyReply) =>
        reply
          .status(404)
          .type('text/html; charset=utf-8')
          .send(
            barePage('Console not available', html`<p>The console is not served by this process.</p>`).value,
          );
      scope.all('/', off);
      scope.all('/*', off);
    },
    { prefix: CONSOLE_PREFIX },
  );
}

/**
 * The web console in its own scope: cookies, CSRF, security headers, form bodies and the sign-in rate limit
 * apply to it alone, so the webhook intake and the admin API keep their own parsers and hooks.
 */
export function registerConsole(
  app: FastifyInstance,
  config: Config,
  deps: ConsoleDeps | undefined,
  isRedisReady: () => Promise<boolean>,
): void {
  if (!deps) {
    registerDisabled(app);
    return;
  }
  const secure = config.publicUrl?.startsWith('https://') ?? false;
  const cookieOptions = {
    path: CONSOLE_PREFIX,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    signed: true,
  } as const;
  const { signer, ready } = lazySigner(() => deps.sessions.cookieSecret());
  const signedIn = new WeakMap<FastifyRequest, ConsoleUser>();

  const sendHtml = (reply: FastifyReply, page: Html, status = 200) =>
    reply.status(status).type('text/html; charset=utf-8').send(page.value);

  const context: ConsoleContext = {
    ...deps,
    config,
    cookieOptions,
    sendHtml,
    user(request) {
      const user = signedIn.get(request);
      if (!user) throw new HttpError(401, 'Sign in first');
      return user;
    },
    person: (request) => ({ name: context.user(request).name }),
    async frame(request, reply, current) {
      return {
        user: context.user(request),
        csrfToken: reply.generateCsrf(),
        triageCount: await deps.readModel.triageCount(),
        current,
      };
    },
    async page(request, reply, current, title, content) {
      const frame = await context.frame(request, reply, current);
      return sendHtml(reply, layout(frame, title, typeof content === 'function' ? content(frame) : content));
    },
    requireEditor(request) {
      if (context.user(request).role !== 'editor')
        throw new HttpError(403, 'Viewers read; only editors act. Ask the operator for the editor role.');
    },
  };

  app.register(
    async (scope) => {
      // Console pages are not part of the API's OpenAPI document.
      scope.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, hide: true };
      });
      scope.addHook('onRequest', ready);
      await scope.register(cookie, { secret: signer });
      await scope.register(csrf, { sessionPlugin: '@fastify/cookie', cookieOpts: cookieOptions });
      await scope.register(formbody);
      await useSecurityHeaders(scope, { strict: true, https: secure });
      await scope.register(rateLimit, { global: false });
      await scope.register(fastifyStatic, {
        root: ASSET_DIR,
        prefix: '/assets/',
        decorateReply: false,
        cacheControl: true,
        maxAge: 3_600_000,
      });

      // Pages show the backlog, customers and tokens of forms: no cache may keep one (after sign-out, Back would
      // show it again; a shared proxy could hand it to someone else). The assets set their own, cacheable, header.
      scope.addHook('onSend', async (_request, reply) => {
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      });

      scope.addHook('preValidation', async (request) => {
        // An empty field of a GET form (no filter chosen) means "not set", not an invalid empty value.
        const query = request.query as Record<string, unknown> | undefined;
        if (query) for (const [name, value] of Object.entries(query)) if (value === '') delete query[name];
      });

      scope.addHook('onRequest', async (request, reply) => {
        const path = request.url.split('?')[0] ?? '';
        if (path.startsWith(`${CONSOLE_PREFIX}/assets/`)) return;
        if ((await deps.users.count()) === 0)
          return sendHtml(reply, barePage('Console off', OFF_MESSAGE), 404);
        if (PUBLIC_PATHS.has(path)) return;
        const raw = request.cookies[SESSION_COOKIE];
        const unsigned = raw ? request.unsignCookie(raw) : undefined;
        const session =
          unsigned?.valid && unsigned.value ? await deps.sessions.get(unsigned.value) : undefined;
        const user = session ? await deps.users.get(session.name) : undefined;
        // A person removed, or given a new token (a lost or leaked one), is signed out everywhere.
        if (user && signedInWithCurrentToken(user, session?.tokenId)) {
          signedIn.set(request, user);
          return;
        }
        if (request.method === 'GET' || request.method === 'HEAD') {
          const next = encodeURIComponent(request.url);
          return reply.redirect(`${CONSOLE_PREFIX}/login?next=${next}`, 303);
        }
        throw new HttpError(401, 'Sign in first');
      });

      // Every state-changing request carries the CSRF token of its form (the body is parsed by now).
      scope.addHook('preHandler', async (request, reply) => {
        if (request.method === 'GET' || request.method === 'HEAD') return;
        await new Promise<void>((resolve, reject) => {
          scope.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve()));
        });
      });

      scope.setErrorHandler(
        async (error: FastifyError & { headers?: Record<string, string> }, request, reply) => {
          let status =
            error instanceof UnknownTarget
              ? 404
              : error instanceof StaleAction
                ? 409
                : (error.statusCode ?? 500);
          if (status < 400 || status > 599) status = 500;
          // Every page reads Redis: while it is down, say so and when to come back instead of a bare 500.
          if (status === 500 && !(await isRedisReady())) {
            request.log.warn(
              { err: { message: error.message } },
              'Console unavailable: Redis does not answer',
            );
            reply.header('retry-after', REDIS_RETRY_AFTER_SECONDS);
            return sendHtml(reply, barePage('Console unavailable', REDIS_DOWN_MESSAGE), 503);
          }
          if (status >= 500) request.log.error({ err: error }, 'Console request failed');
          else request.log.info({ status, reason: error.message }, 'Console request rejected');
          const message =
            status >= 500
              ? 'Something went wrong; the error is in the service log.'
              : error.code === 'FST_CSRF_MISSING_SECRET' || error.code === 'FST_CSRF_INVALID_TOKEN'
                ? 'The form expired or did not come from the console. Reload the page and try again.'
                : error.message;
          if (error.headers) reply.headers(error.headers);
          return sendHtml(
            reply,
            barePage(
              STATUS_CODES[status] ?? 'Error',
              html`<p>${message}</p><p><a href="${CONSOLE_PREFIX}/backlog">Back to the console</a></p>`,
            ),
            status,
          );
        },
      );
      scope.setNotFoundHandler((request, reply) =>
        sendHtml(reply, barePage('Not found', html`<p>No page ${request.url.split('?')[0]}.</p>`), 404),
      );

      registerSignIn(scope, context, {
        perMinute: deps.signInsPerMinute ?? SIGN_INS_PER_MINUTE,
        sessionTtlSeconds: SESSION_TTL_SECONDS,
      });
      registerPages(scope, context);
    },
    { prefix: CONSOLE_PREFIX },
  );
}
