import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { type ConsoleContext, SESSION_COOKIE } from '../console-plugin.ts';
import { html } from '../html.ts';
import { barePage, CONSOLE_PREFIX } from '../layout.ts';
import { consolePath } from './common.ts';

const HOME = `${CONSOLE_PREFIX}/backlog`;

function signInPage(csrfToken: string, next: string, problem?: string) {
  return barePage(
    'Sign in',
    html`${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
<form class="signin" method="post" action="${CONSOLE_PREFIX}/login">
<input type="hidden" name="_csrf" value="${csrfToken}">
<input type="hidden" name="next" value="${next}">
<label for="token">Sign-in token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">The operator gives you a token with <code>npm run console -- add-user NAME --role viewer|editor</code>.</p>`,
  );
}

export function registerSignIn(
  scope: FastifyInstance,
  context: ConsoleContext,
  limits: { perMinute: number; sessionTtlSeconds: number },
): void {
  scope.get(
    '/login',
    { schema: { querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 2000 })) }) } },
    async (request, reply) => {
      const { next } = request.query as { next?: string };
      return context.sendHtml(reply, signInPage(reply.generateCsrf(), consolePath(next, HOME)));
    },
  );

  scope.post(
    '/login',
    {
      // Every attempt counts, per client (the socket's address, or what a proxy in TRUST_PROXY says): guessing a
      // token is hopeless anyway at 256 bits, this keeps a script from loading Redis with attempts.
      config: {
        rateLimit: {
          max: limits.perMinute,
          timeWindow: 60_000,
          keyGenerator: (request) => request.ip,
        },
      },
      schema: {
        body: Type.Object({
          token: Type.String({ maxLength: 200 }),
          next: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
      },
    },
    async (request, reply) => {
      const { token, next } = request.body as { token: string; next?: string };
      const user = token ? await context.users.byToken(token.trim()) : undefined;
      if (!user) {
        request.log.info('Console sign-in refused');
        return context.sendHtml(
          reply,
          signInPage(
            reply.generateCsrf(),
            consolePath(next, HOME),
            'That token is not valid. Check it, or ask the operator for a new one.',
          ),
          401,
        );
      }
      // A new id at every sign-in: a session id planted before it (fixation) is worth nothing after.
      const previous = request.cookies[SESSION_COOKIE];
      const unsigned = previous ? request.unsignCookie(previous) : undefined;
      if (unsigned?.valid && unsigned.value) await context.sessions.destroy(unsigned.value);
      const session = await context.sessions.create(user);
      request.log.info({ person: user.name }, 'Console sign-in');
      reply.setCookie(SESSION_COOKIE, session.id, {
        ...context.cookieOptions,
        maxAge: limits.sessionTtlSeconds,
      });
      return reply.redirect(consolePath(next, HOME), 303);
    },
  );

  scope.post('/logout', async (request, reply) => {
    const raw = request.cookies[SESSION_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    if (unsigned?.valid && unsigned.value) await context.sessions.destroy(unsigned.value);
    reply.clearCookie(SESSION_COOKIE, { path: CONSOLE_PREFIX });
    return reply.redirect(`${CONSOLE_PREFIX}/login`, 303);
  });
}
